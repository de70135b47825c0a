import type { ClusterStore } from '../types.js';
import { establishedStatus, validateCrd } from './admission.js';
import { collectGarbage, removeWithDependents } from './gc.js';
import { crdApiVersion, crdKind } from './registry.js';

/** how long a Terminating namespace lingers before the namespace controller has emptied and removed it */
export const namespaceTerminationMs = 200;

/**
 * The control loops the API server's own objects rely on, for changes made straight to the store (by the
 * sandbox's controllers or seeds) as well as through HTTP: CRDs with acceptable names become Established,
 * deletions are followed by garbage collection, and a namespace marked for deletion is emptied and removed
 * shortly after. They run after the change that triggered them, as in Kubernetes. Returns a stop function.
 */
export function startApiControllers(store: ClusterStore, now: () => Date): () => void {
  const terminating = new Map<string, NodeJS.Timeout>();
  const unsubscribe = store.watch((event) => {
    const object = event.object;
    if (event.type === 'DELETED') {
      queueMicrotask(() => collectGarbage(store, object));
      return;
    }
    if (object.apiVersion === 'v1' && object.kind === 'Namespace') {
      const name = object.metadata.name;
      if (object.metadata.deletionTimestamp === undefined || terminating.has(name)) return;
      terminating.set(
        name,
        setTimeout(() => {
          terminating.delete(name);
          const current = store.get('v1', 'Namespace', name);
          if (current?.metadata.deletionTimestamp !== undefined) removeWithDependents(store, current, 'Background');
        }, namespaceTerminationMs),
      );
      return;
    }
    if (object.apiVersion !== crdApiVersion || object.kind !== crdKind) return;
    queueMicrotask(() => {
      const current = store.get(crdApiVersion, crdKind, object.metadata.name);
      if (current === undefined) return;
      try {
        validateCrd(current);
      } catch {
        return;
      }
      const status = establishedStatus(
        current,
        now()
          .toISOString()
          .replace(/\.\d+Z$/, 'Z'),
      );
      if (status !== undefined) store.put({ ...current, status });
    });
  });
  return () => {
    unsubscribe();
    for (const timer of terminating.values()) clearTimeout(timer);
    terminating.clear();
  };
}
