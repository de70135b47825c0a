import type { ClusterStore, KubeObject } from '../types.js';
import { crdApiVersion, crdKind, resourcesOfCrd } from './registry.js';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

function ownedBy(object: KubeObject, uid: string): boolean {
  return (object.metadata.ownerReferences ?? []).some((reference) => reference.uid === uid);
}

function removeObject(store: ClusterStore, object: KubeObject): KubeObject | undefined {
  return store.remove(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
}

/**
 * What Kubernetes' garbage collector and namespace / CRD finalizers do once `deleted` is gone: objects in a deleted
 * namespace, objects of a deleted CRD's kinds, and dependents whose owners are all gone are removed (recursively);
 * dependents that keep another live owner lose the dangling reference.
 */
export function collectGarbage(store: ClusterStore, deleted: KubeObject): void {
  const uid = deleted.metadata.uid;
  if (deleted.apiVersion === 'v1' && deleted.kind === 'Namespace') {
    for (const object of store.all()) {
      if (object.metadata.namespace === deleted.metadata.name) removeWithDependents(store, object, 'Background');
    }
  }
  if (deleted.apiVersion === crdApiVersion && deleted.kind === crdKind) {
    const kinds = resourcesOfCrd(deleted).map((type) => `${type.group}/${type.kind}`);
    for (const object of store.all()) {
      const group = object.apiVersion.includes('/') ? object.apiVersion.slice(0, object.apiVersion.indexOf('/')) : '';
      if (kinds.includes(`${group}/${object.kind}`)) removeWithDependents(store, object, 'Background');
    }
  }
  if (uid === undefined) return;
  const liveUids = new Set(store.all().map((object) => object.metadata.uid));
  for (const dependent of store.all()) {
    if (!ownedBy(dependent, uid)) continue;
    const remaining = (dependent.metadata.ownerReferences ?? []).filter((reference) => reference.uid !== uid);
    if (remaining.some((reference) => liveUids.has(reference.uid))) {
      store.put({ ...dependent, metadata: { ...dependent.metadata, ownerReferences: remaining } });
    } else {
      removeWithDependents(store, dependent, 'Background');
    }
  }
}

/** delete an object the way the API server does with the given propagation policy; returns the removed object */
export function removeWithDependents(
  store: ClusterStore,
  object: KubeObject,
  policy: PropagationPolicy,
): KubeObject | undefined {
  const uid = object.metadata.uid;
  if (policy === 'Orphan' && uid !== undefined) {
    for (const dependent of store.all()) {
      if (!ownedBy(dependent, uid)) continue;
      const remaining = (dependent.metadata.ownerReferences ?? []).filter((reference) => reference.uid !== uid);
      store.put({ ...dependent, metadata: { ...dependent.metadata, ownerReferences: remaining } });
    }
  }
  const removed = removeObject(store, object);
  if (removed !== undefined) collectGarbage(store, removed);
  return removed;
}
