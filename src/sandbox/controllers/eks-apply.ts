import { describePath, fieldSetOf, leafPaths, removePath, type FieldPath } from '../kube/fieldset.js';
import { serverSideApply, type WriteContext } from '../kube/managed-fields.js';
import { KubeApiError } from '../kube/status.js';
import { AddonHealthError, type ClusterStore, type KubeObject } from '../types.js';

/**
 * How EKS writes an add-on's objects: server-side apply as the field manager `eks` ("Amazon EKS uses the
 * Kubernetes server-side apply feature … Both types of fields are tagged with manager: eks",
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-field-management.html), where a field someone else
 * changed is a conflict that resolveConflicts settles (the eks/2017-11-01 model's UpdateAddon): NONE ("Amazon EKS
 * doesn't change the value. The update might fail"): nothing is written and the add-on reports ConfigurationConflict;
 * OVERWRITE ("overwrites the changed value back to the Amazon EKS default value"): applied with force; PRESERVE
 * ("Amazon EKS preserves the value"): applied without the conflicting fields, which keep their value and owner.
 * An absent resolveConflicts is taken as NONE (the API does not document a default).
 */
export const EKS_FIELD_MANAGER = 'eks';

const BUILTIN_GROUPS = new Set(['', 'apps', 'rbac.authorization.k8s.io']);

function contextOf(object: KubeObject, now: string): WriteContext {
  const group = object.apiVersion.includes('/') ? (object.apiVersion.split('/')[0] ?? '') : '';
  const builtin = BUILTIN_GROUPS.has(group);
  // custom resources with a status subresource apply their main resource; built-in kinds here have no status
  return { manager: EKS_FIELD_MANAGER, apiVersion: object.apiVersion, scope: builtin ? 'all' : 'main', builtin, now };
}

/** the fields of `desired` whose value another manager changed on `live` */
function conflictsOf(live: KubeObject | undefined, desired: KubeObject, context: WriteContext): FieldPath[] {
  if (live === undefined) return [];
  try {
    serverSideApply(live, desired, context, false);
    return [];
  } catch (error) {
    if (!(error instanceof KubeApiError) || error.code !== 409) throw error;
    const described = new Set((error.details?.causes ?? []).map((cause) => cause.field));
    const applied = leafPaths(fieldSetOf(desired, context.scope, context.builtin));
    return applied.filter((path) => described.has(describePath(path)));
  }
}

/**
 * The objects to store for `desired` as EKS applies them over what `store` holds, every conflict settled by
 * `resolveConflicts`; throws AddonHealthError(ConfigurationConflict) before anything is written when conflicts must
 * fail the install.
 */
export function eksApplied(
  store: ClusterStore,
  desired: readonly KubeObject[],
  resolveConflicts: string | undefined,
  now: Date,
): KubeObject[] {
  const stamp = timestamp(now);
  const planned = desired.map((object) => {
    const live = store.get(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
    const context = contextOf(object, stamp);
    return { object, live, context, conflicts: conflictsOf(live, object, context) };
  });
  const conflicting = planned.filter((plan) => plan.conflicts.length > 0);
  const mode = resolveConflicts ?? 'NONE';
  if (conflicting.length > 0 && mode === 'NONE') throw conflictError(conflicting);
  return planned.map(({ object, live, context, conflicts }) => {
    if (conflicts.length === 0 || mode === 'OVERWRITE') return serverSideApply(live, object, context, true);
    const preserved = structuredClone(object);
    for (const path of [...conflicts].sort((a, b) => b.length - a.length)) removePath(preserved, path);
    return serverSideApply(live, preserved, context, false);
  });
}

/** the object as EKS first creates it: applied by `eks` onto nothing */
export function eksCreated(object: KubeObject, now: Date): KubeObject {
  return serverSideApply(undefined, object, contextOf(object, timestamp(now)), false);
}

/** managedFields' time, as the API server writes it (seconds, UTC) */
function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * EKS's health issue, in the words it reports a conflict with (ConfigurationConflict, "Conflicts found when trying
 * to apply. Will not continue due to resolve conflicts mode. Conflicts:" then `Kind[.group] name - field` per line,
 * https://github.com/eksctl-io/eksctl/pull/5880).
 */
function conflictError(conflicting: { object: KubeObject; conflicts: FieldPath[] }[]): AddonHealthError {
  const lines = conflicting.flatMap(({ object, conflicts }) => {
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : undefined;
    const kind = group === undefined ? object.kind : `${object.kind}.${group}`;
    return conflicts.map((path) => `${kind} ${object.metadata.name} - ${describePath(path)}`);
  });
  return new AddonHealthError(
    'ConfigurationConflict',
    `Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts:\n${lines.join('\n')}`,
  );
}
