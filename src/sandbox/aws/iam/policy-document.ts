import { malformedPolicyDocument } from './errors.js';

/**
 * Checks a policy document the way IAM does before storing it: valid JSON, an object with a Statement whose
 * entries each carry an Effect of Allow or Deny and an Action (or NotAction). Returns the parsed document.
 */
export function parsePolicyDocument(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformedPolicyDocument('This policy contains invalid Json');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw malformedPolicyDocument('Syntax errors in policy.');
  }
  const document = parsed as Record<string, unknown>;
  for (const entry of statementsOf(document)) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw malformedPolicyDocument('Syntax errors in policy.');
    }
    const { Effect, Action, NotAction } = entry as Record<string, unknown>;
    if (Effect !== 'Allow' && Effect !== 'Deny') throw malformedPolicyDocument('Invalid effect: ' + String(Effect));
    if (Action === undefined && NotAction === undefined)
      throw malformedPolicyDocument('Policy statement must contain actions.');
  }
  return document;
}

function statementsOf(document: Record<string, unknown>): unknown[] {
  const statement = document.Statement;
  if (statement === undefined) throw malformedPolicyDocument('Syntax errors in policy.');
  return Array.isArray(statement) ? statement : [statement];
}

/**
 * An identity-based (managed or inline) policy: a permissions policy names no principal and every statement names
 * its resources. Messages as IAM's CreatePolicy / PutRolePolicy answer them (MalformedPolicyDocument).
 */
export function parseIdentityPolicy(text: string): Record<string, unknown> {
  const document = parsePolicyDocument(text);
  for (const entry of statementsOf(document) as Record<string, unknown>[]) {
    if (entry.Principal !== undefined || entry.NotPrincipal !== undefined) {
      throw malformedPolicyDocument('Policy document should not specify a principal.');
    }
    if (entry.Resource === undefined && entry.NotResource === undefined) {
      throw malformedPolicyDocument('Policy statement must contain resources.');
    }
  }
  return document;
}

/**
 * The size IAM counts against its policy quotas: "IAM does not count white space when calculating the size of a
 * policy against these limits" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export function policySize(text: string): number {
  return text.replace(/\s/g, '').length;
}

/** Managed policy size: 6,144 characters (IAM quotas page); IAM answers LimitExceeded (409). */
export const MANAGED_POLICY_MAX = 6144;
/** The inline policies of one role together: 10,240 characters (IAM quotas page). */
export const ROLE_INLINE_POLICIES_MAX = 10240;
