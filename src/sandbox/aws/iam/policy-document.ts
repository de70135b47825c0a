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
  const statement = document.Statement;
  const statements = Array.isArray(statement) ? statement : statement === undefined ? undefined : [statement];
  if (statements === undefined) throw malformedPolicyDocument('Syntax errors in policy.');
  for (const entry of statements) {
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
