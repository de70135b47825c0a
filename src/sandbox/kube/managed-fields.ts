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
  /**
   * the object in another version of its kind (custom resources served in several versions), for managers that
   * wrote another version: their fields are compared and pruned in their version
   */
  convert?: (object: KubeObject, apiVersion: string) => KubeObject;
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

/** every field an entry names, with the maps and list items that hold them (as SMD's named fields are members) */
function memberKeys(paths: readonly FieldPath[]): Set<string> {
  const keys = new Set<string>();
  for (const path of paths)
    for (let length = 1; length <= path.length; length += 1) keys.add(pathKey(path.slice(0, length)));
  return keys;
}

function memberPaths(paths: readonly FieldPath[]): FieldPath[] {
  return [...memberKeys(paths)].map((key) => JSON.parse(key) as FieldPath);
}

/** removes the given members, deepest first; metadata itself always stays */
function removeMembers(object: KubeObject, paths: readonly FieldPath[]): KubeObject {
  const result = structuredClone(object);
  const removable = paths.filter((path) => !(path.length === 1 && path[0] === 'f:metadata'));
  for (const path of [...removable].sort((a, b) => b.length - a.length)) removePath(result, path);
  return result;
}

function entryPaths(entry: ManagedFieldsEntry, taken: ReadonlySet<string> | undefined): FieldPath[] {
  return leafPaths(entry.fieldsV1).filter((path) => taken === undefined || !taken.has(pathKey(path)));
}

interface PruneInput {
  merged: KubeObject;
  own: ManagedFieldsEntry;
  others: { entry: ManagedFieldsEntry; taken: ReadonlySet<string> | undefined }[];
  appliedPaths: FieldPath[];
  context: WriteContext;
}

/**
 * Removes what the manager applied last time and no longer applies, unless another manager owns it (SMD's
 * Updater.prune, sigs.k8s.io/structured-merge-diff merge/update.go). When the last apply was in another version of
 * the kind, the removal happens in that version: the merged object is converted to it, pruned, checked against what
 * the managers of the applying version own, and converted back.
 */
function prune({ merged, own, others, appliedPaths, context }: PruneInput): KubeObject {
  const lastVersion = own.apiVersion;
  const ownedBy = (version: string) =>
    others.filter(({ entry }) => entry.apiVersion === version).flatMap(({ entry, taken }) => entryPaths(entry, taken));
  if (lastVersion === context.apiVersion || context.convert === undefined) {
    const kept = memberKeys([...appliedPaths, ...ownedBy(lastVersion)]);
    return removeMembers(
      merged,
      memberPaths(leafPaths(own.fieldsV1)).filter((path) => !kept.has(pathKey(path))),
    );
  }
  const convert = context.convert;
  const setOf = (object: KubeObject) => leafPaths(fieldSetOf(object, context.scope, context.builtin));
  const last = memberPaths(leafPaths(own.fieldsV1));
  const mergedAtLast = convert(merged, lastVersion);
  const keptAtLast = memberKeys(ownedBy(lastVersion));
  const prunedAtLast = removeMembers(
    mergedAtLast,
    last.filter((path) => !keptAtLast.has(pathKey(path))),
  );
  // add back what the managers of the applying version own (the new apply among them)
  const prunedKeys = memberKeys(setOf(convert(prunedAtLast, context.apiVersion)));
  const managed = memberKeys([...appliedPaths, ...ownedBy(context.apiVersion)]);
  const pruned = removeMembers(
    merged,
    memberPaths(setOf(merged)).filter((path) => !prunedKeys.has(pathKey(path)) && !managed.has(pathKey(path))),
  );
  // only what was applied last time goes: the rest removed on the way (unowned fields) comes back
  const remaining = memberKeys(setOf(convert(pruned, lastVersion)));
  const removed = memberPaths(setOf(mergedAtLast)).filter((path) => !remaining.has(pathKey(path)));
  const lastKeys = new Set(last.map(pathKey));
  return convert(
    removeMembers(
      mergedAtLast,
      removed.filter((path) => lastKeys.has(pathKey(path))),
    ),
    context.apiVersion,
  );
}

/**
 * The leaf fields of a manager of another version that a write changes (conflicts) or removes, compared in that
 * manager's version as SMD's Updater.update does.
 */
function crossVersionChanges(
  entry: ManagedFieldsEntry,
  before: KubeObject | undefined,
  after: KubeObject,
  convert: (object: KubeObject, apiVersion: string) => KubeObject,
): { changed: FieldPath[]; removed: FieldPath[] } {
  const old = before === undefined ? undefined : convert(before, entry.apiVersion);
  const next = convert(after, entry.apiVersion);
  const changed: FieldPath[] = [];
  const removed: FieldPath[] = [];
  for (const path of leafPaths(entry.fieldsV1)) {
    const now = valueAt(next, path);
    const was = old === undefined ? { found: false, value: undefined } : valueAt(old, path);
    if (!now.found) {
      if (was.found) removed.push(path);
    } else if (!was.found || !isDeepStrictEqual(was.value, now.value)) changed.push(path);
  }
  return { changed, removed };
}

/**
 * Server-side apply of `config` by `context.manager` onto `live` (undefined = create): conflicts with other
 * managers' fields (409 naming them unless forced), removal of fields this manager applied before and dropped now
 * (unless someone else owns them), and the new managedFields. Managers that wrote another version of the kind are
 * compared in their version (context.convert). Returns the object to store.
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
  const sameVersion = (entry: ManagedFieldsEntry) =>
    entry.apiVersion === context.apiVersion || context.convert === undefined;

  const conflicts: { manager: string; apiVersion: string; path: FieldPath }[] = [];
  const stolen = new Map<number, Set<string>>();
  const steal = (index: number, entry: ManagedFieldsEntry, path: FieldPath) => {
    conflicts.push({ manager: entry.manager, apiVersion: entry.apiVersion, path });
    const taken = stolen.get(index) ?? new Set<string>();
    taken.add(pathKey(path));
    stolen.set(index, taken);
  };
  entries.forEach((entry, index) => {
    if (entry.manager === context.manager || !sameVersion(entry)) return;
    if ((entry.subresource ?? '') !== (context.subresource ?? '')) return;
    const owned = new Set(leafPaths(entry.fieldsV1).map(pathKey));
    for (const path of appliedPaths) {
      if (!owned.has(pathKey(path)) || path[path.length - 1] === '.') continue;
      const current = valueAt(base, path);
      if (!current.found || isDeepStrictEqual(current.value, valueAt(applied, path).value)) continue;
      steal(index, entry, path);
    }
  });

  const own = entries.find((entry) => sameIdentity(entry, context.manager, 'Apply', context.subresource));
  const { metadata: appliedMetadata, ...appliedBody } = applied as { metadata?: Record<string, unknown> };
  const merged = mergeApplied(
    base,
    { ...appliedBody, metadata: { ...(appliedMetadata ?? {}) } },
    '',
    context.builtin,
  ) as KubeObject;
  const others = entries
    .map((entry, index) => ({ entry, taken: stolen.get(index) }))
    .filter(({ entry }) => entry !== own);
  const result = own === undefined ? merged : prune({ merged, own, others, appliedPaths, context });

  const convert = context.convert;
  if (convert !== undefined) {
    entries.forEach((entry, index) => {
      if (entry.manager === context.manager || sameVersion(entry)) return;
      if ((entry.subresource ?? '') !== (context.subresource ?? '')) return;
      const { changed, removed } = crossVersionChanges(entry, live, result, convert);
      for (const path of changed) steal(index, entry, path);
      const taken = stolen.get(index) ?? new Set<string>();
      for (const path of removed) taken.add(pathKey(path));
      if (taken.size > 0) stolen.set(index, taken);
    });
  }
  if (conflicts.length > 0 && !force) throw conflictError(conflicts, config);

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
  result.metadata.managedFields = nextEntries;
  return result;
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
  const convert = context.convert;
  const entries = entriesOf(previous).map((entry) => {
    if ((entry.subresource ?? '') !== (context.subresource ?? '') && context.scope !== 'all') return entry;
    if (convert === undefined || entry.apiVersion === context.apiVersion)
      return { ...entry, fieldsV1: withoutPaths(entry.fieldsV1, lost) };
    // a manager of another version loses what the write changes or removes in that version
    const { changed: changedThere, removed } = crossVersionChanges(entry, previous, next, convert);
    return { ...entry, fieldsV1: withoutPaths(entry.fieldsV1, new Set([...changedThere, ...removed].map(pathKey))) };
  });
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
