/**
 * Which lists of the built-in kinds are maps keyed by a field (patchMergeKey / x-kubernetes-list-map-keys), so that
 * strategic merge patch and server-side apply merge them item by item. Keyed by field name, which is unambiguous
 * for the kinds this sandbox serves except `ports` (container ports are keyed by containerPort, service ports by
 * port). Lists not named here are atomic: replaced as a whole.
 */
const mergeKeyByField: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};

/** primitive lists merged as sets */
const setListFields = new Set(['finalizers']);

export type ListKind = { type: 'map'; key: string } | { type: 'set' } | { type: 'atomic' };

export function listKindOf(field: string, items: readonly unknown[], builtin: boolean): ListKind {
  if (!builtin) return { type: 'atomic' };
  if (setListFields.has(field)) return { type: 'set' };
  if (field === 'ports') {
    const first = items.find((item) => item !== null && typeof item === 'object') as
      Record<string, unknown> | undefined;
    return { type: 'map', key: first !== undefined && 'containerPort' in first ? 'containerPort' : 'port' };
  }
  const key = mergeKeyByField[field];
  return key === undefined ? { type: 'atomic' } : { type: 'map', key };
}
