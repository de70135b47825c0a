import type { RolloutStatus } from '../ports.js';

interface DeploymentLike {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

/** The same judgement and messages as `kubectl rollout status deployment/NAME`. */
export function rolloutStatusOf(name: string, deployment: DeploymentLike): RolloutStatus {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const updated = status.updatedReplicas ?? 0;
  const ready = status.readyReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const base = { desired, updated, ready, available };

  const progressing = status.conditions?.find((condition) => condition.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { ...base, complete: false, message: `deployment "${name}" exceeded its progress deadline` };
  }
  if ((status.observedGeneration ?? 0) < (deployment.metadata?.generation ?? 0)) {
    return { ...base, complete: false, message: `Waiting for deployment spec update to be observed...` };
  }
  const waiting = (detail: string): RolloutStatus => {
    const unavailable = status.conditions?.find(
      (condition) => condition.type === 'Available' && condition.status !== 'True',
    );
    const why = unavailable?.message ? ` (${unavailable.message})` : '';
    return { ...base, complete: false, message: `Waiting for deployment "${name}" rollout to finish: ${detail}${why}` };
  };
  if (updated < desired) return waiting(`${updated} out of ${desired} new replicas have been updated...`);
  if (total > updated) return waiting(`${total - updated} old replicas are pending termination...`);
  if (available < updated) return waiting(`${available} of ${updated} updated replicas are available...`);
  return { ...base, complete: true, message: `deployment "${name}" successfully rolled out` };
}
