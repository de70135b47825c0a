/**
 * The OTLP codec (src/collector/receivers/otlp/codec.ts over descriptor.ts) against an encoder no one here wrote: the
 * OpenTelemetry JS SDK's own protobuf serializers (@opentelemetry/otlp-transformer, which writes the wire format by
 * hand from the opentelemetry-proto field numbers, without protobufjs). The SDK records spans, metrics and log
 * records, the transformer encodes them as an SDK exporter would send them, and the codec must read back every field
 * the SDK set; the codec's responses must read back through the transformer's response decoder. The codec's request
 * encoder (the otlphttp exporter's) shares the descriptor these tests pin.
 * https://github.com/open-telemetry/opentelemetry-js/tree/main/experimental/packages/otlp-transformer
 */
import { createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import {
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { loadOtlpCodec } from '../../src/collector/receivers/otlp/codec.js';
import type { AnyValue, KeyValue } from '../../src/collector/translate/otlp-types.js';

const TRACE_ID = '5f5a2a3b0123456789abcdef01234567';
const PARENT_ID = '53995c3f42cd8ad8';
const LINKED_SPAN_ID = '00f067aa0ba902b7';
const resource = resourceFromAttributes({ 'service.name': 'checkout', 'service.instance.id': 'pod-1' });

const nanos = ([seconds, nanoseconds]: [number, number]): string =>
  String(BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds));
const hex = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString('hex');

/** the decoded attributes as a plain record: key -> the one AnyValue field set */
function attributes(list: KeyValue[] | undefined): Record<string, unknown> {
  const plain = (value: AnyValue | undefined): unknown => {
    if (value?.arrayValue) return value.arrayValue.values.map(plain);
    if (value?.kvlistValue) return attributes(value.kvlistValue.values);
    if (value?.bytesValue) return { bytes: hex(value.bytesValue) };
    return value?.stringValue ?? value?.boolValue ?? (value?.intValue ? { int: value.intValue } : value?.doubleValue);
  };
  return Object.fromEntries((list ?? []).map((pair) => [pair.key, plain(pair.value)]));
}

async function recordedSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    spanLimits: { attributeCountLimit: 7 },
  });
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: PARENT_ID,
    traceFlags: TraceFlags.SAMPLED,
    traceState: createTraceState('vendor=blue'),
  });
  const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.52.0');
  const span = tracer.startSpan(
    'GET /cart',
    {
      kind: SpanKind.SERVER,
      startTime: [1700000000, 123456789],
      attributes: { 'http.method': 'GET', 'http.status_code': 200, retry: true, ratio: 0.25, tags: ['a', 'b'] },
      links: [
        {
          context: { traceId: TRACE_ID, spanId: LINKED_SPAN_ID, traceFlags: TraceFlags.NONE },
          attributes: { reason: 'fan-in' },
        },
      ],
    },
    parent,
  );
  span.setAttribute('big', -9007199254740991); // a negative int64: ten bytes of varint on the wire
  span.setAttribute('counted', 'yes');
  span.setAttribute('over.limit', 'dropped'); // the 8th attribute: the SDK drops it and counts it
  span.addEvent('exception', { 'exception.type': 'Boom' }, [1700000000, 200000000]);
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'cart unavailable' });
  span.end([1700000000, 223456789]);
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

describe('OTLP traces: the codec reads what the OpenTelemetry JS SDK sends', () => {
  it('reads every field of a span the SDK recorded and the transformer encoded', async () => {
    const spans = await recordedSpans();
    const body = ProtobufTraceSerializer.serializeRequest(spans)!;
    const decoded = (await loadOtlpCodec()).decodeTraces(body, 'protobuf');

    expect(decoded.resourceSpans).toHaveLength(1);
    const [resourceSpans] = decoded.resourceSpans;
    expect(attributes(resourceSpans!.resource?.attributes)).toMatchObject({
      'service.name': 'checkout',
      'service.instance.id': 'pod-1',
    });
    const [scopeSpans] = resourceSpans!.scopeSpans;
    expect(scopeSpans!.scope).toMatchObject({ name: '@opentelemetry/instrumentation-http', version: '0.52.0' });
    const [span] = scopeSpans!.spans;
    const sdkSpan = spans[0]!;
    expect(hex(span!.traceId)).toBe(TRACE_ID);
    expect(hex(span!.spanId)).toBe(sdkSpan.spanContext().spanId);
    expect(hex(span!.parentSpanId)).toBe(PARENT_ID);
    expect(span!.traceState).toBe('vendor=blue');
    expect(span!.name).toBe('GET /cart');
    expect(span!.kind).toBe(2); // SPAN_KIND_SERVER
    expect(span!.startTimeUnixNano).toBe('1700000000123456789');
    expect(span!.endTimeUnixNano).toBe('1700000000223456789');
    expect(attributes(span!.attributes)).toEqual({
      'http.method': 'GET',
      'http.status_code': { int: '200' },
      retry: true,
      ratio: 0.25,
      tags: ['a', 'b'],
      big: { int: '-9007199254740991' },
      counted: 'yes',
    });
    const raw = span as unknown as Record<string, unknown>;
    expect(raw.droppedAttributesCount).toBe(sdkSpan.droppedAttributesCount);
    expect(sdkSpan.droppedAttributesCount).toBe(1);
    // W3C flags of the span's own context (sampled), with the "has parent context is remote" bits OTLP adds
    expect(raw.flags).toBeGreaterThan(0);
    expect((raw.flags as number) & 0xff).toBe(TraceFlags.SAMPLED);
    expect(span!.events).toEqual([expect.objectContaining({ timeUnixNano: '1700000000200000000', name: 'exception' })]);
    expect(attributes(span!.events[0]!.attributes)).toEqual({ 'exception.type': 'Boom' });
    expect(span!.links).toHaveLength(1);
    expect(hex(span!.links[0]!.traceId)).toBe(TRACE_ID);
    expect(hex(span!.links[0]!.spanId)).toBe(LINKED_SPAN_ID);
    expect(attributes(span!.links[0]!.attributes)).toEqual({ reason: 'fan-in' });
    expect(span!.status).toEqual({ code: 2, message: 'cart unavailable' }); // STATUS_CODE_ERROR
  });

  it("answers with a partial success the SDK's response decoder reads", async () => {
    const codec = await loadOtlpCodec();
    const answer = codec.encodeResponse('traces', 'protobuf', { rejected: 3, message: 'no segment id' });
    const read = ProtobufTraceSerializer.deserializeResponse(answer);
    expect(read.partialSuccess).toMatchObject({ errorMessage: 'no segment id' });
    expect(Number(read.partialSuccess?.rejectedSpans)).toBe(3);
    const accepted = ProtobufTraceSerializer.deserializeResponse(codec.encodeResponse('traces', 'protobuf'));
    expect(accepted.partialSuccess).toBeUndefined();
  });
});

/** a reader the test collects from by hand, instead of on a timer */
class ManualReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

describe('OTLP metrics: the codec reads what the OpenTelemetry JS SDK sends', () => {
  it('reads a monotonic sum, a gauge and a histogram with their points', async () => {
    const reader = new ManualReader();
    const meter = new MeterProvider({ resource, readers: [reader] }).getMeter('shop', '1.2.3');
    meter.createCounter('orders', { description: 'orders placed', unit: '{order}' }).add(5, { region: 'eu' });
    meter.createGauge('queue.depth', { valueType: 1 /* DOUBLE */ }).record(2.5);
    const latency = meter.createHistogram('latency', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } });
    for (const value of [5, 50, 500]) latency.record(value, { route: '/cart' });
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);

    const body = ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!;
    const decoded = (await loadOtlpCodec()).decodeMetrics(body, 'protobuf');
    const [scope] = decoded.resourceMetrics[0]!.scopeMetrics;
    expect(attributes(decoded.resourceMetrics[0]!.resource?.attributes)).toMatchObject({ 'service.name': 'checkout' });
    expect(scope!.scope).toMatchObject({ name: 'shop', version: '1.2.3' });
    const byName = Object.fromEntries(scope!.metrics.map((metric) => [metric.name, metric]));

    expect(byName.orders).toMatchObject({ description: 'orders placed', unit: '{order}' });
    expect(byName.orders!.sum).toMatchObject({ isMonotonic: true, aggregationTemporality: 2 }); // CUMULATIVE
    const [ordered] = byName.orders!.sum!.dataPoints;
    expect(attributes(ordered!.attributes)).toEqual({ region: 'eu' });
    expect(Number(ordered!.asInt ?? ordered!.asDouble)).toBe(5);
    const sdkOrders = resourceMetrics.scopeMetrics[0]!.metrics.find((metric) => metric.descriptor.name === 'orders');
    expect(ordered!.startTimeUnixNano).toBe(nanos(sdkOrders!.dataPoints[0]!.startTime));
    expect(ordered!.timeUnixNano).toBe(nanos(sdkOrders!.dataPoints[0]!.endTime));

    expect(byName['queue.depth']!.gauge!.dataPoints[0]!.asDouble).toBe(2.5);

    expect(byName.latency).toMatchObject({ unit: 'ms' });
    expect(byName.latency!.histogram!.aggregationTemporality).toBe(2);
    const [histogram] = byName.latency!.histogram!.dataPoints;
    expect(attributes(histogram!.attributes)).toEqual({ route: '/cart' });
    expect(histogram).toMatchObject({ count: '3', sum: 555, explicitBounds: [10, 100], bucketCounts: ['1', '1', '1'] });
    const extremes = histogram as unknown as { min?: number; max?: number };
    expect([extremes.min, extremes.max]).toEqual([5, 500]);
  });

  it("answers with a partial success the SDK's response decoder reads", async () => {
    const codec = await loadOtlpCodec();
    const answer = codec.encodeResponse('metrics', 'protobuf', { rejected: 2, message: 'stale' });
    const read = ProtobufMetricsSerializer.deserializeResponse(answer);
    expect(read.partialSuccess).toMatchObject({ errorMessage: 'stale' });
    expect(Number(read.partialSuccess?.rejectedDataPoints)).toBe(2);
  });
});

describe('OTLP logs: the codec reads what the OpenTelemetry JS SDK sends', () => {
  it('reads a log record with its body, severity, times, ids and attributes', async () => {
    const exporter = new InMemoryLogRecordExporter();
    const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
    const spanContext = { traceId: TRACE_ID, spanId: PARENT_ID, traceFlags: TraceFlags.SAMPLED };
    provider.getLogger('shop-logs', '2.0.0').emit({
      timestamp: [1700000000, 5],
      observedTimestamp: [1700000001, 6],
      severityNumber: SeverityNumber.WARN,
      severityText: 'WARN',
      body: { message: 'cart slow', ms: 1500 },
      attributes: { 'http.route': '/cart' },
      eventName: 'cart.slow',
      context: trace.setSpanContext(ROOT_CONTEXT, spanContext),
    });
    await provider.forceFlush();
    const body = ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!;
    const decoded = (await loadOtlpCodec()).decodeLogs(body, 'protobuf');

    const [scope] = decoded.resourceLogs[0]!.scopeLogs;
    expect(attributes(decoded.resourceLogs[0]!.resource?.attributes)).toMatchObject({ 'service.name': 'checkout' });
    expect(scope!.scope).toMatchObject({ name: 'shop-logs', version: '2.0.0' });
    const [record] = scope!.logRecords;
    expect(record).toMatchObject({
      timeUnixNano: '1700000000000000005',
      observedTimeUnixNano: '1700000001000000006',
      severityNumber: 13, // SEVERITY_NUMBER_WARN
      severityText: 'WARN',
      eventName: 'cart.slow',
      flags: TraceFlags.SAMPLED,
    });
    expect(hex(record!.traceId)).toBe(TRACE_ID);
    expect(hex(record!.spanId)).toBe(PARENT_ID);
    expect(attributes(record!.body?.kvlistValue?.values)).toEqual({ message: 'cart slow', ms: { int: '1500' } });
    expect(attributes(record!.attributes)).toEqual({ 'http.route': '/cart' });
  });

  it("answers with a partial success the SDK's response decoder reads", async () => {
    const codec = await loadOtlpCodec();
    const read = ProtobufLogsSerializer.deserializeResponse(
      codec.encodeResponse('logs', 'protobuf', { rejected: 4, message: 'too old' }),
    );
    expect(read.partialSuccess).toMatchObject({ errorMessage: 'too old' });
    expect(Number(read.partialSuccess?.rejectedLogRecords)).toBe(4);
  });
});
