/**
 * OTLP span items -> X-Ray segment documents, following the awsxray exporter: a SERVER span or a root span becomes
 * a segment named after the service (resource service.name), any other span a `type: subsegment` document sent on
 * its own with its trace_id and parent_id; span status and HTTP status give fault / error / throttle and
 * exception events the cause; attributes become annotations (when indexed and annotatable) or metadata.default.
 */
import { randomBytes } from 'node:crypto';
import type { OtlpSpanItem, XRaySegment } from '../model.js';
import { anyValueToJson, attributeMap, stringAttribute, type JsonValue } from './any-value.js';
import { SpanKind, StatusCode, type AnyValue, type KeyValue, type Resource, type Span } from './otlp-types.js';
import { AWS_SPAN_ATTRIBUTE_KEYS, xrayAws, xrayOrigin } from './xray-aws.js';
import { HTTP_ATTRIBUTE_KEYS, httpStatusOf, xrayHttp } from './xray-http.js';
import { sanitizeAnnotationKey, sanitizeSegmentName, xraySegmentId, xrayTraceId } from './xray-names.js';
import { optionalField } from './optional-field.js';

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
const CONSUMED_KEYS = new Set<string>([...HTTP_ATTRIBUTE_KEYS, ...AWS_SPAN_ATTRIBUTE_KEYS, ANNOTATION_LIST_KEY]);

function epochSeconds(unixNano: string | undefined): number {
  if (unixNano === undefined || unixNano === '') return 0;
  // microsecond precision, which a double holds exactly for present-day epochs
  return Number(BigInt(unixNano) / 1000n) / 1e6;
}

function isPresent(bytes: Uint8Array | undefined): boolean {
  return bytes !== undefined && bytes.length > 0;
}

function segmentName(span: Span, isSegment: boolean, resource: Attributes, attributes: Attributes): string {
  const name = isSegment
    ? stringAttribute(resource, 'service.name')
    : (stringAttribute(attributes, 'peer.service', 'aws.service') ??
      (stringAttribute(attributes, 'rpc.system') === 'aws-api'
        ? stringAttribute(attributes, 'rpc.service')
        : undefined));
  return sanitizeSegmentName(name ?? span.name ?? '');
}

function namespaceOf(span: Span, attributes: Attributes): string | undefined {
  if (span.kind !== SpanKind.CLIENT && span.kind !== SpanKind.PRODUCER) return undefined;
  return stringAttribute(attributes, 'rpc.system') === 'aws-api' || attributes.has('aws.service') ? 'aws' : 'remote';
}

interface Flags {
  fault?: true;
  error?: true;
  throttle?: true;
  cause?: { exceptions: { id: string; type?: string; message?: string; stack?: { label: string }[] }[] };
}

/** As the exporter: flags only for a span in error or one that recorded exceptions; 4xx is an error, 429 also a throttle. */
function faultFlags(span: Span, attributes: Attributes): Flags {
  const exceptions = span.events
    .filter((event) => event.name === 'exception')
    .map((event) => {
      const eventAttributes = attributeMap(event.attributes);
      const stack = stringAttribute(eventAttributes, 'exception.stacktrace');
      return {
        id: randomBytes(8).toString('hex'),
        ...optionalField('type', stringAttribute(eventAttributes, 'exception.type')),
        ...optionalField('message', stringAttribute(eventAttributes, 'exception.message')),
        ...(stack === undefined
          ? {}
          : {
              stack: stack
                .split('\n')
                .slice(0, 50)
                .map((label) => ({ label: label.trim() })),
            }),
      };
    });
  const inError = span.status?.code === StatusCode.ERROR;
  if (!inError && exceptions.length === 0) return {};
  if (exceptions.length === 0 && span.status?.message) {
    exceptions.push({ id: randomBytes(8).toString('hex'), message: span.status.message });
  }
  const status = httpStatusOf(attributes);
  const flags: Flags =
    status !== undefined && status >= 400 && status <= 499
      ? { error: true, ...(status === 429 ? { throttle: true } : {}) }
      : { fault: true };
  return exceptions.length === 0 ? flags : { ...flags, cause: { exceptions } };
}

function isAnnotatable(value: AnyValue | undefined): boolean {
  if (value === undefined) return false;
  if (value.stringValue !== undefined || value.boolValue !== undefined) return true;
  if (value.intValue !== undefined) return Number.isSafeInteger(Number(value.intValue));
  return value.doubleValue !== undefined && Number.isFinite(value.doubleValue);
}

function annotationsAndMetadata(
  spanAttributes: readonly KeyValue[],
  attributes: Attributes,
  options: XRayTranslationOptions,
): { annotations?: Record<string, JsonValue>; metadata?: { default: Record<string, JsonValue> } } {
  const listed = anyValueToJson(attributes.get(ANNOTATION_LIST_KEY));
  const indexed = new Set([
    ...options.indexedAttributes,
    ...(Array.isArray(listed) ? listed.filter((key) => typeof key === 'string') : []),
  ]);
  const annotations: Record<string, JsonValue> = {};
  const metadata: Record<string, JsonValue> = {};
  for (const { key, value } of spanAttributes) {
    if (CONSUMED_KEYS.has(key)) continue;
    if ((options.indexAllAttributes || indexed.has(key)) && isAnnotatable(value))
      annotations[sanitizeAnnotationKey(key)] = anyValueToJson(value);
    else metadata[key] = anyValueToJson(value);
  }
  return {
    ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    ...(Object.keys(metadata).length === 0 ? {} : { metadata: { default: metadata } }),
  };
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
  const isSegment = span.kind === SpanKind.SERVER || parentId === undefined;
  const startTime = epochSeconds(span.startTimeUnixNano);
  const endTime = Math.max(startTime, epochSeconds(span.endTimeUnixNano));
  const http = xrayHttp(attributes);
  const aws = xrayAws(resource, attributes);
  const origin = isSegment ? xrayOrigin(resource) : undefined;
  const version = stringAttribute(resource, 'service.version');
  const document = {
    name: segmentName(span, isSegment, resource, attributes),
    id,
    trace_id: traceId,
    start_time: startTime,
    end_time: endTime,
    ...(parentId === undefined ? {} : { parent_id: parentId }),
    ...(isSegment ? {} : { type: 'subsegment' }),
    ...optionalField('namespace', isSegment ? undefined : namespaceOf(span, attributes)),
    ...optionalField('origin', origin),
    ...faultFlags(span, attributes),
    ...optionalField('http', http),
    ...optionalField('aws', aws),
    ...(isSegment && version !== undefined ? { service: { version } } : {}),
    ...annotationsAndMetadata(span.attributes, attributes, options),
  };
  return { ok: true, segment: { kind: 'xray-segment', traceId, id, document: JSON.stringify(document) } };
}
