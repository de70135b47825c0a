import { describe, expect, it } from 'vitest';
import type { KeyValue, Span } from '../../src/collector/translate/otlp-types.js';
import { spanItemToSegment, type XRayTranslationOptions } from '../../src/collector/translate/spans-to-xray.js';
import { spanItems } from '../../src/collector/translate/span-items.js';
import type { XRaySegment } from '../../src/collector/model.js';
import { Settings } from '../../src/collector/config/settings.js';
import { readAwsXRayExporterSettings } from '../../src/collector/exporters/awsxray.js';
import { traceText } from '../../src/collector/exporters/item-text.js';
import { sanitizeSegmentName } from '../../src/collector/translate/xray-names.js';

const TRACE = Buffer.from('65a1b2c30123456789abcdef01234567', 'hex');
interface SegmentDocument {
  [field: string]: unknown;
  http?: { request?: Record<string, unknown>; response?: { status?: number } };
  cause?: { exceptions: { id: string; type?: string; message?: string; stack?: { label: string }[] }[] };
}

const INDEX_ALL: XRayTranslationOptions = { indexAllAttributes: true, indexedAttributes: [] };
/** The awsxray exporter's defaults, as ADOT's */
const ADOT_DEFAULTS: XRayTranslationOptions = { indexAllAttributes: false, indexedAttributes: [] };

function attrs(record: Record<string, string | number | boolean | string[]>): KeyValue[] {
  return Object.entries(record).map(([key, value]) => ({
    key,
    value: Array.isArray(value)
      ? { arrayValue: { values: value.map((item) => ({ stringValue: item })) } }
      : typeof value === 'string'
        ? { stringValue: value }
        : typeof value === 'boolean'
          ? { boolValue: value }
          : Number.isInteger(value)
            ? { intValue: String(value) }
            : { doubleValue: value },
  }));
}

function span(overrides: Partial<Span> = {}): Span {
  return {
    traceId: TRACE,
    spanId: Buffer.from('00f067aa0ba902b7', 'hex'),
    name: 'GET /cart',
    kind: 1,
    startTimeUnixNano: '1705096899123456789',
    endTimeUnixNano: '1705096899323456000',
    attributes: [],
    events: [],
    links: [],
    ...overrides,
  };
}

function documents(
  spans: Span[],
  resource: KeyValue[] = attrs({ 'service.name': 'cart-service' }),
  options = ADOT_DEFAULTS,
) {
  const { items, rejected, problem } = spanItems({
    resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ spans }] }],
  });
  const segments = items.map((item) => {
    const outcome = spanItemToSegment(item, options);
    if (!outcome.ok) throw new Error(outcome.problem);
    return outcome.segment;
  });
  return {
    rejected,
    problem,
    segments,
    docs: segments.map((segment: XRaySegment) => JSON.parse(segment.document) as SegmentDocument),
  };
}

describe('OTLP spans -> span items -> X-Ray segments', () => {
  it('turns a root span into a segment named after the service, with X-Ray ids and epoch-second times', () => {
    const { segments, docs } = documents([span()]);
    expect(segments[0]).toMatchObject({
      kind: 'xray-segment',
      traceId: '1-65a1b2c3-0123456789abcdef01234567',
      id: '00f067aa0ba902b7',
    });
    expect(docs[0]).toEqual({
      name: 'cart-service',
      id: '00f067aa0ba902b7',
      trace_id: '1-65a1b2c3-0123456789abcdef01234567',
      start_time: 1705096899.123456,
      end_time: 1705096899.323456,
    });
  });

  it('maps a server span with a remote parent: parent_id, http request/response, origin, aws and service version', () => {
    const { docs } = documents(
      [
        span({
          kind: 2,
          parentSpanId: Buffer.from('53995c3f42cd8ad8', 'hex'),
          attributes: attrs({
            'http.method': 'POST',
            'http.scheme': 'https',
            'http.host': 'shop.example.com',
            'http.target': '/cart/items',
            'http.status_code': 201,
            'http.user_agent': 'curl/8.0',
            'http.client_ip': '203.0.113.9',
          }),
        }),
      ],
      attrs({
        'service.name': 'cart-service',
        'service.version': '1.4.2',
        'cloud.platform': 'aws_eks',
        'cloud.account.id': '111122223333',
        'k8s.cluster.name': 'demo',
        'k8s.pod.name': 'cart-7d9f',
        'container.id': 'abc123',
        'telemetry.sdk.language': 'nodejs',
        'telemetry.sdk.version': '1.25.0',
        'aws.log.group.names': ['/eks/demo/cart'],
      }),
      INDEX_ALL,
    );
    const doc = docs[0];
    expect(doc?.name).toBe('cart-service');
    expect(doc?.parent_id).toBe('53995c3f42cd8ad8');
    expect(doc?.type).toBeUndefined();
    expect(doc?.origin).toBe('AWS::EKS::Container');
    expect(doc?.http).toEqual({
      request: {
        method: 'POST',
        url: 'https://shop.example.com/cart/items',
        client_ip: '203.0.113.9',
        user_agent: 'curl/8.0',
        x_forwarded_for: true,
      },
      response: { status: 201 },
    });
    expect(doc?.aws).toEqual({
      account_id: '111122223333',
      eks: { cluster_name: 'demo', pod: 'cart-7d9f', container_id: 'abc123' },
      cloudwatch_logs: [{ log_group: '/eks/demo/cart' }],
      xray: { sdk: 'opentelemetry for nodejs', sdk_version: '1.25.0' },
    });
    expect(doc?.service).toEqual({ version: '1.4.2' });
    // attributes the http block consumed are not repeated as annotations
    expect(doc?.annotations).toBeUndefined();
  });

  it('makes a client span with a parent an independent subsegment with its parent id, namespace and peer name', () => {
    const { docs } = documents([
      span({
        kind: 3,
        name: 'GET',
        parentSpanId: Buffer.from('1111111111111111', 'hex'),
        attributes: attrs({
          'peer.service': 'inventory',
          'http.request.method': 'GET',
          'url.full': 'http://inventory/items/1',
          'http.response.status_code': 200,
        }),
      }),
      span({
        kind: 3,
        name: 'DynamoDB.GetItem',
        spanId: Buffer.from('2222222222222222', 'hex'),
        parentSpanId: Buffer.from('1111111111111111', 'hex'),
        attributes: attrs({
          'rpc.system': 'aws-api',
          'rpc.service': 'DynamoDB',
          'aws.table_name': 'carts',
          'aws.region': 'us-east-1',
        }),
      }),
      span({
        kind: 1,
        name: 'render <cart>?',
        spanId: Buffer.from('3333333333333333', 'hex'),
        parentSpanId: Buffer.from('1111111111111111', 'hex'),
      }),
    ]);
    expect(docs[0]).toMatchObject({
      name: 'inventory',
      type: 'subsegment',
      parent_id: '1111111111111111',
      trace_id: '1-65a1b2c3-0123456789abcdef01234567',
      namespace: 'remote',
      http: { request: { method: 'GET', url: 'http://inventory/items/1' }, response: { status: 200 } },
    });
    expect(docs[1]).toMatchObject({
      name: 'DynamoDB',
      namespace: 'aws',
      aws: { table_name: 'carts', region: 'us-east-1' },
    });
    expect(docs[2]).toMatchObject({ name: 'render cart', type: 'subsegment' });
    expect(docs[2]?.namespace).toBeUndefined();
  });

  it('sets fault for 5xx and errors without an HTTP status, error for 4xx, throttle for 429, and the cause from exceptions', () => {
    const error = { code: 2, message: 'upstream failed' };
    const { docs } = documents([
      span({ status: error, attributes: attrs({ 'http.status_code': 503 }) }),
      span({ status: error, attributes: attrs({ 'http.status_code': 404 }) }),
      span({ status: error, attributes: attrs({ 'http.response.status_code': 429 }) }),
      span({
        status: error,
        events: [
          {
            name: 'exception',
            attributes: attrs({
              'exception.type': 'TypeError',
              'exception.message': 'x is undefined',
              'exception.stacktrace': 'TypeError: x\n    at f (a.js:1)',
            }),
          },
        ],
      }),
      span({ status: { code: 1 }, attributes: attrs({ 'http.status_code': 500 }) }),
    ]);
    expect(docs[0]).toMatchObject({ fault: true, cause: { exceptions: [{ message: 'upstream failed' }] } });
    expect(docs[0]?.error).toBeUndefined();
    expect(docs[1]).toMatchObject({ error: true });
    expect(docs[1]?.fault).toBeUndefined();
    expect(docs[2]).toMatchObject({ error: true, throttle: true });
    expect(docs[3]?.fault).toBe(true);
    expect(docs[3]?.cause?.exceptions).toHaveLength(1);
    expect(docs[3]?.cause?.exceptions[0]).toMatchObject({
      type: 'TypeError',
      message: 'x is undefined',
      stack: [{ label: 'TypeError: x' }, { label: 'at f (a.js:1)' }],
    });
    expect(docs[3]?.cause?.exceptions[0]?.id).toMatch(/^[0-9a-f]{16}$/);
    // a span that is not in error carries no flags, whatever its HTTP status
    expect(docs[4]?.fault).toBeUndefined();
    expect(docs[4]?.http?.response?.status).toBe(500);
  });

  it('with index_all_attributes, indexes annotatable attributes under sanitized keys and keeps the rest in metadata.default', () => {
    const attributes = [
      ...attrs({
        'app.user-id': 'u-42',
        'cart.items': 3,
        'cart.total': 19.5,
        'cart.gift': false,
        'cart.skus': ['a', 'b'],
      }),
      { key: 'big', value: { intValue: '9223372036854775807' } },
    ];
    const { docs } = documents([span({ attributes })], undefined, INDEX_ALL);
    expect(docs[0]?.annotations).toEqual({ app_user_id: 'u-42', cart_items: 3, cart_total: 19.5, cart_gift: false });
    expect(docs[0]?.metadata).toEqual({ default: { 'cart.skus': ['a', 'b'], big: '9223372036854775807' } });

    const selective = documents(
      [
        span({
          attributes: [...attrs({ 'app.user-id': 'u-42', 'cart.items': 3, 'aws.xray.annotations': ['cart.items'] })],
        }),
      ],
      undefined,
      {
        indexAllAttributes: false,
        indexedAttributes: ['app.user-id'],
      },
    );
    expect(selective.docs[0]?.annotations).toEqual({ app_user_id: 'u-42', cart_items: 3 });
    expect(selective.docs[0]?.metadata).toBeUndefined();
  });

  it('with ADOT defaults, indexes only what aws.xray.annotations lists and keeps the rest in metadata.default', () => {
    const { docs } = documents([
      span({
        attributes: attrs({
          'http.route': '/cart/{id}',
          'app.user-id': 'u-42',
          'cart.items': 3,
          'aws.xray.annotations': ['cart.items'],
        }),
      }),
      span({ spanId: Buffer.from('4444444444444444', 'hex'), attributes: attrs({ 'http.route': '/health' }) }),
    ]);
    expect(docs[0]?.annotations).toEqual({ cart_items: 3 });
    expect(docs[0]?.metadata).toEqual({ default: { 'http.route': '/cart/{id}', 'app.user-id': 'u-42' } });
    expect(docs[1]?.annotations).toBeUndefined();
    expect(docs[1]?.metadata).toEqual({ default: { 'http.route': '/health' } });
  });

  it('with indexed_attributes, indexes the named attributes besides those the span lists', () => {
    const { docs } = documents(
      [
        span({
          attributes: attrs({
            'http.route': '/cart/{id}',
            'app.user-id': 'u-42',
            'cart.items': 3,
            'aws.xray.annotations': ['cart.items'],
          }),
        }),
      ],
      undefined,
      { indexAllAttributes: false, indexedAttributes: ['http.route'] },
    );
    expect(docs[0]?.annotations).toEqual({ http_route: '/cart/{id}', cart_items: 3 });
    expect(docs[0]?.metadata).toEqual({ default: { 'app.user-id': 'u-42' } });
  });

  it('refuses spans whose ids break the OTLP rules, and keeps the rest', () => {
    const result = documents([
      span({ traceId: Buffer.alloc(16) }),
      span({ spanId: Buffer.from('0102', 'hex') }),
      span({ parentSpanId: Buffer.from('01', 'hex') }),
      span(),
    ]);
    expect(result.rejected).toBe(3);
    expect(result.problem).toMatch(/trace id/);
    expect(result.segments).toHaveLength(1);
  });

  it('sanitizes names to the characters X-Ray allows and at most 200 of them', () => {
    expect(sanitizeSegmentName('GET /api/{id}?q=<x>')).toBe('GET /api/idq=x');
    expect(sanitizeSegmentName('ünïcode-Dienst_1 @home')).toBe('ünïcode-Dienst_1 @home');
    expect(sanitizeSegmentName('x'.repeat(250))).toHaveLength(200);
    expect(sanitizeSegmentName('<>')).toBe('span');
  });

  it('the awsxray exporter indexes as ADOT by default and reads index_all_attributes / indexed_attributes', () => {
    const read = (values: Record<string, unknown>) =>
      readAwsXRayExporterSettings(new Settings({ region: 'us-east-1', ...values }, 'exporters.awsxray')).translation;
    expect(read({})).toEqual(ADOT_DEFAULTS);
    expect(read({ index_all_attributes: true, indexed_attributes: ['http.route'] })).toEqual({
      indexAllAttributes: true,
      indexedAttributes: ['http.route'],
    });
    expect(() => read({ indexed_attributes: 'http.route' })).toThrow(
      expect.objectContaining({ path: 'exporters.awsxray.indexed_attributes' }),
    );
    expect(() => read({ index_all_attributes: 'yes' })).toThrow(
      expect.objectContaining({ path: 'exporters.awsxray.index_all_attributes' }),
    );
  });

  it('prints a span item as one JSON line of its own shape, and a daemon segment as it arrived', () => {
    const { items } = spanItems({
      resourceSpans: [
        {
          resource: { attributes: attrs({ 'service.name': 'cart-service' }) },
          scopeSpans: [
            {
              scope: { name: 'manual', version: '1.0', attributes: [] },
              spans: [
                span({
                  kind: 2,
                  parentSpanId: Buffer.from('53995c3f42cd8ad8', 'hex'),
                  attributes: attrs({ 'http.route': '/cart' }),
                  status: { code: 2, message: 'boom' },
                }),
              ],
            },
          ],
        },
      ],
    });
    const item = items[0];
    if (item === undefined) throw new Error('no span item');
    const line = traceText.json(item);
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      resource: { 'service.name': 'cart-service' },
      scope: { name: 'manual', version: '1.0', attributes: {} },
      span: {
        traceId: '65a1b2c30123456789abcdef01234567',
        spanId: '00f067aa0ba902b7',
        parentSpanId: '53995c3f42cd8ad8',
        name: 'GET /cart',
        kind: 'server',
        startTimeUnixNano: '1705096899123456789',
        endTimeUnixNano: '1705096899323456000',
        attributes: { 'http.route': '/cart' },
        status: { code: 'error', message: 'boom' },
      },
    });
    expect(traceText.line(item)).toBe('span 00f067aa0ba902b7 trace 65a1b2c30123456789abcdef01234567 GET /cart');
    const daemon: XRaySegment = { kind: 'xray-segment', traceId: 't', id: 'i', document: '{"name":"a" }' };
    expect(traceText.json(daemon)).toBe('{"name":"a" }');
  });
});
