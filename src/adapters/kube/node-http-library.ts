import { request as httpRequest, type Agent as HttpAgent, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { ResponseContext, wrapHttpLibrary, type HttpLibrary, type RequestContext } from '@kubernetes/client-node';

/** A Kubernetes API request that got no answer: refused, reset, timed out, or its TLS handshake failed. */
export class KubeRequestError extends Error {
  override readonly name = 'KubeRequestError';
  /** the socket or TLS error code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT …), when Node gave one */
  readonly code: string | undefined;

  constructor(url: string, cause: Error) {
    super(`request to ${url} failed, reason: ${cause.message}`, { cause });
    const code = (cause as { code?: unknown }).code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/**
 * client-node's requests sent with node:https (or node:http for an http:// server) and the agent its authentication
 * chose, in place of its default library, node-fetch. node-fetch and what it loads (whatwg-url, tr46's mapping
 * table) took 25-30 ms of every `adot doctor` process to load on Node 20-24, for requests that need none of it:
 * client-node hands over a URL, method, headers, a string body, an agent and an abort signal, and reads the status,
 * headers and body back. As with node-fetch, answers may come gzip- or deflate-encoded and are decoded; redirects are
 * not followed (the API server sends none).
 */
export function nodeHttpLibrary(): HttpLibrary {
  return wrapHttpLibrary({ send });
}

async function send(request: RequestContext): Promise<ResponseContext> {
  const url = request.getUrl();
  const body = bodyOf(request.getBody());
  const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate' };
  for (const [name, value] of Object.entries(request.getHeaders())) headers[name.toLowerCase()] = value;
  if (body !== undefined) headers['content-length'] = String(body.length);
  const signal = request.getSignal();
  const options: RequestOptions = {
    method: request.getHttpMethod().toString(),
    headers,
    ...(signal === undefined ? {} : { signal }),
    ...(request.getAgent() === undefined ? {} : { agent: request.getAgent() as HttpAgent }),
  };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = requestFunctionFor(url)(url, options, resolve);
    outgoing.on('error', (error) => reject(answerless(url, error)));
    outgoing.end(body);
  });
  const bytes = await decoded(response, await readAll(response, url));
  return new ResponseContext(response.statusCode ?? 0, headersOf(response), {
    text: () => Promise.resolve(bytes.toString('utf8')),
    binary: () => Promise.resolve(bytes),
  });
}

/** client-node's RequestContext accepts only absolute http(s) URLs */
function requestFunctionFor(url: string): typeof httpsRequest {
  return url.startsWith('https:') ? httpsRequest : httpRequest;
}

/** client-node sends JSON (and YAML patches) as strings; FormData is for endpoints adot does not call */
function bodyOf(body: unknown): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (Buffer.isBuffer(body)) return body;
  throw new TypeError(`unsupported Kubernetes request body: ${Object.prototype.toString.call(body)}`);
}

/** an abort stays an AbortError (the caller asked for it); anything else is a request that got no answer */
function answerless(url: string, error: Error): Error {
  return error.name === 'AbortError' ? error : new KubeRequestError(url, error);
}

function readAll(response: IncomingMessage, url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', (error) => reject(answerless(url, error)));
  });
}

async function decoded(response: IncomingMessage, bytes: Buffer): Promise<Buffer> {
  const encoding = response.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity' || bytes.length === 0) return bytes;
  // node:zlib only when an answer is compressed (the API server compresses large ones)
  const zlib = process.getBuiltinModule('node:zlib');
  if (encoding === 'gzip' || encoding === 'x-gzip') return promisify(zlib.gunzip)(bytes);
  if (encoding === 'deflate') {
    // as node-fetch does: zlib-wrapped deflate (RFC 9110), or raw deflate from servers that send that instead
    const zlibWrapped = (bytes[0]! & 0x0f) === 0x08;
    return zlibWrapped ? promisify(zlib.inflate)(bytes) : promisify(zlib.inflateRaw)(bytes);
  }
  return bytes;
}

/** names lower-cased, repeated headers joined with ", " (as the Fetch API's Headers, which node-fetch gave) */
function headersOf(response: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
