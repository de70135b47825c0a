import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { usageError } from '../../core/errors.js';
import { duplicateKeys } from '../../core/yaml-keys.js';
import type { Seed } from '../types.js';
import { applySeedDefaults } from './defaults.js';
import { seedConsistencyIssues } from './consistency.js';
import { iamSeedIssues } from './iam-checks.js';
import { checkSchema, formatPath, type SchemaIssue, type SchemaPath } from './schema.js';
import { SEED_SCHEMA } from './seed-schema.js';

/** 8 MiB: a seed with thousands of objects is far smaller; a bigger one would take long to parse and validate */
const MAX_SEED_CHARS = 8 * 1024 * 1024;

const SEED_HINT =
  'See the seed format in docs/sandbox.md ("Seed file"), or start from a scenario: adot sandbox scenarios';

/** Parses, validates and fills the defaults of a seed file's text; every problem is a usage error naming `source`. */
export function parseSeed(text: string, source: string): Seed {
  if (text.length > MAX_SEED_CHARS) {
    throw usageError(
      'SeedInvalid',
      `${source}: the seed is ${text.length} characters long; at most ${MAX_SEED_CHARS} are read`,
      { hint: SEED_HINT, details: { file: source } },
    );
  }
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const duplicate = duplicateKeys(document)[0];
  const syntaxError =
    document.errors[0] ??
    (duplicate === undefined
      ? undefined
      : { pos: [duplicate.offset], message: `Map keys must be unique: "${duplicate.key}" is defined again` });
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0] ?? 0).line;
    const reason = syntaxError.message.split('\n')[0] ?? syntaxError.message;
    throw usageError('SeedInvalid', `${source}:${line}: the seed is not valid YAML: ${reason}`, {
      hint: SEED_HINT,
      details: { file: source, line },
    });
  }
  let value: unknown;
  try {
    // yaml refuses documents whose aliases expand past maxAliasCount (a "billion laughs" document)
    value = document.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (error) {
    throw usageError('SeedInvalid', `${source}: the seed is not usable YAML: ${(error as Error).message}`, {
      hint: SEED_HINT,
      details: { file: source },
    });
  }
  return validateSeed(value, source, (issue) => lineOfIssue(document, lineCounter, issue));
}

/** Validates an already-parsed seed (scenarios, tests) and fills its defaults. */
export function validateSeed(
  value: unknown,
  source: string,
  lineOf: (issue: SchemaIssue) => number | undefined = () => undefined,
): Seed {
  const checked = checkSchema(SEED_SCHEMA, value);
  const issues = checked.ok
    ? [...seedConsistencyIssues(checked.value), ...iamSeedIssues(checked.value)]
    : checked.issues;
  if (issues.length > 0) {
    const lines = issues.map((issue) => {
      const line = lineOf(issue);
      return `${source}${line === undefined ? '' : `:${line}`}: ${formatPath(issue.path)}: ${issue.message}`;
    });
    const first = issues[0] as SchemaIssue;
    throw usageError(
      'SeedInvalid',
      lines.length === 1 ? (lines[0] as string) : `the seed has ${lines.length} problems:\n${lines.join('\n')}`,
      {
        hint: SEED_HINT,
        details: { file: source, path: formatPath(first.path), line: lineOf(first), problems: lines },
      },
    );
  }
  return applySeedDefaults((checked as { value: Seed }).value);
}

function lineOfIssue(document: Document, lineCounter: LineCounter, issue: SchemaIssue): number | undefined {
  const offset = offsetOf(document.contents, issue.path, issue.atKey);
  return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

/** Start offset of the node at `path` (or of its key), walking as deep as the document allows. */
function offsetOf(root: unknown, path: SchemaPath, atKey: boolean): number | undefined {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0];
  for (const [index, part] of path.entries()) {
    const last = index === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => {
        const key: unknown = item.key;
        return (
          (typeof key === 'object' && key !== null && 'value' in key ? (key as { value: unknown }).value : key) === part
        );
      });
      if (!pair) return offset;
      const keyNode = pair.key as Node | null;
      const valueNode = pair.value as Node | null;
      if (last && atKey) return keyNode?.range?.[0] ?? offset;
      node = valueNode;
      offset = valueNode?.range?.[0] ?? keyNode?.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof part === 'number') {
      node = node.items[part] as Node | null;
      offset = node?.range?.[0] ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}
