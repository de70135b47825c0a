/**
 * exporter `otlphttp` (opentelemetry-collector exporter/otlphttpexporter): POSTs OTLP/HTTP protobuf requests to
 * `<endpoint>/v1/traces`, `/v1/metrics`, `/v1/logs`, or to `traces_endpoint` / `metrics_endpoint` / `logs_endpoint`
 * as given; `headers`, `compression` gzip (the default) or none, `timeout` per request (30s), `sending_queue`,
 * `retry_on_failure`, `auth.authenticator` (sigv4auth). 429, 502, 503 and 504 are retried, any other non-2xx answer
 * is a permanent failure (otlphttpexporter's isRetryableStatusCode); a 429 or 503 with Retry-After waits at least
 * that long before the next attempt; a partial success is logged. Spans of the
 * otlp receiver travel as they came; metrics are rebuilt from samples (translate/samples-to-metrics.ts). X-Ray
 * daemon segments (the awsxray receiver) have no OTLP form here and are dropped, counted as permanent errors.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { SettingsError, type Settings } from '../config/settings.js';
import type {
  ComponentContext,
  ExporterInstance,
  HttpAuthenticator,
  LogItem,
  MetricSample,
  OtlpSpanItem,
  Signal,
  TraceItem,
} from '../model.js';
import { ITEM_UNIT } from '../model.js';
import { loadOtlpCodec, type OtlpCodec } from '../receivers/otlp/codec.js';
import { bodyCodec, extensionPersistence } from '../runtime/persistence.js';
import { PermanentError, QueuedSender } from '../runtime/queued-sender.js';
import { throttleFor } from '../runtime/retry-after.js';
import { readSenderSettings, SENDER_KEYS, type SenderSettings } from '../runtime/sender-settings.js';
import { ThrottledLog } from '../telemetry/logger.js';
import type { InstrumentationScope, Resource } from '../translate/otlp-types.js';
import { samplesToMetrics } from '../translate/samples-to-metrics.js';

const gzipAsync = promisify(gzip);
const PATHS: Record<Signal, string> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };
const RETRYABLE = [429, 502, 503, 504];
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface OtlpHttpSettings {
  urls: Partial<Record<Signal, URL>>;
  headers: Record<string, string>;
  gzip: boolean;
  authenticator?: string;
  sender: SenderSettings;
}

function url(text: string, path: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new SettingsError(path, `"${text}" is not a URL`, 'e.g. https://collector.example.com:4318');
  }
}

export function readOtlpHttpSettings(settings: Settings): OtlpHttpSettings {
  settings.allowOnly([
    'endpoint',
    'traces_endpoint',
    'metrics_endpoint',
    'logs_endpoint',
    'headers',
    'compression',
    'encoding',
    'auth',
    'read_buffer_size',
    'write_buffer_size',
    'max_idle_conns',
    'max_idle_conns_per_host',
    'max_conns_per_host',
    'idle_conn_timeout',
    'disable_keep_alives',
    ...SENDER_KEYS,
  ]);
  const encoding = settings.string('encoding', 'proto');
  if (encoding !== 'proto') {
    throw new SettingsError(
      settings.at('encoding'),
      `encoding "${encoding}" is not supported by the bundled collector runtime (proto only)`,
    );
  }
  const compression = settings.string('compression', 'gzip');
  if (!['gzip', 'none', ''].includes(compression)) {
    throw new SettingsError(
      settings.at('compression'),
      `compression "${compression}" is not supported by the bundled collector runtime`,
      'gzip or none',
    );
  }
  const base = settings.string('endpoint', '');
  const urls: Partial<Record<Signal, URL>> = {};
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    const own = settings.string(`${signal}_endpoint`, '');
    if (own !== '') urls[signal] = url(own, settings.at(`${signal}_endpoint`));
    else if (base !== '') urls[signal] = url(`${base.replace(/\/+$/, '')}${PATHS[signal]}`, settings.at('endpoint'));
  }
  if (Object.keys(urls).length === 0) {
    throw new SettingsError(settings.at('endpoint'), 'at least one endpoint must be specified');
  }
  const rawHeaders = settings.raw('headers');
  const headers: Record<string, string> = {};
  if (rawHeaders !== undefined && rawHeaders !== null) {
    if (typeof rawHeaders !== 'object' || Array.isArray(rawHeaders))
      throw new SettingsError(settings.at('headers'), 'must be a mapping');
    for (const [name, value] of Object.entries(rawHeaders)) headers[name.toLowerCase()] = String(value);
  }
  const authenticator = settings.nested('auth').allowOnly(['authenticator']).string('authenticator');
  return {
    urls,
    headers,
    gzip: compression === 'gzip',
    ...(authenticator === undefined || authenticator === '' ? {} : { authenticator }),
    sender: readSenderSettings(settings, 30_000),
  };
}

interface Request {
  body: Buffer;
  items: number;
}

export class OtlpHttpExporter implements ExporterInstance<unknown> {
  private codec: OtlpCodec | undefined;
  private authenticator: HttpAuthenticator | undefined;
  private readonly sender: QueuedSender<Request>;
  private readonly url: URL | undefined;
  private readonly agent: HttpAgent | HttpsAgent | undefined;
  private readonly dropped;
  private readonly throttled: ThrottledLog;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: OtlpHttpSettings,
    private readonly signal: Signal,
    shutdownTimeoutMs: number,
  ) {
    this.url = settings.urls[signal];
    if (this.url === undefined) {
      throw new SettingsError(
        `${context.path}.${signal}_endpoint`,
        `no endpoint for ${signal}: set endpoint or ${signal}_endpoint`,
      );
    }
    const sockets = settings.sender.queue.numConsumers;
    const options = { keepAlive: true, maxSockets: sockets };
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
    this.sender = new QueuedSender<Request>({
      exporter: context.id,
      unit: ITEM_UNIT[signal],
      weight: (request) => request.items,
      queue: settings.sender.queue,
      retry: settings.sender.retry,
      timeoutMs: settings.sender.timeoutMs,
      shutdownTimeoutMs,
      send: (batch, abort) => this.post(batch, abort),
      bytes: (request) => request.body.length,
      persistence: extensionPersistence(
        context,
        settings.sender.queue.storage,
        signal,
        bodyCodec<Request>(
          (request) => ({ body: request.body, items: request.items }),
          (body, items) => ({ body, items }),
        ),
      ),
      logger: context.logger,
      metrics: context.metrics,
    });
    this.dropped = context.metrics.counter(
      `otelcol_exporter_dropped_${ITEM_UNIT[signal]}`,
      `${ITEM_UNIT[signal]} dropped, by reason`,
      {
        exporter: context.id,
        reason: 'permanent_error',
      },
    );
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
  }

  async start(): Promise<void> {
    this.codec = await loadOtlpCodec();
    const id = this.settings.authenticator;
    if (id !== undefined) {
      const extension = this.context.extension(id);
      if (extension?.authenticator === undefined) {
        throw new SettingsError(
          `${this.context.path}.auth.authenticator`,
          `"${id}" is not an enabled authenticator extension`,
        );
      }
      this.authenticator = extension.authenticator;
    }
    await this.sender.start();
  }

  consume(items: unknown[]): void {
    const codec = this.codec;
    if (codec === undefined) return;
    let request: object;
    let count = items.length;
    if (this.signal === 'traces') {
      const spans = (items as TraceItem[]).filter((item): item is OtlpSpanItem => item.kind === 'otlp-span');
      if (spans.length < items.length) {
        this.dropped.add(items.length - spans.length);
        this.throttled.log(
          'segments',
          `exporter ${this.context.id}: dropped ${items.length - spans.length} X-Ray daemon segment(s): they have no OTLP form in the bundled runtime`,
        );
      }
      if (spans.length === 0) return;
      count = spans.length;
      request = {
        resourceSpans: grouped(spans, (span) => span.span).map(([resource, scopes]) => ({
          resource,
          scopeSpans: scopes.map(([scope, spans]) => ({ ...(scope === undefined ? {} : { scope }), spans })),
        })),
      };
    } else if (this.signal === 'logs') {
      request = {
        resourceLogs: grouped(items as LogItem[], (item) => item.record).map(([resource, scopes]) => ({
          resource,
          scopeLogs: scopes.map(([scope, logRecords]) => ({ ...(scope === undefined ? {} : { scope }), logRecords })),
        })),
      };
    } else {
      request = { resourceMetrics: samplesToMetrics(items as MetricSample[]) };
    }
    const body = Buffer.from(codec.encodeRequest(this.signal, request));
    this.sender.enqueue([{ body, items: count }]);
  }

  async shutdown(): Promise<void> {
    await this.sender.shutdown();
    this.agent?.destroy();
  }

  private async post(batch: Request[], abort: AbortSignal): Promise<void> {
    for (const request of batch) {
      const body = this.settings.gzip ? await gzipAsync(request.body) : request.body;
      const target = this.url as URL;
      let headers: Record<string, string> = {
        ...this.settings.headers,
        'content-type': 'application/x-protobuf',
        ...(this.settings.gzip ? { 'content-encoding': 'gzip' } : {}),
      };
      if (this.authenticator !== undefined) {
        headers = {
          ...headers,
          ...(await this.authenticator.authorize({ method: 'POST', url: target, headers, body })),
        };
      }
      const answer = await this.send(target, headers, body, abort);
      if (answer.status >= 200 && answer.status < 300) {
        this.partialSuccess(answer.body);
        continue;
      }
      const reason = `${target.href} answered ${answer.status}${answer.body.length > 0 ? `: ${answer.body.toString('utf8', 0, 512)}` : ''}`;
      const throttle = throttleFor(answer.status, answer.retryAfter, reason);
      if (throttle !== undefined) throw throttle;
      if (RETRYABLE.includes(answer.status)) throw new Error(reason);
      throw new PermanentError(reason);
    }
  }

  private partialSuccess(body: Buffer): void {
    if (body.length === 0 || this.codec === undefined) return;
    try {
      const partial = this.codec.decodeResponse(this.signal, body).partialSuccess;
      const rejected = Number(
        partial?.rejectedSpans ?? partial?.rejectedDataPoints ?? partial?.rejectedLogRecords ?? 0,
      );
      if (rejected > 0)
        this.throttled.log(
          'partial',
          `exporter ${this.context.id}: partial success: ${rejected} ${ITEM_UNIT[this.signal]} rejected: ${partial?.errorMessage ?? ''}`,
        );
    } catch {
      // a body that is not a response message: nothing to report
    }
  }

  private send(
    target: URL,
    headers: Record<string, string>,
    body: Buffer,
    abort: AbortSignal,
  ): Promise<{ status: number; body: Buffer; retryAfter?: string | string[] }> {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        target,
        {
          method: 'POST',
          agent: this.agent,
          signal: abort,
          headers: { ...headers, 'content-length': String(body.length) },
        },
        (response) => {
          // at most 64 KiB of an answer is kept, as the collector reads it (maxHTTPResponseReadBytes)
          const chunks: Buffer[] = [];
          let kept = 0;
          response.on('data', (chunk: Buffer) => {
            if (kept >= MAX_RESPONSE_BYTES) return;
            chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - kept));
            kept += chunk.length;
          });
          const retryAfter = response.headers['retry-after'];
          response.once('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks),
              ...(retryAfter === undefined ? {} : { retryAfter }),
            }),
          );
          response.once('error', reject);
        },
      );
      request.once('error', reject);
      request.end(body);
    });
  }
}

/** Items grouped by the resource and then the scope they came under (objects shared by one request stay together). */
function grouped<T extends { resource: Resource; scope?: InstrumentationScope }, R>(
  items: readonly T[],
  pick: (item: T) => R,
): [Resource, [InstrumentationScope | undefined, R[]][]][] {
  const resources = new Map<Resource, Map<InstrumentationScope | undefined, R[]>>();
  for (const item of items) {
    let scopes = resources.get(item.resource);
    if (scopes === undefined) {
      scopes = new Map();
      resources.set(item.resource, scopes);
    }
    const list = scopes.get(item.scope) ?? [];
    list.push(pick(item));
    scopes.set(item.scope, list);
  }
  return [...resources.entries()].map(([resource, scopes]) => [resource, [...scopes.entries()]]);
}
