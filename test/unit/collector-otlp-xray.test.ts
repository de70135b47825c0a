import { describe, expect, it } from 'vitest';
import type { KeyValue, Span } from '../../src/collector/translate/otlp-types.js';
import { spanItemToSegment, type XRayTranslationOptions } from '../../src/collector/translate/spans-to-xray.js';
import { spanItems } from '../../src/collector/translate/span-items.js';
import type { XRaySegment } from '../../src/collector/model.js';
import { Settings } from '../../src/collector/config/settings.js';
import { readAwsXRayExporterSettings } from '../../src/collector/exporters/awsxray.js';
import { traceText } from '../../src/collector/exporters/item-text.js';
import { sanitizeAnnotationKey, sanitizeSegmentName } from '../../src/collector/translate/xray-names.js';

const TRACE = Buffer.from('65a1b2c30123456789abcdef01234567', 'hex');
interface SegmentDocument {
  [field: string]: unknown;
  http?: { request?: Record<string, unknown>; response?: { status?: number } };
  cause?: {
    exceptions: {
      id: string;
      type?: string;
      message?: string;
      stack?: { path: string; line: number; label: string }[];
    }[];
  };
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
  // segment.go, MakeSegment: only a server span takes its name from service.name; a root span of another kind is a
  // segment named after the span; fault/error/throttle are always written; the resource goes to metadata
  it('turns a root internal span into a segment named after the span, fields in the order the exporter writes them', () => {
    const { segments, docs } = documents([span()]);
    expect(segments[0]).toMatchObject({
      kind: 'xray-segment',
      traceId: '1-65a1b2c3-0123456789abcdef01234567',
      id: '00f067aa0ba902b7',
    });
    expect(Object.entries(docs[0] ?? {})).toEqual([
      ['name', 'GET /cart'],
      ['id', '00f067aa0ba902b7'],
      ['start_time', Number('1705096899123456789') / 1e9],
      ['trace_id', '1-65a1b2c3-0123456789abcdef01234567'],
      ['end_time', Number('1705096899323456000') / 1e9],
      ['fault', false],
      ['error', false],
      ['throttle', false],
      ['metadata', { default: { 'otel.resource.service.name': 'cart-service' } }],
    ]);
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
    // with index_all_attributes the resource is annotated too; attributes the http block consumed are not repeated
    expect(Object.keys(doc?.annotations ?? {}).every((key) => key.startsWith('otel.resource.'))).toBe(true);
    expect(doc?.metadata).toEqual({ default: { 'otel.resource.aws.log.group.names': ['/eks/demo/cart'] } });
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

  // cause.go, makeCause
  it('sets fault for 5xx and errors without an HTTP status, error for 4xx, throttle for 429, and the cause from exceptions', () => {
    const error = { code: 2, message: 'upstream failed' };
    const { docs } = documents(
      [
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
                'exception.stacktrace': 'TypeError: x\n    at f (a.js:1:7)',
              }),
            },
          ],
        }),
        span({ status: { code: 1 }, attributes: attrs({ 'http.status_code': 500 }) }),
      ],
      attrs({ 'service.name': 'cart-service', 'telemetry.sdk.language': 'javascript' }),
    );
    expect(docs[0]).toMatchObject({
      fault: true,
      error: false,
      throttle: false,
      cause: { exceptions: [{ message: 'upstream failed', type: '' }] },
    });
    expect(docs[1]).toMatchObject({ fault: false, error: true, throttle: false });
    expect(docs[2]).toMatchObject({ fault: false, error: true, throttle: true });
    expect(docs[3]?.fault).toBe(true);
    expect(docs[3]?.cause?.exceptions).toHaveLength(1);
    // fillJavaScriptStacktrace: frames after the first line, label up to the parenthesis, path and line inside it
    expect(docs[3]?.cause?.exceptions[0]).toMatchObject({
      message: 'x is undefined',
      type: 'TypeError',
      remote: false,
      stack: [{ path: 'a.js', line: 1, label: 'f ' }],
    });
    expect(Object.keys(docs[3]?.cause?.exceptions[0] ?? {})).toEqual(['id', 'message', 'type', 'remote', 'stack']);
    expect(docs[3]?.cause?.exceptions[0]?.id).toMatch(/^[0-9a-f]{16}$/);
    // the HTTP status decides when there is one: a 500 is a fault even with status OK
    expect(docs[4]).toMatchObject({ fault: true, error: false });
    expect(docs[4]?.cause).toBeUndefined();
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
    // fixAnnotationKey with exporter.xray.allowDot (beta, on): dots kept; attributes that cannot be annotations are
    // dropped under index_all_attributes
    expect(docs[0]?.annotations).toEqual({
      'otel.resource.service.name': 'cart-service',
      'app.user_id': 'u-42',
      'cart.items': 3,
      'cart.total': 19.5,
      'cart.gift': false,
    });
    expect(docs[0]?.metadata).toBeUndefined();

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
    expect(selective.docs[0]?.annotations).toEqual({ 'app.user_id': 'u-42', 'cart.items': 3 });
    expect(selective.docs[0]?.metadata).toEqual({ default: { 'otel.resource.service.name': 'cart-service' } });
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
    const resource = { 'otel.resource.service.name': 'cart-service' };
    expect(docs[0]?.annotations).toEqual({ 'cart.items': 3 });
    expect(docs[0]?.metadata).toEqual({ default: { ...resource, 'http.route': '/cart/{id}', 'app.user-id': 'u-42' } });
    expect(docs[1]?.annotations).toBeUndefined();
    expect(docs[1]?.metadata).toEqual({ default: { ...resource, 'http.route': '/health' } });
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
    expect(docs[0]?.annotations).toEqual({ 'http.route': '/cart/{id}', 'cart.items': 3 });
    expect(docs[0]?.metadata).toEqual({
      default: { 'otel.resource.service.name': 'cart-service', 'app.user-id': 'u-42' },
    });
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

// exporter/awsxrayexporter/internal/translator/segment_test.go, re-expressed: the same spans, the same assertions
describe('awsxray exporter: upstream segment cases', () => {
  const PARENT = Buffer.from('1f2e3d4c5b6a7988', 'hex');
  const RESOURCE = attrs({ 'service.name': 'signup_aggregator' });
  const one = (overrides: Partial<Span>) => documents([span(overrides)], RESOURCE).docs[0]!;
  const client = (name: string, attributes: Record<string, string | number>) =>
    one({ kind: 3, name, parentSpanId: PARENT, attributes: attrs(attributes) });
  const dynamo = {
    'http.method': 'POST',
    'http.scheme': 'https',
    'http.host': 'dynamodb.us-east-1.amazonaws.com',
    'http.target': '/',
    'aws.request_id': '18BO1FEPJSSAOGNJEDPTPCMIU7VV4KQNSO5AEMVJF66Q9ASUAAJG',
    'aws.table_name': 'otel-dev-Testing',
  };

  it('TestClientSpanWithRpcAwsSdkClientAttributes', () => {
    const doc = client('AmazonDynamoDB.getItem', {
      ...dynamo,
      'rpc.service': 'DynamoDB',
      'rpc.method': 'GetItem',
      'rpc.system': 'aws-api',
    });
    expect(doc).toMatchObject({
      name: 'DynamoDB',
      namespace: 'aws',
      aws: { operation: 'GetItem' },
      type: 'subsegment',
    });
    expect(JSON.stringify(doc)).not.toContain('user');
  });

  it('TestClientSpanWithLegacyAwsSdkClientAttributes', () => {
    const doc = client('AmazonDynamoDB.getItem', {
      ...dynamo,
      'aws.service': 'DynamoDB',
      'rpc.method': 'IncorrectAWSSDKOperation',
      'aws.operation': 'GetItem',
    });
    expect(doc).toMatchObject({
      name: 'DynamoDB',
      namespace: 'aws',
      aws: { operation: 'GetItem' },
      type: 'subsegment',
    });
  });

  it('TestClientSpanWithPeerService', () => {
    const doc = client('AmazonDynamoDB.getItem', {
      ...dynamo,
      'peer.service': 'cats-table',
      'aws.service': 'DynamoDB',
      'aws.operation': 'GetItem',
    });
    expect(doc.name).toBe('cats-table');
  });

  const serverError = (status: number) =>
    one({
      kind: 2,
      name: '/api/locations',
      parentSpanId: PARENT,
      status: { code: 2, message: 'java.lang.NullPointerException' },
      attributes: attrs({
        'http.method': 'POST',
        'http.url': 'https://api.example.org/api/locations',
        'http.target': '/api/locations',
        'http.status_code': status,
        'http.status_text': 'java.lang.NullPointerException',
        'http.user_agent': 'PostmanRuntime/7.21.0',
        'enduser.id': 'go.tester@example.com',
      }),
    });

  it('TestServerSpanWithInternalServerError', () => {
    const doc = serverError(500);
    expect(doc).toMatchObject({ name: 'signup_aggregator', fault: true, user: 'go.tester@example.com' });
    expect(doc.cause).toBeDefined();
  });

  it('TestServerSpanWithThrottle', () => {
    const doc = serverError(429);
    expect(doc).toMatchObject({ name: 'signup_aggregator', fault: false, error: true, throttle: true });
    expect(doc.cause).toBeDefined();
  });

  it('TestSpanNoParentId: a root producer span is a segment', () => {
    const doc = one({ kind: 4, name: 'my-topic send' });
    expect(doc.parent_id).toBeUndefined();
    expect(doc.type).toBeUndefined();
  });

  it('TestClientSpanWithDbComponent', () => {
    const statement = 'call update_user_preference( ?, ?, ? )';
    const doc = client(statement, {
      'db.system': 'mysql',
      'db.name': 'customers',
      'db.statement': statement,
      'db.user': 'userprefsvc',
      'db.connection_string': 'mysql://db.dev.example.com:3306',
      'net.peer.name': 'db.dev.example.com',
      'net.peer.port': '3306',
      'enterprise.app.id': '25F2E73B-4769-4C79-9DF3-7EBE85D571EA',
    });
    expect(doc).toMatchObject({
      name: 'customers@db.dev.example.com',
      namespace: 'remote',
      fault: false,
      error: false,
      sql: {
        connection_string: 'mysql://db.dev.example.com:3306/customers',
        url: statement,
        sanitized_query: statement,
        database_type: 'mysql',
        user: 'userprefsvc',
      },
      metadata: { default: { 'enterprise.app.id': '25F2E73B-4769-4C79-9DF3-7EBE85D571EA' } },
    });
    expect(doc.annotations).toBeUndefined();
    expect(doc.cause).toBeUndefined();
    expect(doc.http).toBeUndefined();
  });

  const web = {
    'http.method': 'GET',
    'http.scheme': 'https',
    'net.peer.ip': '2607:f8b0:4000:80c::2004',
    'net.peer.port': '9443',
    'http.target': '/',
    'net.peer.name': 'bar.com',
  };
  it('TestClientSpanWithHttpHost', () => {
    expect(client('GET /', { ...web, 'http.host': 'foo.com' }).name).toBe('foo.com');
  });
  it('TestClientSpanWithoutHttpHost', () => {
    expect(client('GET /', web).name).toBe('bar.com');
  });
  it('TestClientSpanWithRpcHost', () => {
    expect(client('GET /com.foo.AnimalService/GetCats', { ...web, 'rpc.service': 'com.foo.AnimalService' }).name).toBe(
      'com.foo.AnimalService',
    );
  });

  it('TestFixSegmentName and TestFixAnnotationKey', () => {
    expect(sanitizeSegmentName('EP @ test_15.testing-d\u00F6main.org#GO')).toBe(
      'EP @ test_15.testing-d\u00F6main.org#GO',
    );
    expect(sanitizeSegmentName('<subDomain>.example.com')).toBe('subDomain.example.com');
    expect(sanitizeSegmentName('<>')).toBe('span');
    expect(sanitizeAnnotationKey('Key_1')).toBe('Key_1');
    expect(sanitizeAnnotationKey('Key@1')).toBe('Key_1');
  });

  it('origin from cloud.platform, for segments and subsegments alike, only on AWS', () => {
    const origin = (resource: Record<string, string>) =>
      documents([span({ kind: 3, parentSpanId: PARENT })], attrs(resource)).docs[0]?.origin;
    expect(origin({ 'cloud.platform': 'aws_eks' })).toBe('AWS::EKS::Container');
    expect(origin({ 'cloud.platform': 'aws_ecs', 'aws.ecs.launchtype': 'fargate' })).toBe('AWS::ECS::Fargate');
    expect(origin({ 'cloud.provider': 'gcp', 'cloud.platform': 'aws_eks' })).toBeUndefined();
    expect(origin({ 'cloud.platform': 'aws_lambda' })).toBeUndefined();
  });

  it('links carry the X-Ray trace id, the span id and their attributes', () => {
    const doc = one({
      links: [
        { traceId: TRACE, spanId: Buffer.from('0102030405060708', 'hex'), attributes: attrs({ reason: 'retry' }) },
      ],
    });
    expect(doc.links).toEqual([
      { trace_id: '1-65a1b2c3-0123456789abcdef01234567', id: '0102030405060708', attributes: { reason: 'retry' } },
    ]);
  });
});
