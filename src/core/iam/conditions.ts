/**
 * The Condition element: every operator block must hold (AND), every key of a block must hold (AND), and the values
 * of one key are alternatives (OR; NOR for negated operators).
 *
 * Sources (IAM User Guide):
 * - Condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
 *   "If the key that you specify in a policy condition is not present in the request context, the values do not
 *   match and the condition is false. If the policy condition requires that the key is not matched, such as
 *   StringNotLike or ArnNotLike, and the right key is not present, the condition is true." (except ...IfExists and
 *   Null). Policy variables work with the String, ARN and Bool operators only.
 * - Multiple keys or values: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
 *   ForAllValues is true when the key is absent or empty; ForAnyValue is false then.
 * - Single-valued vs multivalued keys: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_single-vs-multi-valued-condition-keys.html
 *
 * A condition the evaluator cannot decide (an unknown operator, a non-numeric number, a multivalued key without a
 * set operator …) is `unknown`: the caller treats it as not granting access.
 */
import { BlockList, isIP } from 'node:net';
import {
  arnMatches,
  NO_VARIABLES,
  plainText,
  resolveVariables,
  textMatches,
  type PolicyText,
  type VariableScope,
} from './patterns.js';
import type { ContextValue } from './types.js';

export type Truth = true | false | 'unknown';

export interface ConditionOutcome {
  holds: Truth;
  /** why a part could not be decided */
  unsupported: string[];
}

type Family = 'string' | 'numeric' | 'date' | 'bool' | 'binary' | 'ip' | 'arn';

interface OperatorSpec {
  family: Family;
  negated: boolean;
  /** compares one request value with one (resolved) policy value */
  test(actual: string, expected: PolicyText): boolean | 'unknown';
}

const ci = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function numeric(compare: (a: number, b: number) => boolean) {
  return (actual: string, expected: PolicyText): boolean | 'unknown' => {
    const a = Number(actual);
    const b = Number(plainText(expected));
    if (actual.trim() === '' || plainText(expected).trim() === '' || Number.isNaN(a) || Number.isNaN(b))
      return 'unknown';
    return compare(a, b);
  };
}

/** ISO 8601 dates, or epoch seconds, as the date operators accept them. */
function dateMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}

function date(compare: (a: number, b: number) => boolean) {
  return (actual: string, expected: PolicyText): boolean | 'unknown' => {
    const a = dateMs(actual);
    const b = dateMs(plainText(expected));
    return a === undefined || b === undefined ? 'unknown' : compare(a, b);
  };
}

function ipInRange(actual: string, expected: PolicyText): boolean | 'unknown' {
  const [network = '', prefixText] = plainText(expected).trim().split('/');
  const family = isIP(network);
  const actualFamily = isIP(actual.trim());
  if (family === 0 || actualFamily === 0) return 'unknown';
  const prefix = prefixText === undefined ? (family === 4 ? 32 : 128) : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 4 ? 32 : 128)) return 'unknown';
  if (family !== actualFamily) return false;
  const list = new BlockList();
  list.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return list.check(actual.trim(), actualFamily === 4 ? 'ipv4' : 'ipv6');
}

const equalsText = (actual: string, expected: PolicyText) => actual === plainText(expected);
const equalsIgnoreCase = (actual: string, expected: PolicyText) => ci(actual, plainText(expected));
const like = (actual: string, expected: PolicyText) => textMatches(expected, actual, false);
const arnLike = (actual: string, expected: PolicyText) => arnMatches(expected, actual);

const OPERATORS: Record<string, OperatorSpec> = {
  StringEquals: { family: 'string', negated: false, test: equalsText },
  StringNotEquals: { family: 'string', negated: true, test: equalsText },
  StringEqualsIgnoreCase: { family: 'string', negated: false, test: equalsIgnoreCase },
  StringNotEqualsIgnoreCase: { family: 'string', negated: true, test: equalsIgnoreCase },
  StringLike: { family: 'string', negated: false, test: like },
  StringNotLike: { family: 'string', negated: true, test: like },
  NumericEquals: { family: 'numeric', negated: false, test: numeric((a, b) => a === b) },
  NumericNotEquals: { family: 'numeric', negated: true, test: numeric((a, b) => a === b) },
  NumericLessThan: { family: 'numeric', negated: false, test: numeric((a, b) => a < b) },
  NumericLessThanEquals: { family: 'numeric', negated: false, test: numeric((a, b) => a <= b) },
  NumericGreaterThan: { family: 'numeric', negated: false, test: numeric((a, b) => a > b) },
  NumericGreaterThanEquals: { family: 'numeric', negated: false, test: numeric((a, b) => a >= b) },
  DateEquals: { family: 'date', negated: false, test: date((a, b) => a === b) },
  DateNotEquals: { family: 'date', negated: true, test: date((a, b) => a === b) },
  DateLessThan: { family: 'date', negated: false, test: date((a, b) => a < b) },
  DateLessThanEquals: { family: 'date', negated: false, test: date((a, b) => a <= b) },
  DateGreaterThan: { family: 'date', negated: false, test: date((a, b) => a > b) },
  DateGreaterThanEquals: { family: 'date', negated: false, test: date((a, b) => a >= b) },
  Bool: { family: 'bool', negated: false, test: equalsIgnoreCase },
  BinaryEquals: { family: 'binary', negated: false, test: equalsText },
  IpAddress: { family: 'ip', negated: false, test: ipInRange },
  NotIpAddress: { family: 'ip', negated: true, test: ipInRange },
  ArnEquals: { family: 'arn', negated: false, test: arnLike },
  ArnLike: { family: 'arn', negated: false, test: arnLike },
  ArnNotEquals: { family: 'arn', negated: true, test: arnLike },
  ArnNotLike: { family: 'arn', negated: true, test: arnLike },
};

/** Families whose values may hold policy variables. */
const VARIABLE_FAMILIES: ReadonlySet<Family> = new Set(['string', 'arn', 'bool']);

interface ParsedOperator {
  set: 'ForAllValues' | 'ForAnyValue' | undefined;
  name: string;
  ifExists: boolean;
}

function parseOperator(text: string): ParsedOperator {
  const match = /^(?:(ForAllValues|ForAnyValue):)?(.+?)(IfExists)?$/.exec(text);
  return {
    set: match?.[1] as ParsedOperator['set'],
    name: match?.[2] ?? text,
    ifExists: match?.[3] !== undefined,
  };
}

function valuesOf(raw: unknown): string[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return undefined;
  const values: string[] = [];
  for (const item of list) {
    if (typeof item === 'string') values.push(item);
    else if (typeof item === 'number' || typeof item === 'boolean') values.push(String(item));
    else return undefined;
  }
  return values;
}

/** The request values of a key: undefined when absent, a list (possibly empty) otherwise. */
function requestValues(value: ContextValue | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return [String(value)];
}

export interface ConditionInput {
  condition: unknown;
  lookup(key: string): ContextValue | undefined;
  variables: VariableScope;
  /** prefix for messages, e.g. `policy X statement 2` */
  where: string;
}

export function evaluateCondition(input: ConditionInput): ConditionOutcome {
  const { condition, where } = input;
  if (condition === undefined) return { holds: true, unsupported: [] };
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) {
    return { holds: 'unknown', unsupported: [`${where}: Condition is not an object`] };
  }
  const unsupported: string[] = [];
  let holds: Truth = true;
  for (const [operatorText, block] of Object.entries(condition as Record<string, unknown>)) {
    if (typeof block !== 'object' || block === null || Array.isArray(block)) {
      unsupported.push(`${where}: condition ${operatorText} is not an object of keys`);
      holds = holds === false ? false : 'unknown';
      continue;
    }
    for (const [key, raw] of Object.entries(block as Record<string, unknown>)) {
      const outcome = evaluateKey(operatorText, key, raw, input);
      unsupported.push(...outcome.unsupported);
      if (outcome.holds === false) holds = false;
      else if (outcome.holds === 'unknown' && holds !== false) holds = 'unknown';
    }
  }
  return { holds, unsupported };
}

function evaluateKey(operatorText: string, key: string, raw: unknown, input: ConditionInput): ConditionOutcome {
  const where = `${input.where}: ${operatorText} ${key}`;
  const unknown = (reason: string): ConditionOutcome => ({ holds: 'unknown', unsupported: [`${where}: ${reason}`] });
  const operator = parseOperator(operatorText);
  const expectedValues = valuesOf(raw);
  if (expectedValues === undefined) return unknown('the condition values are not strings, numbers or booleans');
  const actual = requestValues(input.lookup(key));

  if (operator.name === 'Null' && operator.set === undefined && !operator.ifExists) {
    const wanted = expectedValues.map((value) => value.toLowerCase());
    if (wanted.some((value) => value !== 'true' && value !== 'false')) return unknown('Null takes true or false');
    const absent = actual === undefined || actual.length === 0;
    return { holds: wanted.some((value) => (value === 'true') === absent), unsupported: [] };
  }
  const spec = OPERATORS[operator.name];
  if (spec === undefined) return unknown(`the condition operator ${operatorText} is not supported`);

  const scope = VARIABLE_FAMILIES.has(spec.family) ? input.variables : NO_VARIABLES;
  // a value whose variable has no value is null: it matches no request value
  const expected = expectedValues.map((value) => resolveVariables(value, scope));
  const matchOne = (value: string): boolean | 'unknown' => {
    let sawUnknown = false;
    for (const pattern of expected) {
      if (pattern === undefined) continue;
      const result = spec.test(value, pattern);
      if (result === true) return true;
      if (result === 'unknown') sawUnknown = true;
    }
    return sawUnknown ? 'unknown' : false;
  };
  // one request value against the policy values: OR for positive operators, NOR for negated ones
  const holdsFor = (value: string): boolean | 'unknown' => {
    const matched = matchOne(value);
    if (matched === 'unknown') return 'unknown';
    return spec.negated ? !matched : matched;
  };

  if (operator.set === undefined) {
    if (actual === undefined) return { holds: operator.ifExists || spec.negated, unsupported: [] };
    if (actual.length !== 1) {
      return unknown('a multivalued request key needs ForAllValues or ForAnyValue');
    }
    const result = holdsFor(actual[0] ?? '');
    return result === 'unknown' ? unknown('a value could not be compared') : { holds: result, unsupported: [] };
  }

  if (actual === undefined || actual.length === 0) {
    if (operator.set === 'ForAllValues') return { holds: true, unsupported: [] };
    // ForAnyValue on an absent key is false; combined with IfExists, AWS's documented and observed answers disagree
    return operator.ifExists
      ? unknown('ForAnyValue with IfExists on an absent key is not decided consistently by AWS')
      : { holds: false, unsupported: [] };
  }
  const results = actual.map(holdsFor);
  if (operator.set === 'ForAllValues') {
    if (results.includes(false)) return { holds: false, unsupported: [] };
    return results.includes('unknown') ? unknown('a value could not be compared') : { holds: true, unsupported: [] };
  }
  if (results.includes(true)) return { holds: true, unsupported: [] };
  return results.includes('unknown') ? unknown('a value could not be compared') : { holds: false, unsupported: [] };
}
