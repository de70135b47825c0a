import type { ClusterStore } from '../types.js';
import { EndpointsController } from './endpoints.js';
import { OperatorController } from './operator.js';
import { RolloutController } from './rollout.js';

export { StoreAddonHooks } from './addon-hooks.js';

export interface ClusterControllers {
  stop(): void;
}

/**
 * Starts the controllers of one emulated cluster. Each reconciles once synchronously, in dependency order
 * (operator makes Deployments, rollout makes them Available, endpoints follow ready replicas), so the cluster is
 * settled when this returns; afterwards each reacts to store changes on its own.
 */
export function startClusterControllers(store: ClusterStore, options: { rolloutSeconds: number }): ClusterControllers {
  const controllers = [
    new OperatorController(store),
    new RolloutController(store, options),
    new EndpointsController(store),
  ];
  for (const controller of controllers) controller.start();
  return {
    stop() {
      for (const controller of controllers) controller.stop();
    },
  };
}
