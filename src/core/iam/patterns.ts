/**
 * Strings of a policy that match request values: wildcards (`*` any run of characters, `?` one character) and
 * policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'default'}`, `${*}`, `${?}`, `${$}`).
 *
 * Sources (IAM User Guide):
 * - Action element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 *   (action names are not case sensitive, wildcards allowed)
 * - Resource element: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
 *   (case sensitive; `*` and `?` within ARN segments, and a `*` ending a segment expands beyond the colons)
 * - ARN condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
 *   (each of the six colon-delimited components is matched separately)
 * - Policy variables: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
 *   (only in documents of Version 2012-10-17; a variable without a value is effectively null, so it matches
 *   nothing; defaults with `${key, 'default'}`; special characters `${*}`, `${?}`, `${$}`; multivalued keys
 *   cannot be variables)
 */
import type { ContextValue } from './types.js';

/** A policy string after its variables are resolved: pieces that keep their wildcards, and literal pieces. */
export type PolicyText = readonly { text: string; literal: boolean }[];

/** Where variables come from; `enabled` is false for documents older than Version 2012-10-17. */
export interface VariableScope {
  enabled: boolean;
  lookup(key: string): ContextValue | undefined;
}

export const NO_VARIABLES: VariableScope = { enabled: false, lookup: () => undefined };

const SPECIAL: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/**
 * The text with its variables substituted; undefined when a variable has no value (absent, or multivalued) and no
 * default, which makes the string match nothing, as AWS documents for variables with no value.
 */
export function resolveVariables(value: string, scope: VariableScope): PolicyText | undefined {
  if (!scope.enabled || !value.includes('${')) return [{ text: value, literal: false }];
  const parts: { text: string; literal: boolean }[] = [];
  let rest = value;
  for (;;) {
    const start = rest.indexOf('${');
    const end = start < 0 ? -1 : rest.indexOf('}', start + 2);
    if (start < 0 || end < 0) {
      if (rest !== '') parts.push({ text: rest, literal: false });
      return parts;
    }
    if (start > 0) parts.push({ text: rest.slice(0, start), literal: false });
    const resolved = resolveOne(rest.slice(start + 2, end), scope);
    if (resolved === undefined) return undefined;
    parts.push({ text: resolved, literal: true });
    rest = rest.slice(end + 1);
  }
}

function resolveOne(body: string, scope: VariableScope): string | undefined {
  const special = SPECIAL[body];
  if (special !== undefined) return special;
  const withDefault = /^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$/.exec(body);
  const key = (withDefault?.[1] ?? body).trim();
  const fallback = withDefault?.[2]?.replace(/''/g, "'");
  const found = scope.lookup(key);
  if (typeof found === 'string') return found;
  if (typeof found === 'number' || typeof found === 'boolean') return String(found);
  return fallback;
}

export function plainText(text: PolicyText): string {
  return text.map((part) => part.text).join('');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** `*` and `?` of the wildcard pieces become `.*` and `.`; literal pieces match themselves. */
function regexSource(text: PolicyText, wildcards: boolean): string {
  return text
    .map((part) =>
      part.literal || !wildcards
        ? escapeRegex(part.text)
        : part.text
            .split('')
            .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : escapeRegex(char)))
            .join(''),
    )
    .join('');
}

export function textMatches(pattern: PolicyText, value: string, ignoreCase: boolean): boolean {
  return new RegExp(`^${regexSource(pattern, true)}$`, ignoreCase ? 'is' : 's').test(value);
}

/**
 * Action matchers, memoized by pattern: a policy such as ReadOnlyAccess names thousands of actions, and the sandbox
 * evaluates the same policies on every request. Bounded, so arbitrary input cannot grow it without limit.
 */
const actionMatchers = new Map<string, (action: string) => boolean>();
const ACTION_MATCHERS_MAX = 50_000;

function actionMatcher(pattern: string): (action: string) => boolean {
  const lower = pattern.toLowerCase();
  if (!/[*?]/.test(lower)) return (action) => action.toLowerCase() === lower;
  const prefix = lower.slice(0, -1);
  if (lower.endsWith('*') && !/[*?]/.test(prefix)) return (action) => action.toLowerCase().startsWith(prefix);
  const regex = new RegExp(`^${regexSource([{ text: pattern, literal: false }], true)}$`, 'is');
  return (action) => regex.test(action);
}

/** A pattern without variables (Action, NotAction): case-insensitive wildcard match. */
export function actionMatches(pattern: string, action: string): boolean {
  let matcher = actionMatchers.get(pattern);
  if (matcher === undefined) {
    if (actionMatchers.size >= ACTION_MATCHERS_MAX) actionMatchers.clear();
    matcher = actionMatcher(pattern);
    actionMatchers.set(pattern, matcher);
  }
  return matcher(action);
}

/**
 * Resource / NotResource: case-sensitive, wildcards may cross the colons of an ARN (a `*` that ends a segment
 * expands beyond the colon boundaries), so the whole ARN is matched as one string.
 */
export function resourceMatches(pattern: PolicyText, resource: string): boolean {
  if (plainText(pattern) === '*' && pattern.every((part) => !part.literal)) return true;
  return textMatches(pattern, resource, false);
}

/** The six components of an ARN (`arn:partition:service:region:account:resource`); undefined when it is not one. */
function arnComponents(text: string): string[] | undefined {
  const parts = text.split(':');
  if (parts.length < 6) return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(':')];
}

/**
 * ArnEquals / ArnLike: each of the six colon-delimited components is matched separately, so a wildcard never
 * crosses a colon except within the resource component.
 */
export function arnMatches(pattern: PolicyText, value: string): boolean {
  const actual = arnComponents(value);
  if (actual === undefined) return false;
  // split the pattern on the colons of its wildcard pieces, keeping literal pieces whole
  const components: { text: string; literal: boolean }[][] = [[]];
  for (const part of pattern) {
    if (part.literal) {
      components[components.length - 1]?.push(part);
      continue;
    }
    const pieces = part.text.split(':');
    pieces.forEach((piece, index) => {
      if (index > 0) components.push([]);
      if (piece !== '') components[components.length - 1]?.push({ text: piece, literal: false });
    });
  }
  if (components.length < 6) return false;
  const expected = [
    ...components.slice(0, 5),
    components.slice(5).flatMap((c, i) => (i === 0 ? c : [{ text: ':', literal: true }, ...c])),
  ];
  return expected.every((component, index) => textMatches(component, actual[index] ?? '', false));
}
