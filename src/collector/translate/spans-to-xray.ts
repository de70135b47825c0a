/**
 * OTLP span items -> X-Ray segment documents, as the awsxray exporter builds them
 * (opentelemetry-collector-contrib exporter/awsxrayexporter/internal/translator/segment.go, MakeSegment;
 * internal/aws/xray/tracesegment.go for the fields and their order): a SERVER span or a span without a parent is a
 * segment, any other span a `type: subsegment` document sent on its own with its parent_id. The name is, first found:
 * aws.local.service (server spans), aws.remote.service (client, producer, consumer spans), peer.service, aws.service,
 * db.name[@host of db.connection_string], service.name (server spans), rpc.service, http.host, net.peer.name, else the
 * span name cleaned of the characters X-Ray refuses. namespace `aws` for AWS SDK calls (rpc.system aws-api or
 * aws.service), `remote` for other client spans. fault / error / throttle are always written (xray-cause.ts); `user`
 * from enduser.id; `sql` for SQL databases; `links`; segments carry the resource attributes as metadata
 * `otel.resource.<key>`; attributes become annotations when indexed (keys keep letters, digits and dots, the
 * exporter.xray.allowDot feature gate being on by default) or metadata.default otherwise.
 *
 * Not done here: the split of a span marked aws.span.kind LOCAL_ROOT into a service segment and a dependency
 * subsegment, and the refusal of trace ids whose first 8 hex digits are not a recent epoch (X-Ray itself decides).
 */
import type { OtlpSpanItem, XRaySegment } from '../model.js';
import { anyValueToJson, attributeMap, stringAttribute, type JsonValue } from './any-value.js';
import { SpanKind, type AnyValue, type KeyValue, type Resource, type Span } from './otlp-types.js';
import { AWS_SPAN_ATTRIBUTE_KEYS, xrayAws, xrayOrigin } from './xray-aws.js';
import { makeCause } from './xray-cause.js';
import { HTTP_ATTRIBUTE_KEYS, xrayHttp } from './xray-http.js';
import { sanitizeAnnotationKey, sanitizeSegmentName, xraySegmentId, xrayTraceId } from './xray-names.js';
import { optionalField } from './optional-field.js';
import { SQL_ATTRIBUTE_KEYS, xraySql } from './xray-sql.js';

/** The awsxray exporter's indexing settings; ADOT's defaults index nothing but what a span lists itself. */
export interface XRayTranslationOptions {
  /** every annotatable attribute becomes an annotation (the exporter's index_all_attributes) */
  indexAllAttributes: boolean;
  /** attributes that become annotations (the exporter's indexed_attributes) */
  indexedAttributes: readonly string[];
}

type Attributes = Map<string, AnyValue | undefined>;

/** Span attribute naming further attributes to index, as the ADOT SDKs set it. */
const ANNOTATION_LIST_KEY = 'aws.xray.annotations';
/** Span attributes `aws.xray.metadata.<namespace>` holding a JSON object for that metadata namespace. */
const METADATA_PREFIX = 'aws.xray.metadata.';
const CONSUMED_KEYS = new Set<string>([...HTTP_ATTRIBUTE_KEYS, ...AWS_SPAN_ATTRIBUTE_KEYS]);

function epochSeconds(unixNano: string | undefined): number {
  if (unixNano === undefined || unixNano === '') return 0;
  return Number(unixNano) / 1e9;
}

function isPresent(bytes: Uint8Array | undefined): boolean {
  return bytes !== undefined && bytes.length > 0;
}

function isAwsSdkSpan(attributes: Attributes): boolean {
  return stringAttribute(attributes, 'rpc.system') === 'aws-api';
}

function trimAwsSdkPrefix(name: string, attributes: Attributes): string {
  if (!isAwsSdkSpan(attributes)) return name;
  if (name.startsWith('AWS.SDK.')) return name.slice('AWS.SDK.'.length);
  return name.startsWith('AWS::') ? name.slice('AWS::'.length) : name;
}

/** `<db name>@<host of the connection string>` (a `jdbc:` prefix dropped), or the db name alone. */
function databaseName(attributes: Attributes): string | undefined {
  const database = stringAttribute(attributes, 'db.name');
  if (database === undefined) return undefined;
  const connection = stringAttribute(attributes, 'db.connection_string');
  if (connection === undefined) return database;
  try {
    const host = new URL(connection.replace(/^jdbc:/, '')).hostname;
    return host === '' ? database : `${database}@${host}`;
  } catch {
    return database;
  }
}

function nameAndNamespace(
  span: Span,
  resource: Attributes,
  attributes: Attributes,
): { name: string; namespace?: string } {
  const kind = span.kind;
  const remoteKinds: number[] = [SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
  let name: string | undefined;
  let namespace: string | undefined;
  if (kind === SpanKind.SERVER) name = stringAttribute(attributes, 'aws.local.service');
  if (kind === SpanKind.INTERNAL && stringAttribute(attributes, 'aws.span.kind') === 'LOCAL_ROOT')
    name = stringAttribute(attributes, 'aws.local.service');
  if (kind !== undefined && remoteKinds.includes(kind)) {
    const remote = stringAttribute(attributes, 'aws.remote.service');
    if (remote !== undefined) name = trimAwsSdkPrefix(remote, attributes);
  }
  name ||= stringAttribute(attributes, 'peer.service');
  if (isAwsSdkSpan(attributes)) namespace = 'aws';
  if (!name) {
    const service = stringAttribute(attributes, 'aws.service');
    if (service !== undefined) {
      name = service;
      namespace ??= 'aws';
    }
  }
  name ||= databaseName(attributes);
  if (!name && kind === SpanKind.SERVER) name = stringAttribute(resource, 'service.name');
  name ||= stringAttribute(attributes, 'rpc.service') || stringAttribute(attributes, 'http.host');
  name ||= stringAttribute(attributes, 'net.peer.name');
  name ||= sanitizeSegmentName(span.name ?? '');
  if (namespace === undefined && kind === SpanKind.CLIENT) namespace = 'remote';
  return { name, ...(namespace === undefined ? {} : { namespace }) };
}

function isAnnotatable(value: AnyValue | undefined): boolean {
  if (value === undefined) return false;
  if (value.stringValue !== undefined || value.boolValue !== undefined) return true;
  if (value.intValue !== undefined) return Number.isSafeInteger(Number(value.intValue));
  return value.doubleValue !== undefined && Number.isFinite(value.doubleValue);
}

interface XRayAttributes {
  user?: string;
  annotations?: Record<string, JsonValue>;
  metadata?: Record<string, Record<string, JsonValue>>;
}

/** makeXRayAttributes: user, annotations and metadata from the attributes the other fields left. */
function xrayAttributes(
  remaining: readonly KeyValue[],
  all: Attributes,
  resource: Resource,
  storeResource: boolean,
  options: XRayTranslationOptions,
): XRayAttributes {
  const listed = anyValueToJson(all.get(ANNOTATION_LIST_KEY));
  const indexed = new Set([
    ...(options.indexAllAttributes ? [] : options.indexedAttributes),
    ...(Array.isArray(listed) ? listed.filter((key): key is string => typeof key === 'string') : []),
  ]);
  const user = stringAttribute(all, 'enduser.id');
  const annotations: Record<string, JsonValue> = {};
  const metadata: Record<string, Record<string, JsonValue>> = {};
  const defaults: Record<string, JsonValue> = {};
  if (storeResource) {
    for (const { key, value } of resource.attributes) {
      const resourceKey = `otel.resource.${key}`;
      if ((options.indexAllAttributes || indexed.has(resourceKey)) && isAnnotatable(value))
        annotations[sanitizeAnnotationKey(resourceKey)] = anyValueToJson(value);
      else if (value !== undefined) defaults[resourceKey] = anyValueToJson(value);
    }
  }
  for (const { key, value } of remaining) {
    if (key === 'enduser.id' || key === ANNOTATION_LIST_KEY) continue;
    if (options.indexAllAttributes || indexed.has(key)) {
      if (isAnnotatable(value)) annotations[sanitizeAnnotationKey(key)] = anyValueToJson(value);
    } else if (key.startsWith(METADATA_PREFIX) && value?.stringValue !== undefined) {
      const namespace = key.slice(METADATA_PREFIX.length);
      const parsed = parseObject(value.stringValue);
      if (parsed === undefined) defaults[key] = value.stringValue;
      else if (namespace.toLowerCase() === 'default') Object.assign(defaults, parsed);
      else metadata[namespace] = parsed;
    } else if (value !== undefined) defaults[key] = anyValueToJson(value);
  }
  if (Object.keys(defaults).length > 0) metadata['default'] = defaults;
  return {
    ...optionalField('user', user),
    ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    ...(Object.keys(metadata).length === 0 ? {} : { metadata }),
  };
}

function parseObject(text: string): Record<string, JsonValue> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, JsonValue>)
      : undefined;
  } catch {
    return undefined;
  }
}

function links(span: Span): { trace_id: string; id: string; attributes?: Record<string, JsonValue> }[] | undefined {
  const converted = span.links.flatMap((link) => {
    const traceId = xrayTraceId(link.traceId);
    const id = link.spanId === undefined ? undefined : Buffer.from(link.spanId).toString('hex');
    if (traceId === undefined || id === undefined) return [];
    const attributes = Object.fromEntries(link.attributes.map(({ key, value }) => [key, anyValueToJson(value)]));
    return [{ trace_id: traceId, id, ...(link.attributes.length === 0 ? {} : { attributes }) }];
  });
  return converted.length === 0 ? undefined : converted;
}

export type SegmentOutcome = { ok: true; segment: XRaySegment } | { ok: false; problem: string };

/** Resources are shared by the spans of a request: their attribute lookups are built once. */
const resourceAttributes = new WeakMap<Resource, Attributes>();

function resourceAttributesOf(resource: Resource): Attributes {
  let attributes = resourceAttributes.get(resource);
  if (attributes === undefined) {
    attributes = attributeMap(resource.attributes);
    resourceAttributes.set(resource, attributes);
  }
  return attributes;
}

/** One span item as a segment document; fails only for ids X-Ray cannot take. */
export function spanItemToSegment(item: OtlpSpanItem, options: XRayTranslationOptions): SegmentOutcome {
  const { span } = item;
  const traceId = xrayTraceId(span.traceId);
  if (traceId === undefined) return { ok: false, problem: 'the trace id is not 16 bytes (or is all zero)' };
  const id = xraySegmentId(span.spanId);
  if (id === undefined) return { ok: false, problem: 'the span id is not 8 bytes (or is all zero)' };
  const parentId = isPresent(span.parentSpanId) ? xraySegmentId(span.parentSpanId) : undefined;
  if (isPresent(span.parentSpanId) && parentId === undefined)
    return { ok: false, problem: 'the parent span id is not 8 bytes' };

  const resource = resourceAttributesOf(item.resource);
  const attributes = attributeMap(span.attributes);
  const isSubsegment = span.kind !== SpanKind.SERVER && parentId !== undefined;
  const cause = makeCause(span, attributes, resource);
  const sql = xraySql(span, attributes);
  const consumed = new Set([...CONSUMED_KEYS, ...cause.consumed, ...(sql === undefined ? [] : SQL_ATTRIBUTE_KEYS)]);
  // addSpecialAttributes: an attribute another field consumed is still annotated when indexed_attributes names it
  const remaining = span.attributes.filter(({ key }) => !consumed.has(key) || options.indexedAttributes.includes(key));
  const { user, annotations, metadata } = xrayAttributes(remaining, attributes, item.resource, !isSubsegment, options);
  const { name, namespace } = nameAndNamespace(span, resource, attributes);
  const version = stringAttribute(resource, 'service.version');
  const document = {
    name,
    id,
    start_time: epochSeconds(span.startTimeUnixNano),
    ...(version === undefined ? {} : { service: { version } }),
    ...optionalField('origin', xrayOrigin(resource)),
    ...optionalField('user', user),
    ...optionalField('links', links(span)),
    trace_id: traceId,
    end_time: epochSeconds(span.endTimeUnixNano),
    ...optionalField('http', xrayHttp(attributes)),
    fault: cause.fault,
    error: cause.error,
    throttle: cause.throttle,
    ...optionalField('cause', cause.cause),
    ...optionalField('aws', xrayAws(resource, attributes)),
    ...optionalField('annotations', annotations),
    ...optionalField('metadata', metadata),
    ...optionalField('namespace', namespace),
    ...optionalField('parent_id', parentId),
    ...(isSubsegment ? { type: 'subsegment' } : {}),
    ...optionalField('sql', sql),
  };
  return { ok: true, segment: { kind: 'xray-segment', traceId, id, document: JSON.stringify(document) } };
}
