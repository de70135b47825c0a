import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignedRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** false sends the request unsigned */
  sign?: boolean;
}

/**
 * A SigV4-signed HTTP request with @smithy/signature-v4 (what the AWS SDKs sign with), for endpoints the project has
 * no SDK client for (Amazon Managed Service for Prometheus: its data plane, and its control plane in tests).
 */
export async function signedFetch(
  endpoint: string,
  signing: { service: string; region: string; credentials: SigningCredentials },
  request: SignedRequest,
): Promise<Response> {
  const url = new URL(`${endpoint}${request.path}`);
  const headers: Record<string, string> = { host: url.host, ...(request.headers ?? {}) };
  const signer = new SignatureV4({
    service: signing.service,
    region: signing.region,
    credentials: signing.credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed =
    request.sign === false
      ? { headers }
      : await signer.sign({
          method: request.method,
          protocol: url.protocol,
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: request.query ?? {},
          headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
  const query = new URLSearchParams(request.query ?? {}).toString();
  const { host: _host, ...sendable } = signed.headers;
  return fetch(`${url.href}${query === '' ? '' : `?${query}`}`, {
    method: request.method,
    headers: sendable,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
}
