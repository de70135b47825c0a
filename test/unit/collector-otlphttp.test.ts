import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { Settings } from '../../src/collector/config/settings.js';
import { OtlpHttpExporter, readOtlpHttpSettings } from '../../src/collector/exporters/otlphttp.js';
import type { LogItem, MetricSample, OtlpSpanItem, Signal, TraceItem } from '../../src/collector/model.js';
import { OtlpReceiver } from '../../src/collector/receivers/otlp/receiver.js';
import { readOtlpReceiverSettings } from '../../src/collector/receivers/otlp/settings.js';
import { anyValueToJson, attributesToJson } from '../../src/collector/translate/any-value.js';
import { componentContext } from '../helpers/collector-context.js';
import { eventually } from '../helpers/eventually.js';

const span: OtlpSpanItem = {
  kind: 'otlp-span',
  resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] },
  scope: { name: 'manual', attributes: [] },
  span: {
    traceId: Buffer.alloc(16, 7),
    spanId: Buffer.alloc(8, 3),
    name: 'GET /cart',
    kind: 2,
    startTimeUnixNano: '1714557600000000000',
    endTimeUnixNano: '1714557600300000000',
    attributes: [{ key: 'http.method', value: { stringValue: 'GET' } }],
    events: [],
    links: [],
  },
};

const log: LogItem = {
  kind: 'log',
  resource: { attributes: [{ key: 'k8s.pod.name', value: { stringValue: 'cart-1' } }] },
  record: {
    timeUnixNano: '1714557600000000000',
    severityNumber: 9,
    severityText: 'INFO',
    body: { stringValue: 'checkout done' },
    attributes: [{ key: 'log.iostream', value: { stringValue: 'stdout' } }],
  },
};

function sample(
  name: string,
  family: string,
  type: MetricSample['type'],
  labels: Record<string, string>,
  value: number,
) {
  return {
    name,
    family,
    type,
    labels: { job: 'shop/cart', instance: '10.0.0.5:8080', ...labels },
    value,
    timestampMs: 1_714_557_600_000,
  };
}

const samples: MetricSample[] = [
  sample('http_requests_total', 'http_requests', 'counter', { code: '200' }, 42),
  sample('queue_depth', 'queue_depth', 'gauge', {}, 3),
  sample('latency_seconds_bucket', 'latency_seconds', 'histogram', { le: '0.1' }, 4),
  sample('latency_seconds_bucket', 'latency_seconds', 'histogram', { le: '+Inf' }, 6),
  sample('latency_seconds_sum', 'latency_seconds', 'histogram', {}, 1.5),
  sample('latency_seconds_count', 'latency_seconds', 'histogram', {}, 6),
];

describe('otlphttp exporter', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  function exporter(raw: Record<string, unknown>, signal: Signal) {
    const context = componentContext('otlphttp', 'exporters');
    const instance = new OtlpHttpExporter(
      context,
      readOtlpHttpSettings(new Settings(raw, 'exporters.otlphttp')),
      signal,
      2_000,
    );
    closers.push(() => instance.shutdown());
    return { instance, context };
  }

  it('delivers traces, metrics and logs to an OTLP/HTTP receiver (the bundled otlp receiver)', async () => {
    const received = { traces: [] as TraceItem[], metrics: [] as MetricSample[], logs: [] as LogItem[] };
    const receiver = new OtlpReceiver(
      componentContext('otlp', 'receivers'),
      readOtlpReceiverSettings(new Settings({ protocols: { http: { endpoint: '127.0.0.1:0' } } }, 'receivers.otlp')),
      {
        traces: { consume: (items) => received.traces.push(...items) },
        metrics: { consume: (items) => received.metrics.push(...items) },
        logs: { consume: (items) => received.logs.push(...items) },
      },
    );
    await receiver.start();
    closers.push(() => receiver.shutdown());
    const endpoint = `http://${receiver.address() ?? ''}`;
    for (const [signal, items] of [
      ['traces', [span]],
      ['metrics', samples],
      ['logs', [log]],
    ] as const) {
      const { instance } = exporter({ endpoint, compression: 'gzip', headers: { 'x-tenant': 'shop' } }, signal);
      await instance.start();
      instance.consume([...items]);
    }
    await eventually(
      () => received.traces.length + received.logs.length,
      (count) => count === 2,
    );
    await eventually(
      () => received.metrics.length,
      (count) => count > 0,
    );
    const trace = received.traces[0] as OtlpSpanItem;
    expect(trace.span.name).toBe('GET /cart');
    expect(Buffer.from(trace.span.traceId ?? []).toString('hex')).toBe('07'.repeat(16));
    expect(attributesToJson(trace.resource.attributes)).toEqual({ 'service.name': 'cart' });
    const record = received.logs[0] as LogItem;
    expect(anyValueToJson(record.record.body)).toBe('checkout done');
    expect(record.record.severityText).toBe('INFO');
    const key = (name: string, labels: Record<string, string>) =>
      `${name}{${Object.keys(labels)
        .sort()
        .filter((label) => label !== 'job' && label !== 'instance')
        .map((label) => `${label}=${labels[label]}`)
        .join(',')}}`;
    const byName = Object.fromEntries(received.metrics.map((item) => [key(item.name, item.labels), item.value]));
    expect(new Set(received.metrics.map((item) => `${item.labels['job']} ${item.labels['instance']}`))).toEqual(
      new Set(['shop/cart 10.0.0.5:8080']),
    );
    expect(byName).toMatchObject({
      'http_requests_total{code=200}': 42,
      'queue_depth{}': 3,
      'latency_seconds_bucket{le=0.1}': 4,
      'latency_seconds_bucket{le=+Inf}': 6,
      'latency_seconds_sum{}': 1.5,
      'latency_seconds_count{}': 6,
    });
  });

  async function scripted(statuses: number[]) {
    const requests: { url: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        requests.push({ url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
        response.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
  }

  it('retries 503 and 429, drops on other 4xx; sends the headers, gzip and the per-signal endpoint', async () => {
    const backend = await scripted([503, 429, 200, 400]);
    const { instance, context } = exporter(
      {
        endpoint: `${backend.url}/unused`,
        logs_endpoint: `${backend.url}/custom/logs`,
        headers: { Authorization: 'Bearer t0ken' },
        retry_on_failure: { initial_interval: '10ms', max_interval: '20ms' },
      },
      'logs',
    );
    await instance.start();
    instance.consume([log]);
    await eventually(
      () => backend.requests.length,
      (count) => count === 3,
    );
    instance.consume([log]);
    await eventually(
      () =>
        context.metrics.value('otelcol_exporter_dropped_log_records', {
          exporter: 'otlphttp',
          reason: 'permanent_error',
        }),
      (dropped) => dropped === 1,
    );
    const first = backend.requests[0];
    expect(first?.url).toBe('/custom/logs');
    expect(first?.headers['content-type']).toBe('application/x-protobuf');
    expect(first?.headers['content-encoding']).toBe('gzip');
    expect(first?.headers['authorization']).toBe('Bearer t0ken');
    expect(gunzipSync(first?.body ?? Buffer.alloc(0)).includes(Buffer.from('checkout done'))).toBe(true);
    expect(context.metrics.value('otelcol_exporter_sent_log_records', { exporter: 'otlphttp' })).toBe(1);
  });

  it('429 and 503 with Retry-After (seconds, HTTP date): the next attempt waits at least that long', async () => {
    const arrivals: number[] = [];
    const until = Math.ceil((Date.now() + 2500) / 1000) * 1000;
    const answers: [number, Record<string, string>][] = [
      [429, { 'retry-after': '1' }],
      [503, { 'retry-after': new Date(until).toUTCString() }],
      [200, {}],
    ];
    const server: Server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        arrivals.push(Date.now());
        const [status, headers] = answers.shift() ?? [200, {}];
        response.writeHead(status, headers).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { instance, context } = exporter(
      {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        retry_on_failure: { initial_interval: '10ms', max_interval: '20ms' },
      },
      'logs',
    );
    await instance.start();
    instance.consume([log]);
    await eventually(
      () => context.metrics.value('otelcol_exporter_sent_log_records', { exporter: 'otlphttp' }),
      (sent) => sent === 1,
      10_000,
    );
    expect(arrivals).toHaveLength(3);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1000);
    expect(arrivals[2]!).toBeGreaterThanOrEqual(until - 50);
    expect(context.logger.lines.some((line) => line.includes('(Retry-After 1)'))).toBe(true);
  });

  it('refuses what it cannot do, naming the key', () => {
    const failure = (raw: Record<string, unknown>) => {
      try {
        readOtlpHttpSettings(new Settings(raw, 'exporters.otlphttp'));
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(failure({})).toBe('at least one endpoint must be specified');
    expect(failure({ endpoint: 'http://x', encoding: 'json' })).toMatch(/encoding "json" is not supported/);
    expect(failure({ endpoint: 'http://x', compression: 'zstd' })).toMatch(/compression "zstd" is not supported/);
    expect(failure({ endpoint: 'http://x', compression: 'none' })).toBe('accepted');
  });
});
