/**
 * Duplicate mapping keys, found in one pass. The yaml library's own check (`uniqueKeys`) compares each key with every
 * earlier one of its map — quadratic: a configuration with 32,000 components spent ten seconds in it — so documents
 * are parsed with `uniqueKeys: false` and checked here instead, with a Set per map. A duplicate key is an error as in
 * the collector's Go YAML parser and the Kubernetes API ("mapping key already defined").
 */
import { isMap, isScalar, visit, type Document } from 'yaml';

export interface DuplicateKey {
  key: string;
  /** offset of the repeated key in the text */
  offset: number;
}

export function duplicateKeys(document: Document): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  visit(document, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
        if (key === undefined) continue;
        if (seen.has(key)) found.push({ key, offset: isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0 });
        seen.add(key);
      }
    },
  });
  return found;
}
