import { describe, expect, it } from 'vitest';
import { loadOtlpCodec, OtlpDecodeError } from '../../src/collector/receivers/otlp/codec.js';

const traceId = Buffer.from('5f5a2a3b0123456789abcdef01234567', 'hex');
const spanId = Buffer.from('00f067aa0ba902b7', 'hex');
const parentId = Buffer.from('53995c3f42cd8ad8', 'hex');

/** An export request as the OpenTelemetry JS SDK builds it, in protobufjs object form. */
const objectRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeSpans: [
        {
          scope: { name: '@opentelemetry/instrumentation-http', version: '0.52.0' },
          spans: [
            {
              traceId,
              spanId,
              parentSpanId: parentId,
              name: 'GET /cart',
              kind: 2,
              startTimeUnixNano: '1700000000123456789',
              endTimeUnixNano: '1700000000223456789',
              attributes: [
                { key: 'http.method', value: { stringValue: 'GET' } },
                { key: 'http.status_code', value: { intValue: '200' } },
                { key: 'retry', value: { boolValue: true } },
                { key: 'ratio', value: { doubleValue: 0.25 } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } },
                { key: 'owner', value: { kvlistValue: { values: [{ key: 'team', value: { stringValue: 'shop' } }] } } },
                { key: 'raw', value: { bytesValue: Buffer.from([1, 2, 3]) } },
              ],
              events: [
                {
                  timeUnixNano: '1700000000200000000',
                  name: 'exception',
                  attributes: [{ key: 'exception.type', value: { stringValue: 'Boom' } }],
                },
              ],
              status: { code: 2, message: 'failed' },
            },
          ],
        },
      ],
    },
  ],
};

/** The same request as an OTLP/JSON exporter sends it: hex ids, int64 as strings or numbers, enums as integers. */
const jsonRequest = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeSpans: [
        {
          scope: { name: '@opentelemetry/instrumentation-http', version: '0.52.0' },
          spans: [
            {
              traceId: '5F5A2A3B0123456789ABCDEF01234567',
              spanId: '00f067aa0ba902b7',
              parentSpanId: '53995c3f42cd8ad8',
              name: 'GET /cart',
              kind: 2,
              startTimeUnixNano: '1700000000123456789',
              endTimeUnixNano: '1700000000223456789',
              attributes: [
                { key: 'http.method', value: { stringValue: 'GET' } },
                { key: 'http.status_code', value: { intValue: 200 } },
                { key: 'retry', value: { boolValue: true } },
                { key: 'ratio', value: { doubleValue: 0.25 } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } },
                { key: 'owner', value: { kvlistValue: { values: [{ key: 'team', value: { stringValue: 'shop' } }] } } },
                { key: 'raw', value: { bytesValue: 'AQID' } },
              ],
              events: [
                {
                  timeUnixNano: '1700000000200000000',
                  name: 'exception',
                  attributes: [{ key: 'exception.type', value: { stringValue: 'Boom' } }],
                },
              ],
              status: { code: 2, message: 'failed' },
              unknownFutureField: 'ignored',
            },
          ],
        },
      ],
    },
  ],
};

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
/** Buffers compared by content, whatever Uint8Array subclass the decoder hands back. */
const plain = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, function (this: Record<string, unknown>, key: string, item: unknown) {
      // the holder's own value: JSON.stringify has already applied Buffer#toJSON to `item`
      const original = this[key];
      return original instanceof Uint8Array ? Buffer.from(original).toString('hex') : item;
    }),
  );

describe('OTLP codec', () => {
  it('decodes a protobuf traces request with every attribute value kind', async () => {
    const codec = await loadOtlpCodec();
    const decoded = codec.decodeTraces(codec.encodeRequest('traces', objectRequest), 'protobuf');
    const span = decoded.resourceSpans[0]?.scopeSpans[0]?.spans[0];
    expect(Buffer.from(span?.traceId ?? []).toString('hex')).toBe('5f5a2a3b0123456789abcdef01234567');
    expect(Buffer.from(span?.parentSpanId ?? []).toString('hex')).toBe('53995c3f42cd8ad8');
    expect(span?.kind).toBe(2);
    expect(span?.startTimeUnixNano).toBe('1700000000123456789');
    expect(span?.status).toEqual({ code: 2, message: 'failed' });
    expect(plain(span?.attributes)).toEqual([
      { key: 'http.method', value: { stringValue: 'GET' } },
      { key: 'http.status_code', value: { intValue: '200' } },
      { key: 'retry', value: { boolValue: true } },
      { key: 'ratio', value: { doubleValue: 0.25 } },
      { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } },
      { key: 'owner', value: { kvlistValue: { values: [{ key: 'team', value: { stringValue: 'shop' } }] } } },
      { key: 'raw', value: { bytesValue: '010203' } },
    ]);
    expect(span?.events[0]?.name).toBe('exception');
    expect(decoded.resourceSpans[0]?.scopeSpans[0]?.scope?.name).toBe('@opentelemetry/instrumentation-http');
  });

  it('decodes OTLP/JSON (hex ids, numeric int64, unknown fields) to exactly what the protobuf form decodes to', async () => {
    const codec = await loadOtlpCodec();
    const fromProtobuf = codec.decodeTraces(codec.encodeRequest('traces', objectRequest), 'protobuf');
    const fromJson = codec.decodeTraces(json(jsonRequest), 'json');
    expect(plain(fromJson)).toEqual(plain(fromProtobuf));
  });

  it('decodes metrics requests with packed bucket counts and proto3 optional sums', async () => {
    const codec = await loadOtlpCodec();
    const request = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'latency',
                  unit: 's',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [
                      {
                        timeUnixNano: '1700000000000000000',
                        count: '3',
                        sum: 0,
                        bucketCounts: ['1', '2'],
                        explicitBounds: [0.5],
                      },
                    ],
                  },
                },
                { name: 'up', gauge: { dataPoints: [{ asInt: '-1', timeUnixNano: '1700000000000000000' }] } },
              ],
            },
          ],
        },
      ],
    };
    const decoded = codec.decodeMetrics(codec.encodeRequest('metrics', request), 'protobuf');
    const [histogram, gauge] = decoded.resourceMetrics[0]?.scopeMetrics[0]?.metrics ?? [];
    expect(histogram?.histogram?.dataPoints[0]).toMatchObject({
      count: '3',
      sum: 0,
      bucketCounts: ['1', '2'],
      explicitBounds: [0.5],
    });
    expect(gauge?.gauge?.dataPoints[0]?.asInt).toBe('-1');
    expect(plain(codec.decodeMetrics(json(request), 'json'))).toEqual(plain(decoded));
  });

  it('refuses bodies that are not the request they claim to be', async () => {
    const codec = await loadOtlpCodec();
    expect(() => codec.decodeTraces(Buffer.from([0x0a, 0xff, 0x01]), 'protobuf')).toThrow(OtlpDecodeError);
    expect(() => codec.decodeTraces(Buffer.from('{"resourceSpans": ['), 'json')).toThrow(/not JSON/);
    expect(() => codec.decodeTraces(json([1, 2]), 'json')).toThrow(OtlpDecodeError);
    expect(() => codec.decodeTraces(json({ resourceSpans: 5 }), 'json')).toThrow(OtlpDecodeError);
    expect(() =>
      codec.decodeTraces(json({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'xyz' }] }] }] }), 'json'),
    ).toThrow(/not a hex string/);
  });

  it('encodes responses with partial success in the request encoding, and status bodies', async () => {
    const codec = await loadOtlpCodec();
    expect(codec.encodeResponse('traces', 'protobuf').byteLength).toBe(0);
    const partial = codec.encodeResponse('traces', 'protobuf', { rejected: 2, message: 'bad ids' });
    expect(codec.decodeResponse('traces', partial)).toEqual({
      partialSuccess: { rejectedSpans: '2', errorMessage: 'bad ids' },
    });
    const metrics = Buffer.from(codec.encodeResponse('metrics', 'json', { rejected: 1, message: 'delta' })).toString();
    expect(JSON.parse(metrics)).toEqual({ partialSuccess: { rejectedDataPoints: '1', errorMessage: 'delta' } });
    expect(JSON.parse(Buffer.from(codec.encodeStatus('json', 3, 'nope')).toString())).toEqual({
      code: 3,
      message: 'nope',
    });
    expect(Buffer.from(codec.encodeStatus('protobuf', 3, 'no')).toString('hex')).toBe('080312026e6f');
  });
});
