import { isDeepStrictEqual } from 'node:util';
import { listKindOf } from './list-keys.js';
import { isMap } from './patch.js';

/**
 * Field sets in the FieldsV1 form of managedFields: a trie whose keys are `f:<field>`, `k:<json key of a list
 * item>`, `v:<json value of a set item>` and `.` (the list item itself); `{}` marks a leaf.
 */
export interface FieldSet {
  [key: string]: FieldSet;
}

export type FieldPath = string[];

/** which part of an object a write owns: the main resource (all but status when it has a subresource) or status */
export type FieldScope = 'all' | 'main' | 'status';

const trackedMetadata = ['labels', 'annotations', 'finalizers', 'ownerReferences'];

function setOfValue(field: string, value: unknown, builtin: boolean): FieldSet {
  if (isMap(value)) return Object.keys(value).length === 0 ? {} : setOfMap(value, builtin);
  if (Array.isArray(value)) {
    const kind = listKindOf(field, value, builtin);
    if (kind.type === 'atomic' || value.length === 0) return {};
    const set: FieldSet = {};
    for (const item of value) {
      if (kind.type === 'set') set[`v:${JSON.stringify(item)}`] = {};
      else if (isMap(item))
        set[`k:${JSON.stringify({ [kind.key]: item[kind.key] })}`] = { '.': {}, ...setOfMap(item, builtin) };
    }
    return set;
  }
  return {};
}

function setOfMap(map: Record<string, unknown>, builtin: boolean): FieldSet {
  const set: FieldSet = {};
  for (const [key, value] of Object.entries(map)) {
    if (value === null || value === undefined) continue;
    set[`f:${key}`] = setOfValue(key, value, builtin);
  }
  return set;
}

/** the fields an object sets, limited to the part the scope owns */
export function fieldSetOf(object: Record<string, unknown>, scope: FieldScope, builtin: boolean): FieldSet {
  const set: FieldSet = {};
  for (const [key, value] of Object.entries(object)) {
    if (value === null || value === undefined || key === 'apiVersion' || key === 'kind') continue;
    if (scope === 'status' && key !== 'status') continue;
    if (scope === 'main' && key === 'status') continue;
    if (key === 'metadata') {
      if (scope === 'status' || !isMap(value)) continue;
      const metadata: Record<string, unknown> = {};
      for (const field of trackedMetadata) if (value[field] !== undefined) metadata[field] = value[field];
      if (Object.keys(metadata).length > 0) set['f:metadata'] = setOfMap(metadata, builtin);
      continue;
    }
    set[`f:${key}`] = setOfValue(key, value, builtin);
  }
  return set;
}

export function leafPaths(set: FieldSet, prefix: FieldPath = []): FieldPath[] {
  const paths: FieldPath[] = [];
  for (const [key, child] of Object.entries(set)) {
    const path = [...prefix, key];
    if (Object.keys(child).length === 0) paths.push(path);
    else paths.push(...leafPaths(child, path));
  }
  return paths;
}

export function setOfPaths(paths: readonly FieldPath[]): FieldSet {
  const set: FieldSet = {};
  for (const path of paths) {
    let node = set;
    for (const key of path) {
      node[key] ??= {};
      node = node[key] as FieldSet;
    }
  }
  return set;
}

export function pathKey(path: FieldPath): string {
  return JSON.stringify(path);
}

/** `.spec.template.spec.containers[name="c"].image` as Kubernetes prints a field path in conflicts */
export function describePath(path: FieldPath): string {
  let text = '';
  for (const key of path) {
    if (key === '.') continue;
    if (key.startsWith('f:')) text += `.${key.slice(2)}`;
    else if (key.startsWith('k:')) {
      const entries = Object.entries(JSON.parse(key.slice(2)) as Record<string, unknown>);
      text += `[${entries.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(',')}]`;
    } else if (key.startsWith('v:')) text += `[=${key.slice(2)}]`;
  }
  return text;
}

function step(node: unknown, key: string): { found: boolean; value: unknown; index?: number } {
  if (key.startsWith('f:')) {
    if (!isMap(node)) return { found: false, value: undefined };
    const name = key.slice(2);
    return name in node ? { found: true, value: node[name] } : { found: false, value: undefined };
  }
  if (!Array.isArray(node)) return { found: false, value: undefined };
  if (key.startsWith('k:')) {
    const wanted = JSON.parse(key.slice(2)) as Record<string, unknown>;
    const index = node.findIndex(
      (item) => isMap(item) && Object.entries(wanted).every(([name, value]) => isDeepStrictEqual(item[name], value)),
    );
    return index < 0 ? { found: false, value: undefined } : { found: true, value: node[index], index };
  }
  if (key.startsWith('v:')) {
    const wanted = JSON.parse(key.slice(2)) as unknown;
    const index = node.findIndex((item) => isDeepStrictEqual(item, wanted));
    return index < 0 ? { found: false, value: undefined } : { found: true, value: node[index], index };
  }
  return { found: false, value: undefined };
}

export function valueAt(object: unknown, path: FieldPath): { found: boolean; value: unknown } {
  let node = object;
  for (const key of path) {
    if (key === '.') continue;
    const next = step(node, key);
    if (!next.found) return next;
    node = next.value;
  }
  return { found: true, value: node };
}

/** delete the field (or list item, for paths ending in `.`) a path names; absent paths are ignored */
export function removePath(object: unknown, path: FieldPath): void {
  const target = path[path.length - 1] === '.' ? path.slice(0, -1) : path;
  const last = target[target.length - 1];
  if (last === undefined) return;
  const parent = valueAt(object, target.slice(0, -1));
  if (!parent.found) return;
  const located = step(parent.value, last);
  if (!located.found) return;
  if (last.startsWith('f:') && isMap(parent.value)) delete parent.value[last.slice(2)];
  else if (Array.isArray(parent.value) && located.index !== undefined) parent.value.splice(located.index, 1);
}
