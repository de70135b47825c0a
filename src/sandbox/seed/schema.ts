/**
 * A small declarative schema and its checker. Hand-written rather than a JSON-schema library because none is
 * installed and the messages must name the seed's key path (clusters[0].addons[1].status) in our own words; the
 * caller turns paths into line numbers from the YAML document.
 */
export type SchemaPath = (string | number)[];

export interface SchemaIssue {
  path: SchemaPath;
  /** the issue is about the key itself (an unknown key), not its value */
  atKey: boolean;
  message: string;
}

export interface ValueRule<T> {
  test(value: T): boolean;
  /** what a valid value looks like, e.g. "12 digits" */
  expected: string;
}

export type Schema =
  | { kind: 'string'; rule?: ValueRule<string> }
  | { kind: 'number'; rule?: ValueRule<number> }
  | { kind: 'boolean' }
  | { kind: 'list'; of: Schema; uniqueBy?: (item: unknown) => string | undefined }
  | { kind: 'object'; fields: Record<string, Schema>; required?: string[] }
  /** a mapping of names the seed chooses (e.g. inline policy names) to values of one schema */
  | { kind: 'map'; key: ValueRule<string>; of: Schema }
  /** a mapping whose contents are not ours to judge (Kubernetes objects, policy documents) */
  | { kind: 'any-object'; requiredStrings?: string[][] };

export function formatPath(path: SchemaPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part)) text += text === '' ? part : `.${part}`;
    else text += `[${JSON.stringify(part)}]`;
  }
  return text === '' ? '(top level)' : text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkSchema(value: unknown, schema: Schema, path: SchemaPath = []): SchemaIssue[] {
  const issue = (message: string): SchemaIssue[] => [{ path, atKey: false, message }];
  switch (schema.kind) {
    case 'string':
      if (typeof value !== 'string') {
        const quoteHint = typeof value === 'number' ? ' (quote it)' : '';
        return issue(
          `expected a string${schema.rule ? ` (${schema.rule.expected})` : ''}, got ${describe(value)}${quoteHint}`,
        );
      }
      return schema.rule && !schema.rule.test(value)
        ? issue(`expected ${schema.rule.expected}, got ${describe(value)}`)
        : [];
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return issue(`expected a number, got ${describe(value)}`);
      return schema.rule && !schema.rule.test(value) ? issue(`expected ${schema.rule.expected}, got ${value}`) : [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : issue(`expected true or false, got ${describe(value)}`);
    case 'list':
      return checkList(value, schema, path);
    case 'object':
      return checkObject(value, schema, path);
    case 'map': {
      if (!isMapping(value)) return issue(`expected a mapping, got ${describe(value)}`);
      return Object.entries(value).flatMap(([key, entry]) =>
        schema.key.test(key)
          ? checkSchema(entry, schema.of, [...path, key])
          : [{ path: [...path, key], atKey: true, message: `expected a key that is ${schema.key.expected}` }],
      );
    }
    case 'any-object': {
      if (!isMapping(value)) return issue(`expected a mapping, got ${describe(value)}`);
      const issues: SchemaIssue[] = [];
      for (const keyPath of schema.requiredStrings ?? []) {
        let current: unknown = value;
        for (const key of keyPath) current = isMapping(current) ? current[key] : undefined;
        if (typeof current !== 'string' || current === '') {
          issues.push({
            path: [...path, ...keyPath],
            atKey: false,
            message: `expected a non-empty string, got ${describe(current)}`,
          });
        }
      }
      return issues;
    }
  }
}

function checkList(value: unknown, schema: Extract<Schema, { kind: 'list' }>, path: SchemaPath): SchemaIssue[] {
  if (!Array.isArray(value)) return [{ path, atKey: false, message: `expected a list, got ${describe(value)}` }];
  const issues = value.flatMap((item, index) => checkSchema(item, schema.of, [...path, index]));
  if (schema.uniqueBy && issues.length === 0) {
    const seen = new Map<string, number>();
    value.forEach((item, index) => {
      const key = schema.uniqueBy?.(item);
      if (key === undefined) return;
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push({
          path: [...path, index],
          atKey: false,
          message: `duplicate of ${formatPath([...path, first])} ("${key}")`,
        });
      } else seen.set(key, index);
    });
  }
  return issues;
}

function checkObject(value: unknown, schema: Extract<Schema, { kind: 'object' }>, path: SchemaPath): SchemaIssue[] {
  if (!isMapping(value)) return [{ path, atKey: false, message: `expected a mapping, got ${describe(value)}` }];
  const issues: SchemaIssue[] = [];
  const known = Object.keys(schema.fields);
  for (const [key, fieldValue] of Object.entries(value)) {
    const fieldSchema = schema.fields[key];
    if (fieldSchema === undefined) {
      issues.push({ path: [...path, key], atKey: true, message: `unknown key; expected one of ${known.join(', ')}` });
    } else if (fieldValue !== undefined) {
      issues.push(...checkSchema(fieldValue, fieldSchema, [...path, key]));
    }
  }
  for (const key of schema.required ?? []) {
    if (value[key] === undefined || value[key] === null) {
      issues.push({ path: [...path, key], atKey: false, message: 'required key is missing' });
    }
  }
  return issues;
}

// ---------- small rule builders ----------
export function pattern(regex: RegExp, expected: string): ValueRule<string> {
  return { test: (value) => regex.test(value), expected };
}

export function oneOf(values: readonly string[]): ValueRule<string> {
  return { test: (value) => values.includes(value), expected: `one of ${values.join(', ')}` };
}

export function numberRange(min: number, max: number, integer = false): ValueRule<number> {
  return {
    test: (value) => value >= min && value <= max && (!integer || Number.isInteger(value)),
    expected: `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
  };
}
