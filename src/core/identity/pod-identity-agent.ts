/**
 * The EKS Pod Identity agent: the `eks-pod-identity-agent` add-on, a DaemonSet of that name in kube-system that
 * serves pods their credentials (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html).
 */
import type { KubeObject } from '../../ports.js';

export const POD_IDENTITY_AGENT_ADDON = 'eks-pod-identity-agent';
export const POD_IDENTITY_AGENT_DAEMONSET = 'eks-pod-identity-agent';
export const POD_IDENTITY_AGENT_NAMESPACE = 'kube-system';

export interface DaemonSetReadiness {
  ready: boolean;
  desired: number;
  readyCount: number;
  message: string;
}

function count(status: Record<string, unknown>, key: string): number {
  const value = status[key];
  return typeof value === 'number' ? value : 0;
}

/** Ready when it is scheduled somewhere and every scheduled pod is ready and up to date. */
export function daemonSetReadiness(daemonSet: KubeObject): DaemonSetReadiness {
  const status = (daemonSet.status ?? {}) as Record<string, unknown>;
  const desired = count(status, 'desiredNumberScheduled');
  const readyCount = count(status, 'numberReady');
  const updated = count(status, 'updatedNumberScheduled');
  const generation = daemonSet.metadata.generation;
  const observed = status.observedGeneration;
  const stale = typeof generation === 'number' && typeof observed === 'number' && observed < generation;
  if (desired === 0) return { ready: false, desired, readyCount, message: 'scheduled on no node' };
  if (stale || updated < desired) {
    return { ready: false, desired, readyCount, message: `rolling out: ${updated}/${desired} updated` };
  }
  if (readyCount < desired) return { ready: false, desired, readyCount, message: `${readyCount}/${desired} ready` };
  return { ready: true, desired, readyCount, message: `${readyCount}/${desired} ready` };
}
