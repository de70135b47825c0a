import type { ClusterStore } from '../types.js';
import { ReconcileLoop } from './reconcile-loop.js';

/** A controller of one cluster's store: `reconcile` runs at start and after every change, until `stop`. */
export abstract class StoreController {
  protected readonly loop: ReconcileLoop;

  constructor(protected readonly store: ClusterStore) {
    this.loop = new ReconcileLoop(store, () => this.reconcile());
  }

  start(): void {
    this.loop.start();
  }

  /** reconcile again soon, for a change that happened outside the store */
  requestReconcile(): void {
    this.loop.schedule();
  }

  stop(): void {
    this.loop.stop();
  }

  protected abstract reconcile(): void;
}
