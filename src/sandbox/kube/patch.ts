import { isDeepStrictEqual } from 'node:util';
import { listKindOf } from './list-keys.js';
import { KubeApiError } from './status.js';

type Json = unknown;
type JsonMap = Record<string, Json>;

export function isMap(value: Json): value is JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 7386 JSON merge patch */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return structuredClone(patch);
  const result: JsonMap = isMap(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

function invalidPatch(message: string): KubeApiError {
  return new KubeApiError(422, 'Invalid', message);
}

// ---------- strategic merge patch ----------

function mergeList(field: string, original: Json[], patch: Json[]): Json[] {
  const kind = listKindOf(field, [...patch, ...original], true);
  const replace = patch.find((item) => isMap(item) && item.$patch === 'replace');
  if (replace !== undefined) return patch.filter((item) => item !== replace).map((item) => structuredClone(item));
  if (kind.type === 'set') {
    const result = [...original];
    for (const item of patch) if (!result.some((existing) => isDeepStrictEqual(existing, item))) result.push(item);
    return result;
  }
  if (kind.type === 'atomic') return structuredClone(patch);
  const result = original.map((item) => structuredClone(item));
  for (const item of patch) {
    if (!isMap(item)) continue;
    const keyValue = item[kind.key];
    const index = result.findIndex((existing) => isMap(existing) && isDeepStrictEqual(existing[kind.key], keyValue));
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
      continue;
    }
    if (index >= 0) result[index] = strategicMerge(result[index], item);
    else result.push(strategicMerge({}, item));
  }
  return result;
}

function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const position = (item: Json): number =>
    order.findIndex((ordered) =>
      key !== undefined && isMap(ordered) && isMap(item)
        ? isDeepStrictEqual(ordered[key], item[key])
        : isDeepStrictEqual(ordered, item),
    );
  const known = list.filter((item) => position(item) >= 0).sort((a, b) => position(a) - position(b));
  return [...known, ...list.filter((item) => position(item) < 0)];
}

/**
 * Strategic merge patch over built-in kinds: maps merge, `null` deletes, keyed lists merge by their key, other
 * lists are replaced; honours the directives kubectl sends: $patch (replace/delete), $retainKeys,
 * $setElementOrder/<list> and $deleteFromPrimitiveList/<list>.
 */
export function strategicMerge(original: Json, patch: Json): Json {
  if (!isMap(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _directive, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const result: JsonMap = isMap(original) ? { ...original } : {};
  const orders: [string, Json[]][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys') continue;
    if (key.startsWith('$setElementOrder/')) {
      if (Array.isArray(value)) orders.push([key.slice('$setElementOrder/'.length), value]);
      continue;
    }
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = result[field];
      if (Array.isArray(current) && Array.isArray(value)) {
        result[field] = current.filter((item) => !value.some((removed) => isDeepStrictEqual(removed, item)));
      }
      continue;
    }
    if (key.startsWith('$')) throw invalidPatch(`unknown patch directive ${key}`);
    if (value === null) {
      delete result[key];
    } else if (Array.isArray(value)) {
      const current = result[key];
      result[key] = mergeList(key, Array.isArray(current) ? current : [], value);
    } else if (isMap(value)) {
      const merged = strategicMerge(result[key], value);
      if (merged === undefined) delete result[key];
      else result[key] = merged;
    } else {
      result[key] = value;
    }
  }
  for (const [field, order] of orders) {
    const current = result[field];
    if (!Array.isArray(current)) continue;
    const kind = listKindOf(field, current, true);
    result[field] = reorder(current, order, kind.type === 'map' ? kind.key : undefined);
  }
  const retain = patch.$retainKeys;
  if (Array.isArray(retain)) {
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

// ---------- RFC 6902 JSON patch ----------

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw invalidPatch(`invalid JSON pointer ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolveParent(
  document: Json,
  segments: string[],
  pointer: string,
): { parent: JsonMap | Json[]; last: string } {
  let node = document;
  for (const segment of segments.slice(0, -1)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isMap(node)) node = node[segment];
    else node = undefined;
    if (node === undefined) throw invalidPatch(`doc is missing path: "${pointer}"`);
  }
  if (!Array.isArray(node) && !isMap(node)) throw invalidPatch(`doc is missing path: "${pointer}"`);
  return { parent: node, last: segments[segments.length - 1] ?? '' };
}

function arrayIndex(list: Json[], segment: string, pointer: string, forInsert: boolean): number {
  if (forInsert && segment === '-') return list.length;
  const index = Number(segment);
  const limit = forInsert ? list.length : list.length - 1;
  if (!/^\d+$/.test(segment) || index > limit)
    throw invalidPatch(`doc is missing path: "${pointer}": index out of range`);
  return index;
}

function getAt(document: Json, pointer: string): Json {
  let node = document;
  for (const segment of pointerSegments(pointer)) {
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isMap(node)) node = node[segment];
    else node = undefined;
    if (node === undefined) throw invalidPatch(`doc is missing path: "${pointer}"`);
  }
  return node;
}

function removeAt(document: Json, pointer: string): Json {
  const { parent, last } = resolveParent(document, pointerSegments(pointer), pointer);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, pointer, false), 1)[0];
  if (!(last in parent)) throw invalidPatch(`doc is missing path: "${pointer}"`);
  const removed = parent[last];
  delete parent[last];
  return removed;
}

function addAt(document: Json, pointer: string, value: Json, replace: boolean): Json {
  const segments = pointerSegments(pointer);
  if (segments.length === 0) return structuredClone(value);
  const { parent, last } = resolveParent(document, segments, pointer);
  if (Array.isArray(parent)) {
    const index = arrayIndex(parent, last, pointer, !replace);
    parent.splice(index, replace ? 1 : 0, structuredClone(value));
  } else {
    if (replace && !(last in parent)) throw invalidPatch(`doc is missing key: "${pointer}"`);
    parent[last] = structuredClone(value);
  }
  return document;
}

export function applyJsonPatch(target: Json, operations: Json): Json {
  if (!Array.isArray(operations)) throw new KubeApiError(400, 'BadRequest', 'json patch must be a list of operations');
  let document = structuredClone(target);
  for (const operation of operations) {
    if (!isMap(operation) || typeof operation.op !== 'string' || typeof operation.path !== 'string') {
      throw invalidPatch(`invalid JSON patch operation ${JSON.stringify(operation)}`);
    }
    const path = operation.path;
    switch (operation.op) {
      case 'add':
        document = addAt(document, path, operation.value, false);
        break;
      case 'replace':
        document = addAt(document, path, operation.value, true);
        break;
      case 'remove':
        removeAt(document, path);
        break;
      case 'move': {
        const moved = removeAt(document, String(operation.from));
        document = addAt(document, path, moved, false);
        break;
      }
      case 'copy':
        document = addAt(document, path, getAt(document, String(operation.from)), false);
        break;
      case 'test':
        if (!isDeepStrictEqual(getAt(document, path), operation.value)) {
          throw invalidPatch(`testing value ${path} failed`);
        }
        break;
      default:
        throw invalidPatch(`Unexpected kind: ${operation.op}`);
    }
  }
  return document;
}
