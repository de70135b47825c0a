/**
 * The OTLP logs protos in the descriptor's form (descriptor.ts): logs/v1/logs.proto and
 * collector/logs/v1/logs_service.proto of opentelemetry-proto 1.x
 * (https://github.com/open-telemetry/opentelemetry-proto/blob/main/opentelemetry/proto/logs/v1/logs.proto),
 * field for field.
 */
const COMMON = 'opentelemetry.proto.common.v1';
const RESOURCE = 'opentelemetry.proto.resource.v1';
const LOGS = 'opentelemetry.proto.logs.v1';

type FieldJson = { type: string; id: number; rule?: 'repeated' };
const repeated = (type: string, id: number): FieldJson => ({ type, id, rule: 'repeated' });
const message = (fields: Record<string, FieldJson>) => ({ edition: 'proto3', fields });

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
const severityValues: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
LEVELS.forEach((level, index) => {
  for (let step = 0; step < 4; step++) {
    severityValues[`SEVERITY_NUMBER_${level}${step === 0 ? '' : String(step + 1)}`] = index * 4 + step + 1;
  }
});

export const logs = {
  LogsData: message({ resourceLogs: repeated('ResourceLogs', 1) }),
  ResourceLogs: message({
    resource: { type: `${RESOURCE}.Resource`, id: 1 },
    scopeLogs: repeated('ScopeLogs', 2),
    schemaUrl: { type: 'string', id: 3 },
  }),
  ScopeLogs: message({
    scope: { type: `${COMMON}.InstrumentationScope`, id: 1 },
    logRecords: repeated('LogRecord', 2),
    schemaUrl: { type: 'string', id: 3 },
  }),
  SeverityNumber: { values: severityValues },
  LogRecord: message({
    timeUnixNano: { type: 'fixed64', id: 1 },
    observedTimeUnixNano: { type: 'fixed64', id: 11 },
    severityNumber: { type: 'SeverityNumber', id: 2 },
    severityText: { type: 'string', id: 3 },
    body: { type: `${COMMON}.AnyValue`, id: 5 },
    attributes: repeated(`${COMMON}.KeyValue`, 6),
    droppedAttributesCount: { type: 'uint32', id: 7 },
    flags: { type: 'fixed32', id: 8 },
    traceId: { type: 'bytes', id: 9 },
    spanId: { type: 'bytes', id: 10 },
    eventName: { type: 'string', id: 12 },
  }),
};

export const collectorLogs = {
  LogsService: {
    methods: { Export: { requestType: 'ExportLogsServiceRequest', responseType: 'ExportLogsServiceResponse' } },
  },
  ExportLogsServiceRequest: message({ resourceLogs: repeated(`${LOGS}.ResourceLogs`, 1) }),
  ExportLogsServiceResponse: message({ partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } }),
  ExportLogsPartialSuccess: message({
    rejectedLogRecords: { type: 'int64', id: 1 },
    errorMessage: { type: 'string', id: 2 },
  }),
};

export const LOGS_SERVICE = 'opentelemetry.proto.collector.logs.v1.LogsService';
