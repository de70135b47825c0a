import { AwsServiceError } from '../../types.js';

export interface Page<T> {
  items: T[];
  /** the token of the next page; undefined on the last page */
  next: string | undefined;
}

/**
 * Offset pagination behind an opaque token (base64 of `sandbox:<offset>`), as EKS nextToken and IAM Marker are
 * opaque. A token this emulator did not issue is refused with the service's own error.
 */
export function paginate<T>(
  all: readonly T[],
  options: { limit: number | undefined; token: string | undefined; defaultLimit: number; maxLimit: number },
  invalid: (message: string) => AwsServiceError,
): Page<T> {
  const limit = options.limit ?? options.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > options.maxLimit) {
    throw invalid(`maxResults must be between 1 and ${options.maxLimit}`);
  }
  const offset = options.token === undefined ? 0 : decodeToken(options.token);
  if (offset === undefined || offset > all.length) throw invalid('The pagination token is not valid');
  const end = offset + limit;
  return { items: all.slice(offset, end), next: end < all.length ? encodeToken(end) : undefined };
}

function encodeToken(offset: number): string {
  return Buffer.from(`sandbox:${offset}`, 'utf8').toString('base64');
}

function decodeToken(token: string): number | undefined {
  const match = /^sandbox:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
