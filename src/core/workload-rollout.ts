/**
 * `kubectl rollout status` for the other workloads a collector's spec.mode makes: daemonset and statefulset, with
 * kubectl's judgement and messages (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go,
 * https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go).
 * Deployments: rolloutStatusOf in rollout.ts.
 */
import type { KubeObject, RolloutStatus } from '../ports.js';

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

function count(source: Json, key: string): number {
  const value = source[key];
  return typeof value === 'number' ? value : 0;
}

function text(source: Json, key: string): string | undefined {
  const value = source[key];
  return typeof value === 'string' ? value : undefined;
}

function updateStrategyType(workload: KubeObject): string {
  return text(record(record(workload.spec)['updateStrategy']), 'type') ?? 'RollingUpdate';
}

/** DaemonSetStatusViewer.Status: every scheduled pod updated and available. */
export function daemonSetRolloutOf(name: string, daemonSet: KubeObject): RolloutStatus {
  const status = record(daemonSet.status);
  const desired = count(status, 'desiredNumberScheduled');
  const updated = count(status, 'updatedNumberScheduled');
  const available = count(status, 'numberAvailable');
  const base = { desired, updated, ready: count(status, 'numberReady'), available };
  if (updateStrategyType(daemonSet) !== 'RollingUpdate') {
    return { ...base, complete: true, message: 'rollout status is only available for RollingUpdate strategy type' };
  }
  if ((daemonSet.metadata.generation ?? 0) > count(status, 'observedGeneration')) {
    return { ...base, complete: false, message: 'Waiting for daemon set spec update to be observed...' };
  }
  if (updated < desired) {
    return {
      ...base,
      complete: false,
      message: `Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    };
  }
  if (available < desired) {
    return {
      ...base,
      complete: false,
      message: `Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`,
    };
  }
  return { ...base, complete: true, message: `daemon set "${name}" successfully rolled out` };
}

/** StatefulSetStatusViewer.Status: every replica ready and at the update revision (or past the partition). */
export function statefulSetRolloutOf(statefulSet: KubeObject): RolloutStatus {
  const spec = record(statefulSet.spec);
  const status = record(statefulSet.status);
  const desired = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  const ready = count(status, 'readyReplicas');
  const updated = count(status, 'updatedReplicas');
  const base = { desired, updated, ready, available: count(status, 'availableReplicas') };
  if (updateStrategyType(statefulSet) !== 'RollingUpdate') {
    return { ...base, complete: true, message: 'rollout status is only available for RollingUpdate strategy type' };
  }
  const observed = count(status, 'observedGeneration');
  if (observed === 0 || (statefulSet.metadata.generation ?? 0) > observed) {
    return { ...base, complete: false, message: 'Waiting for statefulset spec update to be observed...' };
  }
  if (ready < desired)
    return { ...base, complete: false, message: `Waiting for ${desired - ready} pods to be ready...` };
  const rollingUpdate = record(spec['updateStrategy'])['rollingUpdate'];
  if (rollingUpdate !== undefined && rollingUpdate !== null) {
    const partition = record(rollingUpdate)['partition'];
    if (typeof partition === 'number' && updated < desired - partition) {
      return {
        ...base,
        complete: false,
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated...`,
      };
    }
    return {
      ...base,
      complete: true,
      message: `partitioned roll out complete: ${updated} new pods have been updated...`,
    };
  }
  const updateRevision = text(status, 'updateRevision') ?? '';
  const currentRevision = text(status, 'currentRevision') ?? '';
  if (updateRevision !== currentRevision) {
    return {
      ...base,
      complete: false,
      message: `waiting for statefulset rolling update to complete ${updated} pods at revision ${updateRevision}...`,
    };
  }
  return {
    ...base,
    complete: true,
    message: `statefulset rolling update complete ${count(status, 'currentReplicas')} pods at revision ${currentRevision}...`,
  };
}
