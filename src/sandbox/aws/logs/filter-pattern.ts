import { invalidParameter } from './errors.js';

/**
 * The subset of CloudWatch Logs filter patterns the sandbox evaluates: an empty pattern (every event), terms that
 * must all appear (`ERROR "disk full"`, case-sensitive), and one JSON comparison `{ $.a.b = value }` / `!=` with a
 * string (quoted or bare, `*` as a trailing wildcard) or a number (also `<`, `<=`, `>`, `>=`). Anything else is
 * refused rather than answered wrongly.
 */
export type FilterPattern =
  | { kind: 'all' }
  | { kind: 'terms'; terms: string[] }
  | { kind: 'json'; path: string[]; operator: string; value: string | number };

const JSON_PATTERN = /^\{\s*\$((?:\.[A-Za-z0-9_@-]+)+)\s*(=|!=|<=|>=|<|>)\s*("(?:[^"\\]|\\.)*"|[^\s}]+)\s*\}$/;

export function parseFilterPattern(text: string): FilterPattern {
  const pattern = text.trim();
  if (pattern === '') return { kind: 'all' };
  if (pattern.startsWith('{')) {
    const match = JSON_PATTERN.exec(pattern);
    if (match === null)
      throw invalidParameter(`Invalid filter pattern (the sandbox evaluates { $.field = value }): ${pattern}`);
    const [, path = '', operator = '=', raw = ''] = match;
    const quoted = raw.startsWith('"');
    const numeric = !quoted && /^-?\d+(\.\d+)?$/.test(raw);
    if (!numeric && operator !== '=' && operator !== '!=')
      throw invalidParameter(`${operator} needs a number: ${pattern}`);
    const value = numeric ? Number(raw) : quoted ? (JSON.parse(raw) as string) : raw;
    return { kind: 'json', path: path.slice(1).split('.'), operator, value };
  }
  const terms: string[] = [];
  for (const match of pattern.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    const term = match[1] !== undefined ? (JSON.parse(`"${match[1]}"`) as string) : (match[2] ?? '');
    if (/^[?-]/.test(term) && match[1] === undefined) {
      throw invalidParameter(`The sandbox evaluates plain terms only (no ?term or -term): ${pattern}`);
    }
    terms.push(term);
  }
  return { kind: 'terms', terms };
}

export function matchesFilterPattern(pattern: FilterPattern, message: string): boolean {
  switch (pattern.kind) {
    case 'all':
      return true;
    case 'terms':
      return pattern.terms.every((term) => message.includes(term));
    case 'json':
      return matchesJson(pattern, message);
  }
}

function matchesJson(pattern: Extract<FilterPattern, { kind: 'json' }>, message: string): boolean {
  let current: unknown;
  try {
    current = JSON.parse(message);
  } catch {
    return false;
  }
  for (const key of pattern.path) {
    if (typeof current !== 'object' || current === null) return false;
    current = (current as Record<string, unknown>)[key];
  }
  if (current === undefined) return false;
  const { operator, value } = pattern;
  if (typeof value === 'number') {
    if (typeof current !== 'number') return false;
    switch (operator) {
      case '=':
        return current === value;
      case '!=':
        return current !== value;
      case '<':
        return current < value;
      case '<=':
        return current <= value;
      case '>':
        return current > value;
      default:
        return current >= value;
    }
  }
  const text = typeof current === 'string' ? current : JSON.stringify(current);
  const equal = value.endsWith('*') ? text.startsWith(value.slice(0, -1)) : text === value;
  return operator === '=' ? equal : !equal;
}
