import { isDeepStrictEqual } from 'node:util';
import type { ClusterStore, KubeObject } from '../types.js';
import { templateHash } from './collector-workloads.js';
import { record, specOf } from './objects.js';
import type { PodHealth } from './rollout.js';
import { StoreController } from './store-controller.js';

export interface StatefulSetRolloutOptions {
  rolloutSeconds: number;
  now?: () => number;
  /** asked once a StatefulSet's rollout time has passed: whether its pods are up (default: they are) */
  podHealth?: (statefulSet: KubeObject) => PodHealth;
}

/**
 * The StatefulSet controller, reduced to what adot and `kubectl rollout status statefulset` read (apps/v1
 * StatefulSetStatus: replicas, readyReplicas, currentReplicas, updatedReplicas, availableReplicas,
 * observedGeneration, currentRevision = updateRevision `<name>-<hash>`): its replicas are ready rolloutSeconds after
 * each new generation, once their pods are up. No pod can be created while the service account does not exist.
 */
export class StatefulSetRolloutController extends StoreController {
  private readonly clocks = new Map<string, { generation: number; startedAt: number }>();
  private readonly now: () => number;

  constructor(
    store: ClusterStore,
    private readonly options: StatefulSetRolloutOptions,
  ) {
    super(store);
    this.now = options.now ?? Date.now;
  }

  protected reconcile(): void {
    for (const statefulSet of this.store.list('apps/v1', 'StatefulSet')) {
      const desired = this.desiredStatus(statefulSet);
      if (!isDeepStrictEqual(record(statefulSet.status), desired)) this.store.put({ ...statefulSet, status: desired });
    }
  }

  private desiredStatus(statefulSet: KubeObject): Record<string, unknown> {
    const uid = statefulSet.metadata.uid ?? '';
    const generation = statefulSet.metadata.generation ?? 1;
    const replicas = typeof specOf(statefulSet).replicas === 'number' ? (specOf(statefulSet).replicas as number) : 1;
    const revision = `${statefulSet.metadata.name}-${templateHash(statefulSet)}`;
    const status = (ready: number) => ({
      observedGeneration: generation,
      replicas: ready === replicas ? replicas : ready,
      readyReplicas: ready,
      currentReplicas: ready,
      updatedReplicas: ready,
      availableReplicas: ready,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
    if (this.missingServiceAccount(statefulSet) || replicas === 0) return status(0);
    let clock = this.clocks.get(uid);
    if (clock === undefined || clock.generation !== generation) {
      clock = { generation, startedAt: this.now() };
      this.clocks.set(uid, clock);
    }
    const remaining = clock.startedAt + this.options.rolloutSeconds * 1000 - this.now();
    if (remaining > 0) {
      this.loop.scheduleIn(remaining);
      return status(0);
    }
    const health = this.options.podHealth?.(statefulSet) ?? { ready: true };
    return status(health.ready ? replicas : 0);
  }

  private missingServiceAccount(statefulSet: KubeObject): boolean {
    const podSpec = record(record(specOf(statefulSet).template).spec);
    const account = podSpec.serviceAccountName ?? podSpec.serviceAccount;
    if (typeof account !== 'string' || account === '' || account === 'default') return false;
    return this.store.get('v1', 'ServiceAccount', account, statefulSet.metadata.namespace ?? 'default') === undefined;
  }
}
