/**
 * DaemonSet status documents as the Kubernetes DaemonSet controller writes them (apps/v1 DaemonSetStatus). Shared
 * by seeded add-ons (objects seeded already rolled out) and the rollout controller.
 */
export interface DaemonSetCounts {
  /** nodes that should run a daemon pod */
  desired: number;
  /** nodes running a pod of the current template */
  updated: number;
  /** of those, ready (and, as minReadySeconds is 0, available) */
  ready: number;
}

export function daemonSetStatus(counts: DaemonSetCounts, generation: number): Record<string, unknown> {
  const status: Record<string, unknown> = {
    currentNumberScheduled: counts.updated,
    desiredNumberScheduled: counts.desired,
    numberMisscheduled: 0,
    numberReady: counts.ready,
    observedGeneration: generation,
    updatedNumberScheduled: counts.updated,
    numberAvailable: counts.ready,
  };
  // the controller leaves numberUnavailable out when it is 0 (omitempty), and numberAvailable too
  if (counts.ready === 0) delete status.numberAvailable;
  if (counts.desired > counts.ready) status.numberUnavailable = counts.desired - counts.ready;
  return status;
}

export function rolledOutDaemonSetStatus(desired: number, generation: number): Record<string, unknown> {
  return daemonSetStatus({ desired, updated: desired, ready: desired }, generation);
}
