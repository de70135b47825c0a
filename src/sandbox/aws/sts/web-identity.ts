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
