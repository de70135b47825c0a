import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../types.js';
import {
  describePath,
  fieldSetOf,
  leafPaths,
  pathKey,
  removePath,
  setOfPaths,
  valueAt,
  type FieldPath,
  type FieldScope,
  type FieldSet,
} from './fieldset.js';
import { listKindOf } from './list-keys.js';
import { isMap } from './patch.js';
import { KubeApiError } from './status.js';

/** one entry of metadata.managedFields */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldSet;
  subresource?: string;
}

export interface WriteContext {
  manager: string;
  apiVersion: string;
  scope: FieldScope;
  builtin: boolean;
  /** 'status' for writes through the /status subresource */
  subresource?: string;
  now: string;
}

function entriesOf(object: KubeObject | undefined): ManagedFieldsEntry[] {
  const entries = object?.metadata.managedFields;
  return Array.isArray(entries) ? (structuredClone(entries) as ManagedFieldsEntry[]) : [];
}

function sameIdentity(
  entry: ManagedFieldsEntry,
  manager: string,
  operation: string,
  subresource: string | undefined,
): boolean {
  return (
    entry.manager === manager && entry.operation === operation && (entry.subresource ?? '') === (subresource ?? '')
  );
}

function withoutPaths(set: FieldSet, removed: ReadonlySet<string>): FieldSet {
  return setOfPaths(leafPaths(set).filter((path) => !removed.has(pathKey(path))));
}

/** replace one manager's entry, keeping its timestamp when its fields did not change; drop empty entries */
function upsert(entries: ManagedFieldsEntry[], entry: ManagedFieldsEntry): ManagedFieldsEntry[] {
  const index = entries.findIndex((existing) =>
    sameIdentity(existing, entry.manager, entry.operation, entry.subresource),
  );
  const previous = index >= 0 ? entries[index] : undefined;
  const kept =
    previous !== undefined &&
    isDeepStrictEqual(previous.fieldsV1, entry.fieldsV1) &&
    previous.apiVersion === entry.apiVersion
      ? previous
      : entry;
  const next = [...entries];
  if (index >= 0) next[index] = kept;
  else next.push(kept);
  return next.filter((candidate) => Object.keys(candidate.fieldsV1).length > 0);
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isMap(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) result[key] = dropNulls(child);
  return result;
}

function mergeApplied(live: unknown, applied: unknown, field: string, builtin: boolean): unknown {
  if (isMap(applied) && isMap(live)) {
    const result: Record<string, unknown> = { ...live };
    for (const [key, value] of Object.entries(applied)) result[key] = mergeApplied(live[key], value, key, builtin);
    return result;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const kind = listKindOf(field, [...applied, ...live], builtin);
    if (kind.type === 'atomic') return structuredClone(applied);
    const result = live.map((item) => structuredClone(item));
    for (const item of applied) {
      const index = result.findIndex((existing) =>
        kind.type === 'set'
          ? isDeepStrictEqual(existing, item)
          : isMap(existing) && isMap(item) && isDeepStrictEqual(existing[kind.key], item[kind.key]),
      );
      if (index < 0) result.push(structuredClone(item));
      else if (kind.type === 'map') result[index] = mergeApplied(result[index], item, field, builtin);
    }
    return result;
  }
  return structuredClone(applied);
}

/** the part of an applied configuration a scope takes: everything but status for the main resource, only status for /status */
function scopedConfig(config: KubeObject, scope: FieldScope): Record<string, unknown> {
  const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = config;
  if (scope === 'status') return { status: rest.status };
  const tracked: Record<string, unknown> = {};
  for (const field of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
    if (metadata[field] !== undefined) tracked[field] = metadata[field];
  }
  const { status: _status, ...withoutStatus } = rest;
  return { metadata: tracked, ...(scope === 'main' ? withoutStatus : rest) };
}

/**
 * Server-side apply of `config` by `context.manager` onto `live` (undefined = create): conflicts with other
 * managers' fields (409 naming them unless forced), removal of fields this manager applied before and dropped now
 * (unless someone else owns them), and the new managedFields. Returns the object to store.
 */
export function serverSideApply(
  live: KubeObject | undefined,
  config: KubeObject,
  context: WriteContext,
  force: boolean,
): KubeObject {
  const cleanConfig = dropNulls(config) as KubeObject;
  const applied = scopedConfig(cleanConfig, context.scope);
  const appliedSet = fieldSetOf(applied, 'all', context.builtin);
  const appliedPaths = leafPaths(appliedSet);
  const entries = entriesOf(live);
  const base: KubeObject = live ?? {
    apiVersion: config.apiVersion,
    kind: config.kind,
    metadata: { name: config.metadata.name },
  };
  if (live === undefined && config.metadata.namespace !== undefined)
    base.metadata.namespace = config.metadata.namespace;

  const conflicts: { manager: string; apiVersion: string; path: FieldPath }[] = [];
  const stolen = new Map<number, Set<string>>();
  entries.forEach((entry, index) => {
    if (entry.manager === context.manager) return;
    if ((entry.subresource ?? '') !== (context.subresource ?? '')) return;
    const owned = new Set(leafPaths(entry.fieldsV1).map(pathKey));
    for (const path of appliedPaths) {
      if (!owned.has(pathKey(path)) || path[path.length - 1] === '.') continue;
      const current = valueAt(base, path);
      if (!current.found || isDeepStrictEqual(current.value, valueAt(applied, path).value)) continue;
      conflicts.push({ manager: entry.manager, apiVersion: entry.apiVersion, path });
      const taken = stolen.get(index) ?? new Set<string>();
      taken.add(pathKey(path));
      stolen.set(index, taken);
    }
  });
  if (conflicts.length > 0 && !force) throw conflictError(conflicts, config);

  const own = entries.find((entry) => sameIdentity(entry, context.manager, 'Apply', context.subresource));
  const appliedKeys = new Set(appliedPaths.map(pathKey));
  const othersOwn = new Set<string>();
  entries.forEach((entry, index) => {
    if (entry === own) return;
    const taken = stolen.get(index);
    for (const path of leafPaths(entry.fieldsV1))
      if (taken === undefined || !taken.has(pathKey(path))) othersOwn.add(pathKey(path));
  });
  const dropped =
    own === undefined
      ? []
      : leafPaths(own.fieldsV1).filter((path) => !appliedKeys.has(pathKey(path)) && !othersOwn.has(pathKey(path)));

  const { metadata: appliedMetadata, ...appliedBody } = applied as { metadata?: Record<string, unknown> };
  const merged = mergeApplied(
    base,
    { ...appliedBody, metadata: { ...(appliedMetadata ?? {}) } },
    '',
    context.builtin,
  ) as KubeObject;
  for (const path of dropped.sort((a, b) => b.length - a.length)) removePath(merged, path);

  let nextEntries = entries.map((entry, index) => {
    const taken = stolen.get(index);
    return taken === undefined ? entry : { ...entry, fieldsV1: withoutPaths(entry.fieldsV1, taken) };
  });
  nextEntries = upsert(nextEntries, {
    manager: context.manager,
    operation: 'Apply',
    apiVersion: context.apiVersion,
    time: context.now,
    fieldsType: 'FieldsV1',
    fieldsV1: appliedSet,
    ...(context.subresource === undefined ? {} : { subresource: context.subresource }),
  });
  merged.metadata.managedFields = nextEntries;
  return merged;
}

function conflictError(
  conflicts: { manager: string; apiVersion: string; path: FieldPath }[],
  config: KubeObject,
): KubeApiError {
  const lines = conflicts.map(
    (conflict) => `conflict with "${conflict.manager}" using ${conflict.apiVersion}: ${describePath(conflict.path)}`,
  );
  const message =
    conflicts.length === 1
      ? `Apply failed with 1 conflict: ${lines[0] ?? ''}`
      : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  return new KubeApiError(409, 'Conflict', message, {
    name: config.metadata.name,
    causes: conflicts.map((conflict) => ({
      type: 'FieldManagerConflict',
      message: `conflict with "${conflict.manager}" using ${conflict.apiVersion}`,
      field: describePath(conflict.path),
    })),
  });
}

/**
 * managedFields after a non-apply write (create, update, patch): the writer takes every field it changed, other
 * managers lose those fields, and fields that disappeared are forgotten.
 */
export function recordUpdate(
  previous: KubeObject | undefined,
  next: KubeObject,
  context: WriteContext,
): ManagedFieldsEntry[] {
  const nextPaths = leafPaths(fieldSetOf(next, context.scope, context.builtin));
  const previousPaths = previous === undefined ? [] : leafPaths(fieldSetOf(previous, context.scope, context.builtin));
  const nextKeys = new Set(nextPaths.map(pathKey));
  const changed = nextPaths.filter((path) => {
    if (previous === undefined) return true;
    const before = valueAt(previous, path);
    return !before.found || !isDeepStrictEqual(before.value, valueAt(next, path).value);
  });
  const gone = previousPaths.filter((path) => !nextKeys.has(pathKey(path)));
  const lost = new Set([...changed, ...gone].map(pathKey));
  const entries = entriesOf(previous).map((entry) =>
    (entry.subresource ?? '') === (context.subresource ?? '') || context.scope === 'all'
      ? { ...entry, fieldsV1: withoutPaths(entry.fieldsV1, lost) }
      : entry,
  );
  const own = entriesOf(previous).find((entry) => sameIdentity(entry, context.manager, 'Update', context.subresource));
  const ownPaths = own === undefined ? [] : leafPaths(own.fieldsV1).filter((path) => nextKeys.has(pathKey(path)));
  return upsert(entries, {
    manager: context.manager,
    operation: 'Update',
    apiVersion: context.apiVersion,
    time: context.now,
    fieldsType: 'FieldsV1',
    fieldsV1: setOfPaths([...ownPaths, ...changed]),
    ...(context.subresource === undefined ? {} : { subresource: context.subresource }),
  }).filter((entry) => Object.keys(entry.fieldsV1).length > 0);
}
