import type { ClusterStore, KubeObject } from '../types.js';
import {
  CollectorRuntimeController,
  type CollectorPodIdentity,
  type CollectorPodNodes,
  type CollectorRunner,
} from './collector-runtime.js';
import { DaemonSetRolloutController } from './daemonset-rollout.js';
import { EndpointsController } from './endpoints.js';
import { OperatorController } from './operator.js';
import { RolloutController } from './rollout.js';
import { StatefulSetRolloutController } from './statefulset-rollout.js';
import { collectorOf } from './collector-workloads.js';
import { WorkloadPodsController } from './workload-pods.js';

export { clusterAddonHooks, StoreAddonHooks, type ClusterAddonHooksContext } from './addon-hooks.js';
export {
  LISTENERS_ANNOTATION,
  type CollectorPodIdentity,
  type CollectorPodNodes,
  type CollectorRunner,
} from './collector-runtime.js';

export interface ClusterControllers {
  /** resolves once the collectors of the cluster have started (or failed to) and their Deployments say so */
  settled(): Promise<void>;
  stop(): void;
}

export interface ClusterControllerOptions {
  rolloutSeconds: number;
  /** runs the collectors the operator deploys; without it their Deployments become Available on time alone */
  collectors?: CollectorRunner;
  /** what EKS injects into the collectors' pods for their service accounts (default: nothing) */
  podIdentity?: CollectorPodIdentity;
  /** what the collectors' pods get of their nodes: hostPath mounts and log directories (default: nothing) */
  podNodes?: CollectorPodNodes;
}

/**
 * Starts the controllers of one emulated cluster. Each reconciles once synchronously, in dependency order
 * (operator makes Deployments, rollouts make them and DaemonSets ready, the emulated workloads' pods follow, endpoints
 * follow the pods), so the
 * cluster is settled when this returns; afterwards each reacts to store changes on its own. Collectors start
 * asynchronously once their Deployment has rolled out, which then becomes Available.
 */
export function startClusterControllers(store: ClusterStore, options: ClusterControllerOptions): ClusterControllers {
  const runner = options.collectors;
  const runtime =
    runner === undefined
      ? undefined
      : new CollectorRuntimeController(
          store,
          runner,
          () => {
            rollout.requestReconcile();
            daemonSets.requestReconcile();
            statefulSets.requestReconcile();
            endpoints.requestReconcile();
          },
          options.podIdentity,
          options.podNodes,
        );
  const podHealth = runtime === undefined ? {} : { podHealth: (workload: KubeObject) => runtime.podHealth(workload) };
  const rollout = new RolloutController(store, { rolloutSeconds: options.rolloutSeconds, ...podHealth });
  const daemonSets = new DaemonSetRolloutController(store, { rolloutSeconds: options.rolloutSeconds, ...podHealth });
  const statefulSets = new StatefulSetRolloutController(store, {
    rolloutSeconds: options.rolloutSeconds,
    ...podHealth,
  });
  // the collector runtime makes the pods of the collectors it runs; every other workload's pods are emulated
  const workloadPods = new WorkloadPodsController(
    store,
    (workload) => runtime !== undefined && collectorOf(workload) !== undefined,
  );
  const endpoints = new EndpointsController(store, (service) => runtime?.listenersOf(service));
  const controllers = [
    new OperatorController(store),
    ...(runtime === undefined ? [] : [runtime]),
    rollout,
    daemonSets,
    statefulSets,
    workloadPods,
    endpoints,
  ];
  for (const controller of controllers) controller.start();
  return {
    settled: async () => runtime?.idle(),
    stop() {
      for (const controller of controllers) controller.stop();
    },
  };
}
