import { AwsServiceError } from '../../types.js';

/** The claims of an OIDC ID token that AssumeRoleWithWebIdentity checks. The signature is not verified. */
export interface WebIdentityClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number | undefined;
}

export function decodeWebIdentityToken(token: string): WebIdentityClaims {
  const parts = token.split('.');
  let payload: Record<string, unknown> | undefined;
  if (parts.length === 3) {
    try {
      const parsed: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        payload = parsed as Record<string, unknown>;
    } catch {
      payload = undefined;
    }
  }
  const { iss, sub, aud, exp } = payload ?? {};
  const audiences =
    typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  if (typeof iss !== 'string' || typeof sub !== 'string' || audiences.length === 0) {
    throw new AwsServiceError(
      'InvalidIdentityToken',
      'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)',
      400,
    );
  }
  return { iss, sub, aud: audiences, exp: typeof exp === 'number' ? exp : undefined };
}

/**
 * Whether a trust policy lets the holder of these claims assume the role through the given OIDC provider: an
 * Allow statement for sts:AssumeRoleWithWebIdentity whose Principal.Federated names the provider and whose
 * StringEquals / StringLike conditions on `<issuer>:sub` and `<issuer>:aud` hold. Other condition operators are
 * treated as unmet, so the emulator errs towards refusing, as a stricter IAM would.
 */
export function trustPolicyAllows(
  document: string,
  providerArn: string,
  issuerKey: string,
  claims: { sub: string; aud: string },
): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch {
    return false;
  }
  const statement = (parsed as { Statement?: unknown }).Statement;
  const statements = (Array.isArray(statement) ? statement : [statement]) as Record<string, unknown>[];
  const context: Record<string, string> = { [`${issuerKey}:sub`]: claims.sub, [`${issuerKey}:aud`]: claims.aud };
  return statements.some(
    (entry) =>
      typeof entry === 'object' &&
      entry !== null &&
      entry.Effect === 'Allow' &&
      asList(entry.Action).some((action) => ['sts:AssumeRoleWithWebIdentity', 'sts:*', '*'].includes(action)) &&
      asList((entry.Principal as Record<string, unknown> | undefined)?.Federated).includes(providerArn) &&
      conditionsHold(entry.Condition, context),
  );
}

function conditionsHold(condition: unknown, context: Record<string, string>): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== 'object' || condition === null) return false;
  return Object.entries(condition as Record<string, Record<string, unknown>>).every(([operator, tests]) =>
    Object.entries(tests ?? {}).every(([key, expected]) => {
      const actual = context[key];
      if (actual === undefined) return false;
      const candidates = asList(expected);
      if (operator === 'StringEquals') return candidates.includes(actual);
      if (operator === 'StringLike') return candidates.some((pattern) => globMatches(pattern, actual));
      return false;
    }),
  );
}

function globMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
