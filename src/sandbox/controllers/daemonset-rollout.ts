import { isDeepStrictEqual } from 'node:util';
import { daemonSetNodes } from '../kube/node-scheduling.js';
import { daemonSetStatus } from '../seed/daemonset-status.js';
import type { ClusterStore, KubeObject } from '../types.js';
import { record, specOf } from './objects.js';
import type { PodHealth } from './rollout.js';
import { StoreController } from './store-controller.js';

export interface DaemonSetRolloutOptions {
  rolloutSeconds: number;
  now?: () => number;
  /** asked once a DaemonSet's rollout time has passed: whether its pods are up (default: they are) */
  podHealth?: (daemonSet: KubeObject) => PodHealth;
}

interface Clock {
  generation: number;
  startedAt: number;
}

/**
 * The DaemonSet controller, reduced to what adot observes: a DaemonSet wants one pod on every node its pod template
 * fits (kube/node-scheduling.ts; never a Fargate node), and those pods are ready rolloutSeconds after each new
 * generation. No pod can be created while the service account the template names does not exist. DaemonSets that
 * had a status when the controller started keep it as given until their spec changes, like Deployments.
 */
export class DaemonSetRolloutController extends StoreController {
  private readonly clocks = new Map<string, Clock>();
  /** uid -> generation of DaemonSets seeded with a status */
  private readonly seeded = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    store: ClusterStore,
    private readonly options: DaemonSetRolloutOptions,
  ) {
    super(store);
    this.now = options.now ?? Date.now;
  }

  override start(): void {
    for (const daemonSet of this.store.list('apps/v1', 'DaemonSet')) {
      if (daemonSet.status !== undefined && daemonSet.metadata.uid !== undefined) {
        this.seeded.set(daemonSet.metadata.uid, daemonSet.metadata.generation ?? 1);
      }
    }
    super.start();
  }

  protected reconcile(): void {
    const nodes = this.store.list('v1', 'Node');
    const present = new Set<string>();
    for (const daemonSet of this.store.list('apps/v1', 'DaemonSet')) {
      const uid = daemonSet.metadata.uid ?? '';
      present.add(uid);
      const generation = daemonSet.metadata.generation ?? 1;
      if (this.seeded.get(uid) === generation) continue;
      this.seeded.delete(uid);
      const desired = this.desiredStatus(daemonSet, uid, generation, daemonSetNodes(daemonSet, nodes).length);
      if (!isDeepStrictEqual(record(daemonSet.status), desired)) this.store.put({ ...daemonSet, status: desired });
    }
    for (const uid of this.clocks.keys()) if (!present.has(uid)) this.clocks.delete(uid);
  }

  private desiredStatus(
    daemonSet: KubeObject,
    uid: string,
    generation: number,
    desired: number,
  ): Record<string, unknown> {
    if (this.missingServiceAccount(daemonSet) && desired > 0) {
      this.clocks.delete(uid);
      return daemonSetStatus({ desired, updated: 0, ready: 0 }, generation);
    }
    let clock = this.clocks.get(uid);
    if (clock === undefined || clock.generation !== generation) {
      clock = { generation, startedAt: this.now() };
      this.clocks.set(uid, clock);
    }
    const remaining = clock.startedAt + this.options.rolloutSeconds * 1000 - this.now();
    if (remaining > 0) {
      this.loop.scheduleIn(remaining);
      return daemonSetStatus({ desired, updated: desired, ready: 0 }, generation);
    }
    const health = desired === 0 ? { ready: true } : (this.options.podHealth?.(daemonSet) ?? { ready: true });
    return daemonSetStatus({ desired, updated: desired, ready: health.ready ? desired : 0 }, generation);
  }

  /** the pod template names a service account that does not exist ("default" always does) */
  private missingServiceAccount(daemonSet: KubeObject): boolean {
    const podSpec = record(record(specOf(daemonSet).template).spec);
    const account = podSpec.serviceAccountName ?? podSpec.serviceAccount;
    if (typeof account !== 'string' || account === '' || account === 'default') return false;
    return this.store.get('v1', 'ServiceAccount', account, daemonSet.metadata.namespace ?? 'default') === undefined;
  }
}
