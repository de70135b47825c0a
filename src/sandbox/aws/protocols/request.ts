import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from '../credentials.js';

/** The SigV4 credential scope of a request: `AKID/DATE/REGION/SERVICE/aws4_request`. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** One HTTP request as the AWS services see it: the body is read completely before dispatch. */
export interface AwsRequest {
  method: string;
  /** the raw (still percent-encoded) path, without the query string */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** the signer's scope; undefined for unsigned requests */
  scope: CredentialScope | undefined;
  /** X-Amz-Security-Token (header, or query of a presigned URL) */
  sessionToken: string | undefined;
  /** the client's address */
  sourceIp: string;
  requestId: string;
  /** who signed the request, once the server has authenticated it */
  caller?: Principal;
}

export interface AwsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const authorizationPattern =
  /^AWS4-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=[a-z0-9;-]+,\s*Signature=[0-9a-f]+$/;
const queryCredentialPattern = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;

/**
 * The scope of a well-formed SigV4 Authorization header (a malformed header is refused, as AWS does). The signature
 * itself is not verified; the access key must be one the sandbox issued (src/sandbox/aws/credentials.ts).
 */
export function scopeFromAuthorization(header: string | undefined): CredentialScope | undefined {
  const match = header === undefined ? null : authorizationPattern.exec(header.trim());
  if (match === null) return undefined;
  const [, accessKeyId = '', date = '', region = '', service = ''] = match;
  return { accessKeyId, date, region, service };
}

/** The scope of a presigned URL (X-Amz-Credential in the query string). */
export function scopeFromPresignedQuery(query: URLSearchParams): CredentialScope | undefined {
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || query.get('X-Amz-Signature') === null) return undefined;
  const match = queryCredentialPattern.exec(query.get('X-Amz-Credential') ?? '');
  if (match === null) return undefined;
  const [, accessKeyId = '', date = '', region = '', service = ''] = match;
  return { accessKeyId, date, region, service };
}
