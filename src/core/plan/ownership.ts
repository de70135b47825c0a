/**
 * Who owns a field of a Kubernetes object, from its managedFields (server-side apply's field ownership:
 * https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management). adot applies as field manager
 * `adot`; a field only adot owns is adot's to remove, which server-side apply does when adot applies the object
 * without it.
 */
import type { KubeObject } from '../../ports.js';

export const FIELD_MANAGER = 'adot';

/** the label adot puts on what it creates (Kubernetes objects; tags on AWS resources) */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_ADOT = 'adot';
/** the tag adot puts on the AWS resources it creates (IAM roles, AMP workspaces, pod identity associations) */
export const MANAGED_BY_TAG = { [MANAGED_BY_LABEL]: MANAGED_BY_ADOT } as const;

export function labelledByAdot(object: KubeObject): boolean {
  return object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_ADOT;
}

interface ManagedFieldsEntry {
  manager?: unknown;
  fieldsV1?: unknown;
}

function child(set: unknown, key: string): unknown {
  return typeof set === 'object' && set !== null ? (set as Record<string, unknown>)[key] : undefined;
}

/** the managers whose entries hold metadata.annotations[name] */
export function annotationOwners(object: KubeObject, name: string): string[] {
  const entries = Array.isArray(object.metadata.managedFields)
    ? (object.metadata.managedFields as ManagedFieldsEntry[])
    : [];
  const owners = entries
    .filter((entry) => child(child(child(entry.fieldsV1, 'f:metadata'), 'f:annotations'), `f:${name}`) !== undefined)
    .map((entry) => String(entry.manager));
  return [...new Set(owners)];
}

/** adot alone owns the annotation: applying without it removes it */
export function annotationOwnedByAdot(object: KubeObject, name: string): boolean {
  const owners = annotationOwners(object, name);
  return owners.length === 1 && owners[0] === FIELD_MANAGER;
}
