/**
 * POSTs remote write requests over node:http(s) with a keep-alive agent per exporter: one connection per shard
 * stays open between requests. fetch (undici) would do, but costs several times more CPU per request and loads
 * undici into a collector that otherwise never needs it.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface PostResponse {
  status: number;
  /** the response body, read only for a status outside 2xx (the reason a receiver gives) */
  text: string;
  /** the Retry-After header of a response outside 2xx, when it has one */
  retryAfter?: string;
}

/** Longest error body kept: receivers sometimes answer with whole pages. */
const MAX_ERROR_BODY_BYTES = 4096;

export class HttpPoster {
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly send: typeof httpRequest;

  constructor(
    private readonly url: URL,
    connections: number,
  ) {
    const https = url.protocol === 'https:';
    const options = { keepAlive: true, maxSockets: connections, maxFreeSockets: connections };
    this.agent = https ? new HttpsAgent(options) : new HttpAgent(options);
    this.send = https ? httpsRequest : httpRequest;
  }

  post(headers: Record<string, string>, body: Buffer, signal: AbortSignal): Promise<PostResponse> {
    return new Promise((resolve, reject) => {
      const request = this.send(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          signal,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            response.resume();
            response.once('end', () => resolve({ status, text: '' }));
            response.once('error', reject);
            return;
          }
          const retryAfter = response.headers['retry-after'];
          readErrorBody(response).then(
            (text) => resolve({ status, text, ...(retryAfter === undefined ? {} : { retryAfter }) }),
            reject,
          );
        },
      );
      request.once('error', reject);
      request.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function readErrorBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    response.on('data', (chunk: Buffer) => {
      if (length < MAX_ERROR_BODY_BYTES) chunks.push(chunk);
      length += chunk.length;
    });
    response.once('end', () => resolve(Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8')));
    response.once('error', reject);
  });
}
