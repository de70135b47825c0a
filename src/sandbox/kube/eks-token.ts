/**
 * EKS authentication as `aws eks get-token` (and aws-iam-authenticator) produce it: a bearer token
 * `k8s-aws-v1.<base64url of a presigned STS GetCallerIdentity URL>` whose signed headers include `x-k8s-aws-id`.
 * EKS resolves the token by calling that URL; the sandbox, whose STS accepts any signature, reads the access key
 * from the URL's credential scope instead and maps it to a user. Expired or malformed tokens authenticate no one.
 */
const PREFIX = 'k8s-aws-v1.';

export function userOfEksToken(
  token: string,
  usersByAccessKey: Record<string, string>,
  now: Date = new Date(),
): string | undefined {
  if (!token.startsWith(PREFIX)) return undefined;
  let url: URL;
  try {
    url = new URL(Buffer.from(token.slice(PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const query = url.searchParams;
  if (query.get('Action') !== 'GetCallerIdentity') return undefined;
  const signedHeaders = (query.get('X-Amz-SignedHeaders') ?? '').split(';');
  if (!signedHeaders.includes('x-k8s-aws-id')) return undefined;
  const credential = /^([^/]+)\/\d{8}\/[^/]+\/sts\/aws4_request$/.exec(query.get('X-Amz-Credential') ?? '');
  if (credential === null || !isUnexpired(query.get('X-Amz-Date'), query.get('X-Amz-Expires'), now)) return undefined;
  return usersByAccessKey[credential[1] ?? ''];
}

function isUnexpired(amzDate: string | null, expires: string | null, now: Date): boolean {
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? '');
  const seconds = Number(expires);
  if (date === null || !Number.isFinite(seconds)) return false;
  const [, year, month, day, hour, minute, second] = date.map(Number) as number[];
  const signedAt = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  return now.getTime() <= signedAt + seconds * 1000;
}
