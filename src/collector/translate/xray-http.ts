/**
 * The `http` block of a segment from a span's HTTP semantic-convention attributes, old (http.method, http.url,
 * http.status_code …) and stable (http.request.method, url.full, http.response.status_code …) names alike.
 */
import { numberAttribute, stringAttribute } from './any-value.js';
import type { AnyValue } from './otlp-types.js';
import { optionalField } from './optional-field.js';

export interface XRayHttp {
  request?: { method?: string; url?: string; client_ip?: string; user_agent?: string; x_forwarded_for?: boolean };
  response?: { status?: number; content_length?: number };
}

/** Every attribute this block reads; the others stay for annotations and metadata. */
export const HTTP_ATTRIBUTE_KEYS = [
  'http.method',
  'http.request.method',
  'http.url',
  'url.full',
  'http.scheme',
  'url.scheme',
  'http.host',
  'http.target',
  'url.path',
  'url.query',
  'http.client_ip',
  'client.address',
  'http.user_agent',
  'user_agent.original',
  'http.status_code',
  'http.response.status_code',
  'http.response_content_length',
  'http.response.body.size',
] as const;

function hostOf(attributes: Map<string, AnyValue | undefined>): string | undefined {
  const host = stringAttribute(attributes, 'http.host');
  if (host !== undefined) return host;
  const server = stringAttribute(attributes, 'server.address', 'net.host.name');
  if (server === undefined) return undefined;
  const port = numberAttribute(attributes, 'server.port', 'net.host.port');
  return port === undefined ? server : `${server}:${port}`;
}

/** The full URL, or one rebuilt from scheme, host and target as a server span describes its request. */
function urlOf(attributes: Map<string, AnyValue | undefined>): string | undefined {
  const full = stringAttribute(attributes, 'http.url', 'url.full');
  if (full !== undefined) return full;
  const path = stringAttribute(attributes, 'http.target', 'url.path');
  const host = hostOf(attributes);
  if (path === undefined || host === undefined) return undefined;
  const query = stringAttribute(attributes, 'url.query');
  const scheme = stringAttribute(attributes, 'http.scheme', 'url.scheme') ?? 'http';
  return `${scheme}://${host}${path}${query === undefined ? '' : `?${query}`}`;
}

export function httpStatusOf(attributes: Map<string, AnyValue | undefined>): number | undefined {
  return numberAttribute(attributes, 'http.status_code', 'http.response.status_code');
}

export function xrayHttp(attributes: Map<string, AnyValue | undefined>): XRayHttp | undefined {
  const clientIp = stringAttribute(attributes, 'http.client_ip', 'client.address');
  const request = {
    ...optionalField('method', stringAttribute(attributes, 'http.method', 'http.request.method')),
    ...optionalField('url', urlOf(attributes)),
    ...optionalField('client_ip', clientIp),
    ...optionalField('user_agent', stringAttribute(attributes, 'http.user_agent', 'user_agent.original')),
    // http.client_ip is the address the application read from X-Forwarded-For
    ...(attributes.has('http.client_ip') ? { x_forwarded_for: true } : {}),
  };
  const response = {
    ...optionalField('status', httpStatusOf(attributes)),
    ...optionalField(
      'content_length',
      numberAttribute(attributes, 'http.response_content_length', 'http.response.body.size'),
    ),
  };
  const http: XRayHttp = {
    ...(Object.keys(request).length === 0 ? {} : { request }),
    ...(Object.keys(response).length === 0 ? {} : { response }),
  };
  return Object.keys(http).length === 0 ? undefined : http;
}
