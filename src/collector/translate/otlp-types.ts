/**
 * Decoded OTLP requests, as the receiver hands them to the translators: the protos' fields in lowerCamelCase,
 * 64-bit integers as decimal strings, enums as numbers, ids as bytes. Scalars absent on the wire are absent here
 * (proto3 defaults apply: 0, "", false); repeated fields are always arrays.
 */

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: AnyValue[] };
  kvlistValue?: { values: KeyValue[] };
  bytesValue?: Uint8Array;
}

export interface KeyValue {
  key: string;
  value?: AnyValue;
}

export interface Resource {
  attributes: KeyValue[];
}

export interface InstrumentationScope {
  name?: string;
  version?: string;
  attributes: KeyValue[];
}

export const SpanKind = { UNSPECIFIED: 0, INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface SpanEvent {
  timeUnixNano?: string;
  name?: string;
  attributes: KeyValue[];
}

export interface SpanLink {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  attributes: KeyValue[];
}

export interface Span {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  traceState?: string;
  parentSpanId?: Uint8Array;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes: KeyValue[];
  events: SpanEvent[];
  links: SpanLink[];
  status?: { message?: string; code?: number };
}

export interface ResourceSpans {
  resource?: Resource;
  scopeSpans: { scope?: InstrumentationScope; spans: Span[] }[];
}

export interface ExportTracesRequest {
  resourceSpans: ResourceSpans[];
}

export const AggregationTemporality = { UNSPECIFIED: 0, DELTA: 1, CUMULATIVE: 2 } as const;
/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point marks a series that disappeared (a Prometheus stale marker). */
export const NO_RECORDED_VALUE_FLAG = 1;

export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  asDouble?: number;
  asInt?: string;
  flags?: number;
}

export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  count?: string;
  sum?: number;
  bucketCounts: string[];
  explicitBounds: number[];
  flags?: number;
}

export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  count?: string;
  sum?: number;
  quantileValues: { quantile?: number; value?: number }[];
  flags?: number;
}

export interface Metric {
  name?: string;
  description?: string;
  unit?: string;
  gauge?: { dataPoints: NumberDataPoint[] };
  sum?: { dataPoints: NumberDataPoint[]; aggregationTemporality?: number; isMonotonic?: boolean };
  histogram?: { dataPoints: HistogramDataPoint[]; aggregationTemporality?: number };
  exponentialHistogram?: { dataPoints: unknown[]; aggregationTemporality?: number };
  summary?: { dataPoints: SummaryDataPoint[] };
}

export interface ResourceMetrics {
  resource?: Resource;
  scopeMetrics: { scope?: InstrumentationScope; metrics: Metric[] }[];
}

export interface ExportMetricsRequest {
  resourceMetrics: ResourceMetrics[];
}

export interface LogRecord {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  eventName?: string;
}

export interface ResourceLogs {
  resource?: Resource;
  scopeLogs: { scope?: InstrumentationScope; logRecords: LogRecord[] }[];
}

export interface ExportLogsRequest {
  resourceLogs: ResourceLogs[];
}
