/**
 * OTLP/HTTP: POST the traces and metrics paths with an application/x-protobuf or application/json body (gzip or
 * deflate Content-Encoding accepted). 200 with an Export*ServiceResponse in the request's encoding; 400 with a
 * google.rpc.Status for an undecodable body; 503 (Unavailable) when a memory_limiter refused the data; 404 for a
 * path no pipeline takes; 405, 413, 415.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { DataRefusedError } from '../../model.js';
import type { Logger } from '../../telemetry/logger.js';
import { formatHostPort } from '../../telemetry/server.js';
import { OtlpDecodeError, type OtlpCodec, type OtlpFormat, type OtlpSignal } from './codec.js';
import type { OtlpExportHandler } from './export-handler.js';
import type { OtlpHttpSettings } from './settings.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

const CONTENT_TYPES: Record<OtlpFormat, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };
/** google.rpc.Code values used in error bodies */
const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const UNIMPLEMENTED = 12;
const INTERNAL = 13;
const UNAVAILABLE = 14;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function formatOf(contentType: string | undefined): OtlpFormat | undefined {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === 'application/x-protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpProblem(413, `the body is larger than ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        reject(new HttpProblem(413, `the body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks, size)));
    request.on('error', reject);
  });
}

async function decompress(body: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  const name = (encoding ?? '').trim().toLowerCase();
  if (name === '' || name === 'identity') return body;
  try {
    if (name === 'gzip' || name === 'x-gzip') return await gunzipAsync(body, { maxOutputLength: limit });
    if (name === 'deflate') return await inflateAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new HttpProblem(413, `the decompressed body is larger than ${limit} bytes`);
    throw new HttpProblem(400, `the body is not valid ${name} data: ${(error as Error).message}`);
  }
  throw new HttpProblem(415, `Content-Encoding "${name}" is not supported (gzip, deflate, identity)`);
}

export interface OtlpHttpServer {
  address: string;
  close(): Promise<void>;
}

export async function startOtlpHttpServer(
  settings: OtlpHttpSettings,
  codec: OtlpCodec,
  handler: OtlpExportHandler,
  logger: Logger,
): Promise<OtlpHttpServer> {
  const routes = new Map<string, OtlpSignal>();
  if (handler.accepts('traces')) routes.set(settings.tracesPath, 'traces');
  if (handler.accepts('metrics')) routes.set(settings.metricsPath, 'metrics');
  if (handler.accepts('logs')) routes.set(settings.logsPath, 'logs');

  const reply = (
    response: ServerResponse,
    status: number,
    format: OtlpFormat,
    body: Uint8Array,
    close = false,
  ): void => {
    response.writeHead(status, {
      'content-type': CONTENT_TYPES[format],
      'content-length': body.byteLength,
      ...(close ? { connection: 'close' } : {}),
    });
    response.end(body);
  };

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const format = formatOf(request.headers['content-type']);
    const signal = routes.get(path);
    const errorFormat = format ?? 'json';
    if (signal === undefined) {
      const known = [...routes.keys()].join(', ');
      reply(
        response,
        404,
        errorFormat,
        codec.encodeStatus(errorFormat, NOT_FOUND, `no OTLP endpoint at ${path}; this receiver serves ${known}`),
      );
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('allow', 'POST');
      reply(
        response,
        405,
        errorFormat,
        codec.encodeStatus(errorFormat, UNIMPLEMENTED, `${request.method ?? ''} is not allowed: send POST`),
      );
      return;
    }
    if (format === undefined) {
      reply(
        response,
        415,
        'json',
        codec.encodeStatus(
          'json',
          INVALID_ARGUMENT,
          `Content-Type "${request.headers['content-type'] ?? ''}" is not supported: use application/x-protobuf or application/json`,
        ),
      );
      return;
    }
    try {
      const raw = await readBody(request, settings.maxRequestBodyBytes);
      const body = await decompress(raw, request.headers['content-encoding'], settings.maxRequestBodyBytes);
      const partial = handler.handle(
        signal,
        body,
        format,
        'http',
        request.socket.remoteAddress?.replace(/^::ffff:/, ''),
      );
      reply(response, 200, format, codec.encodeResponse(signal, format, partial));
    } catch (error) {
      if (error instanceof HttpProblem) {
        reply(
          response,
          error.status,
          format,
          codec.encodeStatus(format, INVALID_ARGUMENT, error.message),
          error.status === 413,
        );
      } else if (error instanceof OtlpDecodeError) {
        reply(response, 400, format, codec.encodeStatus(format, INVALID_ARGUMENT, error.message));
      } else if (error instanceof DataRefusedError) {
        // a retryable failure: Unavailable, answered 503 (otlpreceiver internal/errors GetStatusFromError)
        reply(response, 503, format, codec.encodeStatus(format, UNAVAILABLE, error.message));
      } else {
        logger.error(`OTLP/HTTP ${path}: ${(error as Error).message}`);
        reply(response, 500, format, codec.encodeStatus(format, INTERNAL, 'internal error'));
      }
    }
  };

  const server: Server = createServer((request, response) => void serve(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: formatHostPort(bound.address, bound.port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
