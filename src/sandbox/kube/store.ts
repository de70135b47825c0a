import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { ClusterStore, KubeObject, WatchEvent } from '../types.js';

/** Keys outside metadata and status: a change to any of them bumps metadata.generation. */
function specPart(object: KubeObject): Record<string, unknown> {
  const { metadata: _metadata, status: _status, apiVersion: _apiVersion, kind: _kind, ...rest } = object;
  return rest;
}

/** the API group of an apiVersion: '' for v1, apps for apps/v1 */
function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Objects are keyed by group, kind, namespace and name, not by version: as in etcd (/registry/<group>/<resource>/…),
 * one object exists once whatever version it was written in, and keeps the apiVersion it was encoded in.
 */
function keyOf(apiVersion: string, kind: string, name: string, namespace: string | undefined): string {
  return JSON.stringify([groupOf(apiVersion), kind, namespace ?? '', name]);
}

/** Equal apart from the bookkeeping put() assigns itself, so that a no-op write changes nothing (as in Kubernetes). */
function sameContent(stored: KubeObject, next: KubeObject): boolean {
  const strip = (object: KubeObject): KubeObject => ({
    ...object,
    metadata: { ...object.metadata, resourceVersion: undefined, generation: undefined },
  });
  return isDeepStrictEqual(strip(stored), strip(next));
}

export function createClusterStore(): ClusterStore {
  const objects = new Map<string, KubeObject>();
  const listeners = new Set<(event: WatchEvent) => void>();
  let lastResourceVersion = 0;

  const notify = (event: WatchEvent): void => {
    for (const listener of [...listeners]) listener({ type: event.type, object: structuredClone(event.object) });
  };

  return {
    get(apiVersion, kind, name, namespace) {
      const found = objects.get(keyOf(apiVersion, kind, name, namespace));
      return found === undefined ? undefined : structuredClone(found);
    },

    list(apiVersion, kind, namespace) {
      const group = groupOf(apiVersion);
      const matches: KubeObject[] = [];
      for (const object of objects.values()) {
        if (groupOf(object.apiVersion) !== group || object.kind !== kind) continue;
        if (namespace !== undefined && object.metadata.namespace !== namespace) continue;
        matches.push(structuredClone(object));
      }
      return matches;
    },

    all() {
      return [...objects.values()].map((object) => structuredClone(object));
    },

    put(object) {
      const key = keyOf(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
      const existing = objects.get(key);
      const next = structuredClone(object);
      if (next.metadata.namespace === undefined || next.metadata.namespace === '') delete next.metadata.namespace;
      if (existing !== undefined) {
        next.metadata.uid = existing.metadata.uid;
        next.metadata.creationTimestamp = existing.metadata.creationTimestamp;
        const generation = existing.metadata.generation ?? 1;
        next.metadata.generation = isDeepStrictEqual(specPart(existing), specPart(next)) ? generation : generation + 1;
        if (sameContent(existing, next)) return structuredClone(existing);
      } else {
        next.metadata.uid = next.metadata.uid ?? randomUUID();
        next.metadata.creationTimestamp =
          next.metadata.creationTimestamp ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
        next.metadata.generation = 1;
      }
      lastResourceVersion += 1;
      next.metadata.resourceVersion = String(lastResourceVersion);
      objects.set(key, next);
      notify({ type: existing === undefined ? 'ADDED' : 'MODIFIED', object: next });
      return structuredClone(next);
    },

    remove(apiVersion, kind, name, namespace) {
      const key = keyOf(apiVersion, kind, name, namespace);
      const existing = objects.get(key);
      if (existing === undefined) return undefined;
      objects.delete(key);
      lastResourceVersion += 1;
      existing.metadata.resourceVersion = String(lastResourceVersion);
      notify({ type: 'DELETED', object: existing });
      return structuredClone(existing);
    },

    watch(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
