import type { ClusterStore, WatchEvent } from '../types.js';

export interface LoggedEvent {
  resourceVersion: number;
  event: WatchEvent;
}

/**
 * The recent changes of a store, so that a watch can start after a given resourceVersion (as etcd's watch
 * window allows). Older starting points answer 410 Expired and clients relist.
 */
export class EventLog {
  private readonly events: LoggedEvent[] = [];
  private latest: number;
  /** changes at or before this version are not in the log */
  private horizon: number;
  private readonly listeners = new Set<(entry: LoggedEvent) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    store: ClusterStore,
    private readonly capacity = 10_000,
  ) {
    this.latest = Math.max(0, ...store.all().map((object) => Number(object.metadata.resourceVersion ?? 0)));
    this.horizon = this.latest;
    this.unsubscribe = store.watch((event) => {
      const resourceVersion = Number(event.object.metadata.resourceVersion ?? 0);
      this.latest = Math.max(this.latest, resourceVersion);
      const entry = { resourceVersion, event };
      this.events.push(entry);
      if (this.events.length > this.capacity) {
        const dropped = this.events.shift();
        if (dropped !== undefined) this.horizon = dropped.resourceVersion;
      }
      for (const listener of [...this.listeners]) listener(entry);
    });
  }

  get resourceVersion(): number {
    return this.latest;
  }

  /** events after `resourceVersion`, or undefined when some of them are no longer kept */
  since(resourceVersion: number): LoggedEvent[] | undefined {
    if (resourceVersion < this.horizon) return undefined;
    return this.events.filter((entry) => entry.resourceVersion > resourceVersion);
  }

  subscribe(listener: (entry: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }
}
