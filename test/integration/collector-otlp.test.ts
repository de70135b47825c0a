import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import * as grpc from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { loadOtlpCodec, type OtlpCodec } from '../../src/collector/receivers/otlp/codec.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import { startCollectorAwsSandbox, type CollectorAwsSandbox } from '../helpers/collector-aws.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

/** A trace id as the AWS X-Ray id generator makes it: the first 4 bytes are the epoch seconds. */
function xrayStyleTraceId(): Buffer {
  const id = randomBytes(16);
  id.writeUInt32BE(Math.floor(Date.now() / 1000), 0);
  return id;
}

function nanos(offsetMs = 0): string {
  return String(BigInt(Date.now() + offsetMs) * 1_000_000n);
}

/** A server span and its client child, as an instrumented HTTP service reports one request. */
function traceRequest(service: string, traceId: Buffer) {
  const serverId = randomBytes(8);
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 'manual' },
            spans: [
              {
                traceId,
                spanId: serverId,
                name: 'GET /cart',
                kind: 2,
                startTimeUnixNano: nanos(-300),
                endTimeUnixNano: nanos(),
                attributes: [
                  { key: 'http.method', value: { stringValue: 'GET' } },
                  { key: 'http.url', value: { stringValue: 'http://shop/cart' } },
                  { key: 'http.status_code', value: { intValue: '200' } },
                ],
              },
              {
                traceId,
                spanId: randomBytes(8),
                parentSpanId: serverId,
                name: 'SELECT carts',
                kind: 3,
                startTimeUnixNano: nanos(-200),
                endTimeUnixNano: nanos(-100),
                attributes: [{ key: 'peer.service', value: { stringValue: 'cart-db' } }],
              },
            ],
          },
        ],
      },
    ],
  };
}

/** The same request in OTLP/JSON: hex ids, int64 as strings. */
function asOtlpJson(request: ReturnType<typeof traceRequest>): string {
  return JSON.stringify(request, function (this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    return original instanceof Uint8Array ? Buffer.from(original).toString('hex') : value;
  });
}

function grpcExport(address: string, path: string, body: Uint8Array): Promise<Buffer> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (value: Buffer) => value,
      (value: Buffer) => value,
      Buffer.from(body),
      (error, response) => {
        client.close();
        if (error) reject(error);
        else resolve(response ?? Buffer.alloc(0));
      },
    );
  });
}

const config = (metricsFile: string, tracesFile: string) => `
receivers:
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:0
        max_request_body_size: 65536
  otlp/grpc:
    protocols:
      grpc:
        endpoint: 127.0.0.1:0
  otlp/indexed:
    protocols:
      http:
        endpoint: 127.0.0.1:0
  otlp/all:
    protocols:
      http:
        endpoint: 127.0.0.1:0
processors:
  batch/traces:
    timeout: 50ms
    send_batch_size: 50
exporters:
  awsxray:
    region: us-east-1
  awsxray/indexed:
    region: us-east-1
    indexed_attributes: [http.route]
  awsxray/all:
    region: us-east-1
    index_all_attributes: true
  file:
    path: ${metricsFile}
  file/traces:
    path: ${tracesFile}
service:
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    traces:
      receivers: [otlp, otlp/grpc]
      processors: [batch/traces]
      exporters: [awsxray, file/traces]
    traces/indexed:
      receivers: [otlp/indexed]
      exporters: [awsxray/indexed]
    traces/all:
      receivers: [otlp/all]
      exporters: [awsxray/all]
    metrics:
      receivers: [otlp, otlp/grpc]
      exporters: [file]
`;

/** One server span with attributes of its own, one of them listed in aws.xray.annotations. */
function attributedRequest(traceId: Buffer) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc-indexing' } }] },
        scopeSpans: [
          {
            scope: { name: 'manual' },
            spans: [
              {
                traceId,
                spanId: randomBytes(8),
                name: 'GET /cart/{id}',
                kind: 2,
                startTimeUnixNano: nanos(-100),
                endTimeUnixNano: nanos(),
                attributes: [
                  { key: 'http.route', value: { stringValue: '/cart/{id}' } },
                  { key: 'app.user-id', value: { stringValue: 'u-42' } },
                  { key: 'cart.items', value: { intValue: '3' } },
                  { key: 'aws.xray.annotations', value: { arrayValue: { values: [{ stringValue: 'cart.items' }] } } },
                ],
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('collector: otlp receiver -> batch -> awsxray exporter -> sandbox X-Ray', () => {
  let sandbox: CollectorAwsSandbox;
  let collector: RunningCollector;
  let xray: XRayClient;
  let codec: OtlpCodec;
  let dir: string;
  let httpUrl: string;
  let grpcAddress: string;

  beforeAll(async () => {
    sandbox = await startCollectorAwsSandbox({});
    xray = new XRayClient({ ...sandbox.clientConfig, maxAttempts: 1 });
    codec = await loadOtlpCodec();
    dir = await mkdtemp(join(tmpdir(), 'adot-otlp-'));
    const { config: prepared } = prepareConfigText(
      config(join(dir, 'metrics.jsonl'), join(dir, 'traces.jsonl')),
      'otel.yaml',
      sandbox.env,
    );
    collector = await startCollector({
      config: prepared,
      env: sandbox.env,
      logger: memoryLogger(),
      shutdownTimeoutMs: 5_000,
    });
    httpUrl = `http://${collector.receiverAddress('otlp')}`;
    grpcAddress = collector.receiverAddress('otlp/grpc') ?? '';
  });

  afterAll(async () => {
    await collector?.shutdown();
    xray?.destroy();
    await sandbox?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('takes spans over HTTP protobuf (plain and gzip), HTTP JSON and gRPC, and X-Ray finds every trace', async () => {
    const ids = {
      protobuf: xrayStyleTraceId(),
      gzip: xrayStyleTraceId(),
      json: xrayStyleTraceId(),
      grpc: xrayStyleTraceId(),
    };
    const post = (body: Uint8Array | string, headers: Record<string, string>) =>
      fetch(`${httpUrl}/v1/traces`, { method: 'POST', headers, body });

    const protobuf = await post(codec.encodeRequest('traces', traceRequest('svc-protobuf', ids.protobuf)), {
      'content-type': 'application/x-protobuf',
    });
    expect(protobuf.status).toBe(200);
    expect(protobuf.headers.get('content-type')).toBe('application/x-protobuf');
    expect((await protobuf.arrayBuffer()).byteLength).toBe(0);

    const gzip = await post(gzipSync(codec.encodeRequest('traces', traceRequest('svc-gzip', ids.gzip))), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(gzip.status).toBe(200);

    const json = await post(asOtlpJson(traceRequest('svc-json', ids.json)), {
      'content-type': 'application/json; charset=utf-8',
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({});

    const answer = await grpcExport(
      grpcAddress,
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      codec.encodeRequest('traces', traceRequest('svc-grpc', ids.grpc)),
    );
    expect(codec.decodeResponse('traces', answer)).toEqual({});

    await eventually(
      () => sandbox.xray.segmentCount(),
      (count) => count === 8,
    );
    const now = Date.now();
    const summaries = await xray.send(
      new GetTraceSummariesCommand({ StartTime: new Date(now - 300_000), EndTime: new Date(now + 60_000) }),
    );
    for (const [transport, id] of Object.entries(ids)) {
      const hex = id.toString('hex');
      const xrayId = `1-${hex.slice(0, 8)}-${hex.slice(8)}`;
      const summary = summaries.TraceSummaries?.find((item) => item.Id === xrayId);
      expect(summary?.EntryPoint?.Name, transport).toBe(`svc-${transport}`);
      expect(summary?.Http?.HttpStatus).toBe(200);
      const traces = await xray.send(new BatchGetTracesCommand({ TraceIds: [xrayId] }));
      const documents = (traces.Traces?.[0]?.Segments ?? []).map(
        (item) => JSON.parse(item.Document ?? '{}') as { name: string; type?: string },
      );
      expect(documents.map((item) => `${item.name}:${item.type ?? 'segment'}`).sort()).toEqual([
        `cart-db:subsegment`,
        `svc-${transport}:segment`,
      ]);
    }

    const metrics = await (await fetch(`http://${collector.telemetryAddress}/metrics`)).text();
    expect(metrics).toContain('otelcol_receiver_accepted_spans{receiver="otlp",transport="http"} 6');
    expect(metrics).toContain('otelcol_receiver_accepted_spans{receiver="otlp/grpc",transport="grpc"} 2');
    expect(metrics).toContain('otelcol_exporter_sent_spans{exporter="awsxray"} 8');
  });

  it('answers partial success for spans X-Ray cannot take, and passes metrics on as samples', async () => {
    const request = traceRequest('svc-partial', xrayStyleTraceId());
    const spans = request.resourceSpans[0]?.scopeSpans[0]?.spans ?? [];
    spans.push({ ...(spans[0] as (typeof spans)[number]), traceId: Buffer.alloc(16), spanId: randomBytes(8) });
    const response = await fetch(`${httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: codec.encodeRequest('traces', request),
    });
    expect(response.status).toBe(200);
    const decoded = codec.decodeResponse('traces', new Uint8Array(await response.arrayBuffer()));
    expect(decoded.partialSuccess?.rejectedSpans).toBe('1');
    expect(decoded.partialSuccess?.errorMessage).toMatch(/trace id/);

    const metricsRequest = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cart' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'cart.items',
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [{ asInt: '5', timeUnixNano: nanos() }],
                  },
                },
              ],
            },
          ],
        },
      ],
    };
    const grpcAnswer = await grpcExport(
      grpcAddress,
      '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
      codec.encodeRequest('metrics', metricsRequest),
    );
    expect(codec.decodeResponse('metrics', grpcAnswer)).toEqual({});
    const file = join(dir, 'metrics.jsonl');
    const lines = await eventually(
      async () =>
        (await readFile(file, 'utf8').catch(() => ''))
          .trim()
          .split('\n')
          .filter((line) => line !== ''),
      (found) => found.length >= 1,
    );
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      name: 'cart_items_total',
      family: 'cart_items',
      type: 'counter',
      labels: { job: 'cart' },
      value: 5,
    });
  });

  it('refuses what it cannot take with the OTLP/HTTP and gRPC status codes', async () => {
    const post = (path: string, body: Uint8Array | string, headers: Record<string, string>, method = 'POST') =>
      fetch(`${httpUrl}${path}`, { method, headers, ...(method === 'POST' ? { body } : {}) });

    const garbage = await post('/v1/traces', Buffer.from([0x0a, 0xff, 0x01]), {
      'content-type': 'application/x-protobuf',
    });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toBe('application/x-protobuf');
    // google.rpc.Status{code: 3 INVALID_ARGUMENT, message: …}
    expect(
      Buffer.from(await garbage.arrayBuffer())
        .subarray(0, 2)
        .toString('hex'),
    ).toBe('0803');
    const badJson = await post('/v1/traces', '{"resourceSpans": [', { 'content-type': 'application/json' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { code: number; message: string }).message).toMatch(/not JSON/);
    expect((await post('/v1/traces', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post('/v1/logs', '{}', { 'content-type': 'application/json' })).status).toBe(404);
    expect((await post('/v1/traces', '', { 'content-type': 'application/json' }, 'GET')).status).toBe(405);
    expect((await post('/v1/traces', Buffer.alloc(70_000), { 'content-type': 'application/x-protobuf' })).status).toBe(
      413,
    );
    expect(
      (
        await post('/v1/traces', gzipSync(Buffer.alloc(70_000)), {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'gzip',
        })
      ).status,
    ).toBe(413);
    expect(
      (await post('/v1/traces', 'x', { 'content-type': 'application/json', 'content-encoding': 'br' })).status,
    ).toBe(415);

    await expect(
      grpcExport(
        grpcAddress,
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        Buffer.from([0x0a, 0xff, 0x01]),
      ),
    ).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
    await expect(
      grpcExport(grpcAddress, '/opentelemetry.proto.collector.logs.v1.LogsService/Export', Buffer.alloc(0)),
    ).rejects.toMatchObject({
      code: grpc.status.UNIMPLEMENTED,
    });
  });

  it('indexes attributes as each awsxray exporter is configured (ADOT defaults, indexed_attributes, index_all_attributes), and a file exporter of the same pipeline writes span items', async () => {
    const ids = { otlp: xrayStyleTraceId(), 'otlp/indexed': xrayStyleTraceId(), 'otlp/all': xrayStyleTraceId() };
    for (const [receiver, id] of Object.entries(ids)) {
      const response = await fetch(`http://${collector.receiverAddress(receiver)}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: codec.encodeRequest('traces', attributedRequest(id)),
      });
      expect(response.status, receiver).toBe(200);
    }
    const documentOf = async (id: Buffer) => {
      const hex = id.toString('hex');
      const traces = await eventually(
        () => xray.send(new BatchGetTracesCommand({ TraceIds: [`1-${hex.slice(0, 8)}-${hex.slice(8)}`] })),
        (answer) => (answer.Traces?.[0]?.Segments ?? []).length === 1,
      );
      return JSON.parse(traces.Traces?.[0]?.Segments?.[0]?.Document ?? '{}') as {
        name?: string;
        annotations?: Record<string, unknown>;
        metadata?: { default?: Record<string, unknown> };
      };
    };

    const byDefault = await documentOf(ids.otlp);
    expect(byDefault.name).toBe('svc-indexing');
    // segments carry the resource as metadata otel.resource.* (annotations under index_all_attributes); annotation
    // keys keep their dots (exporter.xray.allowDot, on by default)
    const resource = { 'otel.resource.service.name': 'svc-indexing' };
    expect(byDefault.annotations).toEqual({ 'cart.items': 3 });
    expect(byDefault.metadata).toEqual({ default: { ...resource, 'http.route': '/cart/{id}', 'app.user-id': 'u-42' } });

    const indexed = await documentOf(ids['otlp/indexed']);
    expect(indexed.annotations).toEqual({ 'http.route': '/cart/{id}', 'cart.items': 3 });
    expect(indexed.metadata).toEqual({ default: { ...resource, 'app.user-id': 'u-42' } });

    const all = await documentOf(ids['otlp/all']);
    expect(all.annotations).toEqual({
      ...resource,
      'http.route': '/cart/{id}',
      'app.user_id': 'u-42',
      'cart.items': 3,
    });
    expect(all.metadata).toBeUndefined();

    const lines = await eventually(
      async () =>
        (await readFile(join(dir, 'traces.jsonl'), 'utf8').catch(() => ''))
          .split('\n')
          .slice(0, -1) // complete lines only: what follows the last newline may be half written
          .map((line) => JSON.parse(line) as { resource: Record<string, unknown>; span: Record<string, unknown> }),
      (found) => found.some((line) => line.span.traceId === ids.otlp.toString('hex')),
    );
    // everything the default pipeline took: 8 + 2 spans of the tests before, and this one
    expect(lines).toHaveLength(11);
    expect(lines.find((line) => line.span.traceId === ids.otlp.toString('hex'))).toMatchObject({
      resource: { 'service.name': 'svc-indexing' },
      scope: { name: 'manual' },
      span: {
        name: 'GET /cart/{id}',
        kind: 'server',
        attributes: {
          'http.route': '/cart/{id}',
          'app.user-id': 'u-42',
          'cart.items': 3,
          'aws.xray.annotations': ['cart.items'],
        },
        status: { code: 'unset' },
      },
    });
  });
});
