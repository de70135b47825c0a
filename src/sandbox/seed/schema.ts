import * as v from 'valibot';

/**
 * Building blocks of the seed declaration (seed-schema.ts): valibot schemas whose messages name what a valid value
 * looks like in our own words, so that one declaration gives both the checks and the TypeScript types
 * (v.InferOutput). Issues come back with their key path (clusters[0].addons[1].status); the caller turns paths into
 * line numbers from the YAML document.
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
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const got = (issue: v.BaseIssue<unknown>): string => `got ${describe(issue.input)}`;
const notAMapping = (issue: v.BaseIssue<unknown>): string => `expected a mapping, ${got(issue)}`;
const mapping = v.custom<Record<string, unknown>>(isMapping, notAMapping);

// ---------- values ----------
const stringTypeError =
  (expected?: string) =>
  (issue: v.BaseIssue<unknown>): string =>
    `expected a string${expected === undefined ? '' : ` (${expected})`}, ${got(issue)}${typeof issue.input === 'number' ? ' (quote it)' : ''}`;

/** a string, optionally one the rule accepts */
export function text(rule?: ValueRule<string>) {
  return v.pipe(
    v.string(stringTypeError(rule?.expected)),
    v.check(
      (value) => rule === undefined || rule.test(value),
      (issue) => `expected ${rule?.expected}, ${got(issue)}`,
    ),
  );
}

/** one of a few strings, typed as their union */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  const expected = `one of ${values.join(', ')}`;
  return v.pipe(
    v.string(stringTypeError(expected)),
    v.picklist(values, (issue) => `expected ${expected}, ${got(issue)}`),
  );
}

/** a string with at least one character (the identity of a Kubernetes object) */
export const nonEmptyText = v.pipe(
  v.string((issue) => `expected a non-empty string, ${got(issue)}`),
  v.nonEmpty((issue) => `expected a non-empty string, ${got(issue)}`),
);

/** a finite number, optionally one the rule accepts */
export function numeric(rule?: ValueRule<number>) {
  return v.pipe(
    v.number((issue) => `expected a number, ${got(issue)}`),
    v.check(
      (value) => Number.isFinite(value),
      (issue) => `expected a number, ${got(issue)}`,
    ),
    v.check(
      (value) => rule === undefined || !Number.isFinite(value) || rule.test(value),
      (issue) => `expected ${rule?.expected}, got ${String(issue.input)}`,
    ),
  );
}

export const flag = v.boolean((issue) => `expected true or false, ${got(issue)}`);

// ---------- collections ----------
/** marks a duplicate list item's issue (`received`: the first one's index); schemaIssue() words it, knowing the path */
const DUPLICATE = 'an item unlike the others before it';

/** a list of items; with `uniqueBy`, two items of the same key are refused (once every item is valid) */
export function list<const TItem extends v.GenericSchema>(
  item: TItem,
  uniqueBy?: (item: v.InferOutput<TItem>) => string | undefined,
) {
  return v.pipe(
    v.array(item, (issue) => `expected a list, ${got(issue)}`),
    v.rawCheck(({ dataset, addIssue }) => {
      if (uniqueBy === undefined || !dataset.typed || dataset.issues !== undefined) return;
      const seen = new Map<string, number>();
      dataset.value.forEach((value, index) => {
        const key = uniqueBy(value);
        if (key === undefined) return;
        const first = seen.get(key);
        if (first === undefined) seen.set(key, index);
        else {
          addIssue({
            message: 'duplicate',
            expected: DUPLICATE,
            input: key,
            received: String(first),
            path: [{ type: 'array', origin: 'value', input: dataset.value, key: index, value }],
          });
        }
      });
    }),
  );
}

/** a mapping of the declared keys only: a missing required key and every unknown key are refused */
export function closedMapping<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  const known = Object.keys(entries);
  const unknownKey = `unknown key; expected one of ${known.join(', ')}`;
  return v.pipe(
    mapping,
    v.strictObject(entries, (issue) => {
      if (issue.path === undefined) return notAMapping(issue);
      return issue.expected === 'never' ? unknownKey : 'required key is missing';
    }),
    // strictObject names the first unknown key of a mapping (its issue carries the mapping); name the others too
    v.rawCheck(({ dataset, addIssue }) => {
      const first = dataset.issues?.find(
        (issue) => issue.type === 'strict_object' && issue.expected === 'never' && issue.path?.length === 1,
      )?.path?.[0];
      if (first === undefined || !isMapping(first.input)) return;
      const input = first.input;
      for (const key of Object.keys(input)) {
        if (known.includes(key) || key === first.key) continue;
        addIssue({ message: unknownKey, path: [{ type: 'object', origin: 'key', input, key, value: input[key] }] });
      }
    }),
  );
}

type IssueInfo = Pick<v.BaseIssue<unknown>, 'message' | 'path'> &
  Partial<Pick<v.BaseIssue<unknown>, 'expected' | 'received' | 'input'>>;

/**
 * The value as it came, checked by `check`: valibot's own mappings leave the keys constructor, prototype and
 * __proto__ out of the copies they return, which would drop a tag or a field of those names.
 */
function asGiven<TOutput>(check: (value: unknown, addIssue: (issue: IssueInfo) => void) => void) {
  return v.pipe(
    v.unknown(),
    v.rawCheck(({ dataset, addIssue }) => {
      if (dataset.typed) check(dataset.value, (issue) => addIssue({ ...issue, expected: issue.expected ?? undefined }));
    }),
    v.transform((value) => value as TOutput),
  );
}

/** a mapping with the declared keys and anything else besides (a Kubernetes object's identity) */
export function openMapping<const TEntries extends v.ObjectEntries>(entries: TEntries) {
  const schema = v.pipe(
    mapping,
    v.looseObject(entries, (issue) => (issue.path === undefined ? notAMapping(issue) : 'required key is missing')),
  );
  return asGiven<v.InferOutput<typeof schema>>((value, addIssue) => {
    v.safeParse(schema, value).issues?.forEach(addIssue);
  });
}

/** a mapping whose contents are not ours to judge (policy documents) */
export const anyMapping = v.custom<object>(isMapping, notAMapping);

/**
 * A mapping of free keys (labels, tags), each value of one schema (one that does not transform its value), the
 * keys optionally as the rule allows.
 */
export function keyedBy<const TValue extends v.GenericSchema>(value: TValue, keyRule?: ValueRule<string>) {
  return asGiven<Record<string, v.InferOutput<TValue>>>((input, addIssue) => {
    const checked = v.safeParse(mapping, input);
    if (!checked.success) return checked.issues.forEach(addIssue);
    for (const [key, item] of Object.entries(checked.output)) {
      const at = (origin: 'key' | 'value'): v.ObjectPathItem => ({
        type: 'object',
        origin,
        input: checked.output,
        key,
        value: item,
      });
      if (keyRule !== undefined && !keyRule.test(key)) {
        addIssue({ message: `expected a key that is ${keyRule.expected}`, path: [at('key')] });
        continue;
      }
      for (const issue of v.safeParse(value, item).issues ?? [])
        addIssue({ ...issue, path: [at('value'), ...(issue.path ?? [])] });
    }
  });
}

/** a number or a list, each checked by its own schema; anything else is refused as neither */
export function numberOrList<const TNumber extends v.GenericSchema, const TList extends v.GenericSchema>(
  number: TNumber,
  items: TList,
  expected: string,
) {
  const neither = v.never((issue) => `expected ${expected}, ${got(issue)}`);
  return v.lazy((input) => (typeof input === 'number' ? number : Array.isArray(input) ? items : neither));
}

// ---------- checking ----------
/**
 * The value as the schema types it, or every issue with its key path. Issues of list items are reported, but
 * duplicates only once every item is valid.
 */
export function checkSchema<const TSchema extends v.GenericSchema>(
  schema: TSchema,
  value: unknown,
): { ok: true; value: v.InferOutput<TSchema> } | { ok: false; issues: SchemaIssue[] } {
  const result = v.safeParse(schema, value);
  if (result.success) return { ok: true, value: result.output };
  return { ok: false, issues: result.issues.map(schemaIssue) };
}

function schemaIssue(issue: v.BaseIssue<unknown>): SchemaIssue {
  const items = issue.path ?? [];
  const path = items.map((item) => item.key as string | number);
  const atKey = items.at(-1)?.origin === 'key';
  if (issue.expected !== DUPLICATE) return { path, atKey, message: issue.message };
  const firstPath = [...path.slice(0, -1), Number(issue.received)];
  return { path, atKey, message: `duplicate of ${formatPath(firstPath)} ("${String(issue.input)}")` };
}

// ---------- small rule builders ----------
export function pattern(regex: RegExp, expected: string): ValueRule<string> {
  return { test: (value) => regex.test(value), expected };
}

export function numberRange(min: number, max: number, integer = false): ValueRule<number> {
  return {
    test: (value) => value >= min && value <= max && (!integer || Number.isInteger(value)),
    expected: `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`,
  };
}
