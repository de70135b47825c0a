import { isDeepStrictEqual } from 'node:util';
import { availableDeploymentStatus, replicaSetHash, unavailableDeploymentStatus } from '../seed/deployment-status.js';
import type { ClusterStore, KubeObject } from '../types.js';
import { array, record, specOf, statusOf } from './objects.js';
import { StoreController } from './store-controller.js';

export interface RolloutOptions {
  rolloutSeconds: number;
  now?: () => number;
  /**
   * Asked once a Deployment's rollout time has passed: whether its pods are up. Default: they always are. The
   * sandbox answers for collector Deployments from the collector runtime it really runs.
   */
  podHealth?: (deployment: KubeObject) => PodHealth;
}

/** ready, still starting, or failed with the reason the Deployment reports */
export type PodHealth = { ready: true } | { ready: false; failure?: string };

interface Clock {
  generation: number;
  startedAt: number;
}

/**
 * The deployment controller, reduced to what adot observes: a Deployment becomes Available rolloutSeconds after
 * each new generation, and stays unavailable while the service account its pods run as does not exist (the clock
 * starts when it appears). Deployments that had a status when the controller started keep it as given until
 * their spec changes.
 */
export class RolloutController extends StoreController {
  private readonly clocks = new Map<string, Clock>();
  /** uid -> generation of Deployments seeded with a status */
  private readonly seeded = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    store: ClusterStore,
    private readonly options: RolloutOptions,
  ) {
    super(store);
    this.now = options.now ?? Date.now;
  }

  override start(): void {
    for (const deployment of this.store.list('apps/v1', 'Deployment')) {
      if (deployment.status !== undefined && deployment.metadata.uid !== undefined) {
        this.seeded.set(deployment.metadata.uid, deployment.metadata.generation ?? 1);
      }
    }
    super.start();
  }

  protected reconcile(): void {
    const present = new Set<string>();
    for (const deployment of this.store.list('apps/v1', 'Deployment')) {
      const uid = deployment.metadata.uid ?? '';
      present.add(uid);
      const generation = deployment.metadata.generation ?? 1;
      if (this.seeded.get(uid) === generation) continue;
      this.seeded.delete(uid);
      const desired = this.desiredStatus(deployment, uid, generation);
      if (!sameRolloutState(statusOf(deployment), desired)) this.store.put({ ...deployment, status: desired });
    }
    for (const uid of this.clocks.keys()) if (!present.has(uid)) this.clocks.delete(uid);
  }

  private desiredStatus(deployment: KubeObject, uid: string, generation: number): Record<string, unknown> {
    const name = deployment.metadata.name;
    const replicas = typeof specOf(deployment).replicas === 'number' ? (specOf(deployment).replicas as number) : 1;
    const missing = this.missingServiceAccount(deployment);
    if (missing !== undefined && replicas > 0) {
      this.clocks.delete(uid);
      const namespace = deployment.metadata.namespace ?? 'default';
      return unavailableDeploymentStatus(
        name,
        replicas,
        generation,
        `pods "${name}-${replicaSetHash(name, generation)}-" is forbidden: error looking up service account ${namespace}/${missing}: serviceaccount "${missing}" not found`,
      );
    }
    let clock = this.clocks.get(uid);
    if (clock === undefined || clock.generation !== generation) {
      clock = { generation, startedAt: this.now() };
      this.clocks.set(uid, clock);
    }
    const remaining = clock.startedAt + this.options.rolloutSeconds * 1000 - this.now();
    if (replicas === 0) return availableDeploymentStatus(name, replicas, generation);
    if (remaining <= 0) {
      const health = this.options.podHealth?.(deployment) ?? { ready: true };
      return health.ready
        ? availableDeploymentStatus(name, replicas, generation)
        : unavailableDeploymentStatus(name, replicas, generation, health.failure);
    }
    this.loop.scheduleIn(remaining);
    return unavailableDeploymentStatus(name, replicas, generation);
  }

  /** the pod template's service account when it does not exist ("default" always does) */
  private missingServiceAccount(deployment: KubeObject): string | undefined {
    const podSpec = record(record(specOf(deployment).template).spec);
    const account = podSpec.serviceAccountName ?? podSpec.serviceAccount;
    if (typeof account !== 'string' || account === '' || account === 'default') return undefined;
    return this.store.get('v1', 'ServiceAccount', account, deployment.metadata.namespace ?? 'default') === undefined
      ? account
      : undefined;
  }
}

/** equal apart from condition timestamps, so a settled Deployment is not rewritten on every pass */
function sameRolloutState(current: Record<string, unknown>, desired: Record<string, unknown>): boolean {
  const shape = (status: Record<string, unknown>) => ({
    ...status,
    conditions: array(status.conditions)
      .map(record)
      .map(({ lastUpdateTime: _update, lastTransitionTime: _transition, ...condition }) => condition),
  });
  return isDeepStrictEqual(shape(current), shape(desired));
}
