import { createHash } from 'node:crypto';
import { apiVersionOf, type ResourceRegistry, type ResourceType } from './registry.js';

/** Legacy (unaggregated) discovery documents: kubectl and client-node fall back to these when served as application/json. */

/** of the storage version, so equal for every served version of a kind (k8s.io/apiserver discovery.StorageVersionHash) */
function storageVersionHash(type: ResourceType): string {
  return createHash('sha256').update(`${type.group}/${type.storageVersion}/${type.kind}`).digest('base64').slice(0, 11);
}

function resourceEntry(type: ResourceType): Record<string, unknown> {
  return {
    name: type.plural,
    singularName: type.singular,
    namespaced: type.namespaced,
    kind: type.kind,
    verbs: type.verbs,
    ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
    ...(type.categories.length > 0 ? { categories: type.categories } : {}),
    storageVersionHash: storageVersionHash(type),
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function resourceList(
  registry: ResourceRegistry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const types = registry.all().filter((type) => type.group === group && type.version === version);
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const type of types) {
    resources.push(resourceEntry(type));
    if (type.hasStatus) {
      resources.push({
        name: `${type.plural}/status`,
        singularName: '',
        namespaced: type.namespaced,
        kind: type.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
    // what `kubectl logs` reads (pod-log.ts)
    if (type.group === '' && type.plural === 'pods') {
      resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

function groupEntry(name: string, versions: string[]): Record<string, unknown> {
  const entries = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions: entries, preferredVersion: entries[0] };
}

export function apiGroupList(registry: ResourceRegistry): Record<string, unknown> {
  const groups = [...registry.groups()]
    .filter(([name]) => name !== '')
    .map(([name, versions]) => groupEntry(name, versions));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function apiGroup(registry: ResourceRegistry, name: string): Record<string, unknown> | undefined {
  const versions = registry.groups().get(name);
  if (versions === undefined || name === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(name, versions) };
}
