/**
 * A protobufjs JSON descriptor of the OTLP subset the receiver decodes. It transcribes, field for field (names in
 * lowerCamelCase as protobufjs and the OTLP/JSON encoding use them, same field numbers and types), the stable
 * OTLP 1.x protos of opentelemetry-proto: common/v1/common.proto, resource/v1/resource.proto, trace/v1/trace.proto,
 * metrics/v1/metrics.proto, logs/v1/logs.proto (descriptor-logs.ts) and collector/{trace,metrics,logs}/v1/*_service.proto, plus google.rpc.Status for error
 * answers. Fields the receiver never reads are kept so that field numbers stay readable against the protos; the
 * deprecated pre-1.0 `instrumentation_library_*` fields (number 1000) are not transcribed.
 */
import type { INamespace } from 'protobufjs';
import { collectorLogs, logs } from './descriptor-logs.js';

type FieldJson = { type: string; id: number; rule?: 'repeated'; options?: Record<string, unknown> };

function message(
  fields: Record<string, FieldJson>,
  extra: { oneofs?: Record<string, string[]>; nested?: INamespace['nested'] } = {},
) {
  // proto3 optional fields are synthetic oneofs named `_field`, as protoc describes them
  for (const [name, field] of Object.entries(fields)) {
    if (field.options?.proto3_optional === true) extra.oneofs = { ...extra.oneofs, [`_${name}`]: [name] };
  }
  return {
    edition: 'proto3',
    fields,
    ...(extra.oneofs === undefined
      ? {}
      : { oneofs: Object.fromEntries(Object.entries(extra.oneofs).map(([name, list]) => [name, { oneof: list }])) }),
    ...(extra.nested === undefined ? {} : { nested: extra.nested }),
  };
}

const repeated = (type: string, id: number): FieldJson => ({ type, id, rule: 'repeated' });
const optional = (type: string, id: number): FieldJson => ({ type, id, options: { proto3_optional: true } });

const COMMON = 'opentelemetry.proto.common.v1';
const RESOURCE = 'opentelemetry.proto.resource.v1';
const TRACE = 'opentelemetry.proto.trace.v1';
const METRICS = 'opentelemetry.proto.metrics.v1';

const common = {
  AnyValue: message(
    {
      stringValue: { type: 'string', id: 1 },
      boolValue: { type: 'bool', id: 2 },
      intValue: { type: 'int64', id: 3 },
      doubleValue: { type: 'double', id: 4 },
      arrayValue: { type: 'ArrayValue', id: 5 },
      kvlistValue: { type: 'KeyValueList', id: 6 },
      bytesValue: { type: 'bytes', id: 7 },
    },
    {
      oneofs: {
        value: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'],
      },
    },
  ),
  ArrayValue: message({ values: repeated('AnyValue', 1) }),
  KeyValueList: message({ values: repeated('KeyValue', 1) }),
  KeyValue: message({ key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } }),
  InstrumentationScope: message({
    name: { type: 'string', id: 1 },
    version: { type: 'string', id: 2 },
    attributes: repeated('KeyValue', 3),
    droppedAttributesCount: { type: 'uint32', id: 4 },
  }),
};

const resource = {
  Resource: message({
    attributes: repeated(`${COMMON}.KeyValue`, 1),
    droppedAttributesCount: { type: 'uint32', id: 2 },
  }),
};

const trace = {
  TracesData: message({ resourceSpans: repeated('ResourceSpans', 1) }),
  ResourceSpans: message({
    resource: { type: `${RESOURCE}.Resource`, id: 1 },
    scopeSpans: repeated('ScopeSpans', 2),
    schemaUrl: { type: 'string', id: 3 },
  }),
  ScopeSpans: message({
    scope: { type: `${COMMON}.InstrumentationScope`, id: 1 },
    spans: repeated('Span', 2),
    schemaUrl: { type: 'string', id: 3 },
  }),
  Span: message(
    {
      traceId: { type: 'bytes', id: 1 },
      spanId: { type: 'bytes', id: 2 },
      traceState: { type: 'string', id: 3 },
      parentSpanId: { type: 'bytes', id: 4 },
      flags: { type: 'fixed32', id: 16 },
      name: { type: 'string', id: 5 },
      kind: { type: 'SpanKind', id: 6 },
      startTimeUnixNano: { type: 'fixed64', id: 7 },
      endTimeUnixNano: { type: 'fixed64', id: 8 },
      attributes: repeated(`${COMMON}.KeyValue`, 9),
      droppedAttributesCount: { type: 'uint32', id: 10 },
      events: repeated('Event', 11),
      droppedEventsCount: { type: 'uint32', id: 12 },
      links: repeated('Link', 13),
      droppedLinksCount: { type: 'uint32', id: 14 },
      status: { type: 'Status', id: 15 },
    },
    {
      nested: {
        SpanKind: {
          values: {
            SPAN_KIND_UNSPECIFIED: 0,
            SPAN_KIND_INTERNAL: 1,
            SPAN_KIND_SERVER: 2,
            SPAN_KIND_CLIENT: 3,
            SPAN_KIND_PRODUCER: 4,
            SPAN_KIND_CONSUMER: 5,
          },
        },
        Event: message({
          timeUnixNano: { type: 'fixed64', id: 1 },
          name: { type: 'string', id: 2 },
          attributes: repeated(`${COMMON}.KeyValue`, 3),
          droppedAttributesCount: { type: 'uint32', id: 4 },
        }),
        Link: message({
          traceId: { type: 'bytes', id: 1 },
          spanId: { type: 'bytes', id: 2 },
          traceState: { type: 'string', id: 3 },
          attributes: repeated(`${COMMON}.KeyValue`, 4),
          droppedAttributesCount: { type: 'uint32', id: 5 },
          flags: { type: 'fixed32', id: 6 },
        }),
      },
    },
  ),
  Status: message(
    { message: { type: 'string', id: 2 }, code: { type: 'StatusCode', id: 3 } },
    { nested: { StatusCode: { values: { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 } } } },
  ),
};

const dataPointCommon = {
  startTimeUnixNano: { type: 'fixed64', id: 2 },
  timeUnixNano: { type: 'fixed64', id: 3 },
};

const metrics = {
  MetricsData: message({ resourceMetrics: repeated('ResourceMetrics', 1) }),
  ResourceMetrics: message({
    resource: { type: `${RESOURCE}.Resource`, id: 1 },
    scopeMetrics: repeated('ScopeMetrics', 2),
    schemaUrl: { type: 'string', id: 3 },
  }),
  ScopeMetrics: message({
    scope: { type: `${COMMON}.InstrumentationScope`, id: 1 },
    metrics: repeated('Metric', 2),
    schemaUrl: { type: 'string', id: 3 },
  }),
  Metric: message(
    {
      name: { type: 'string', id: 1 },
      description: { type: 'string', id: 2 },
      unit: { type: 'string', id: 3 },
      gauge: { type: 'Gauge', id: 5 },
      sum: { type: 'Sum', id: 7 },
      histogram: { type: 'Histogram', id: 9 },
      exponentialHistogram: { type: 'ExponentialHistogram', id: 10 },
      summary: { type: 'Summary', id: 11 },
      metadata: repeated(`${COMMON}.KeyValue`, 12),
    },
    { oneofs: { data: ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] } },
  ),
  Gauge: message({ dataPoints: repeated('NumberDataPoint', 1) }),
  Sum: message({
    dataPoints: repeated('NumberDataPoint', 1),
    aggregationTemporality: { type: 'AggregationTemporality', id: 2 },
    isMonotonic: { type: 'bool', id: 3 },
  }),
  Histogram: message({
    dataPoints: repeated('HistogramDataPoint', 1),
    aggregationTemporality: { type: 'AggregationTemporality', id: 2 },
  }),
  ExponentialHistogram: message({
    dataPoints: repeated('ExponentialHistogramDataPoint', 1),
    aggregationTemporality: { type: 'AggregationTemporality', id: 2 },
  }),
  Summary: message({ dataPoints: repeated('SummaryDataPoint', 1) }),
  AggregationTemporality: {
    values: {
      AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
      AGGREGATION_TEMPORALITY_DELTA: 1,
      AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
    },
  },
  DataPointFlags: { values: { DATA_POINT_FLAGS_DO_NOT_USE: 0, DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK: 1 } },
  NumberDataPoint: message(
    {
      attributes: repeated(`${COMMON}.KeyValue`, 7),
      ...dataPointCommon,
      asDouble: { type: 'double', id: 4 },
      asInt: { type: 'sfixed64', id: 6 },
      exemplars: repeated('Exemplar', 5),
      flags: { type: 'uint32', id: 8 },
    },
    { oneofs: { value: ['asDouble', 'asInt'] } },
  ),
  HistogramDataPoint: message({
    attributes: repeated(`${COMMON}.KeyValue`, 9),
    ...dataPointCommon,
    count: { type: 'fixed64', id: 4 },
    sum: optional('double', 5),
    bucketCounts: repeated('fixed64', 6),
    explicitBounds: repeated('double', 7),
    exemplars: repeated('Exemplar', 8),
    flags: { type: 'uint32', id: 10 },
    min: optional('double', 11),
    max: optional('double', 12),
  }),
  ExponentialHistogramDataPoint: message(
    {
      attributes: repeated(`${COMMON}.KeyValue`, 1),
      ...dataPointCommon,
      count: { type: 'fixed64', id: 4 },
      sum: optional('double', 5),
      scale: { type: 'sint32', id: 6 },
      zeroCount: { type: 'fixed64', id: 7 },
      positive: { type: 'Buckets', id: 8 },
      negative: { type: 'Buckets', id: 9 },
      flags: { type: 'uint32', id: 10 },
      exemplars: repeated('Exemplar', 11),
      min: optional('double', 12),
      max: optional('double', 13),
      zeroThreshold: { type: 'double', id: 14 },
    },
    { nested: { Buckets: message({ offset: { type: 'sint32', id: 1 }, bucketCounts: repeated('uint64', 2) }) } },
  ),
  SummaryDataPoint: message(
    {
      attributes: repeated(`${COMMON}.KeyValue`, 7),
      ...dataPointCommon,
      count: { type: 'fixed64', id: 4 },
      sum: { type: 'double', id: 5 },
      quantileValues: repeated('ValueAtQuantile', 6),
      flags: { type: 'uint32', id: 8 },
    },
    { nested: { ValueAtQuantile: message({ quantile: { type: 'double', id: 1 }, value: { type: 'double', id: 2 } }) } },
  ),
  Exemplar: message(
    {
      filteredAttributes: repeated(`${COMMON}.KeyValue`, 7),
      timeUnixNano: { type: 'fixed64', id: 2 },
      asDouble: { type: 'double', id: 3 },
      asInt: { type: 'sfixed64', id: 6 },
      spanId: { type: 'bytes', id: 4 },
      traceId: { type: 'bytes', id: 5 },
    },
    { oneofs: { value: ['asDouble', 'asInt'] } },
  ),
};

const collectorTrace = {
  TraceService: {
    methods: { Export: { requestType: 'ExportTraceServiceRequest', responseType: 'ExportTraceServiceResponse' } },
  },
  ExportTraceServiceRequest: message({ resourceSpans: repeated(`${TRACE}.ResourceSpans`, 1) }),
  ExportTraceServiceResponse: message({ partialSuccess: { type: 'ExportTracePartialSuccess', id: 1 } }),
  ExportTracePartialSuccess: message({
    rejectedSpans: { type: 'int64', id: 1 },
    errorMessage: { type: 'string', id: 2 },
  }),
};

const collectorMetrics = {
  MetricsService: {
    methods: { Export: { requestType: 'ExportMetricsServiceRequest', responseType: 'ExportMetricsServiceResponse' } },
  },
  ExportMetricsServiceRequest: message({ resourceMetrics: repeated(`${METRICS}.ResourceMetrics`, 1) }),
  ExportMetricsServiceResponse: message({ partialSuccess: { type: 'ExportMetricsPartialSuccess', id: 1 } }),
  ExportMetricsPartialSuccess: message({
    rejectedDataPoints: { type: 'int64', id: 1 },
    errorMessage: { type: 'string', id: 2 },
  }),
};

/** google/rpc/status.proto without `details` (the receiver never sends any). */
const rpc = { Status: message({ code: { type: 'int32', id: 1 }, message: { type: 'string', id: 2 } }) };

export const OTLP_DESCRIPTOR: INamespace = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: { nested: { v1: { nested: common } } },
            resource: { nested: { v1: { nested: resource } } },
            trace: { nested: { v1: { nested: trace } } },
            metrics: { nested: { v1: { nested: metrics } } },
            logs: { nested: { v1: { nested: logs } } },
            collector: {
              nested: {
                trace: { nested: { v1: { nested: collectorTrace } } },
                metrics: { nested: { v1: { nested: collectorMetrics } } },
                logs: { nested: { v1: { nested: collectorLogs } } },
              },
            },
          },
        },
      },
    },
    google: { nested: { rpc: { nested: rpc } } },
  },
};

export const TRACE_SERVICE = 'opentelemetry.proto.collector.trace.v1.TraceService';
export const METRICS_SERVICE = 'opentelemetry.proto.collector.metrics.v1.MetricsService';
export { LOGS_SERVICE } from './descriptor-logs.js';
