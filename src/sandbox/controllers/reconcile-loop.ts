import type { ClusterStore } from '../types.js';

/**
 * Runs a controller's reconcile over a store: once at start (synchronously, so a sandbox is settled when it
 * starts), then after every change, coalesced on the next turn of the event loop. Deferring matters: the store
 * notifies synchronously, and writing from inside a notification would reorder the events other watchers see.
 */
export class ReconcileLoop {
  private unsubscribe: (() => void) | undefined;
  private scheduled: NodeJS.Immediate | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly store: ClusterStore,
    private readonly reconcile: () => void,
  ) {}

  start(): void {
    this.unsubscribe = this.store.watch(() => this.schedule());
    this.reconcile();
  }

  schedule(): void {
    if (this.stopped || this.scheduled !== undefined) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      if (!this.stopped) this.reconcile();
    });
  }

  /** reconcile again after `ms` (for time-based transitions) */
  scheduleIn(ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.schedule();
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.scheduled !== undefined) clearImmediate(this.scheduled);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
