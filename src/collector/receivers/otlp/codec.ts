/**
 * OTLP request and response encodings over the descriptor: binary protobuf, and OTLP/JSON (the proto3 JSON
 * mapping with lowerCamelCase keys, except that trace and span ids are hex strings, not base64). protobufjs is
 * loaded on first use so that a collector without an otlp receiver never loads it.
 */
import type { IConversionOptions, Root, Type } from 'protobufjs';
import type { ExportLogsRequest, ExportMetricsRequest, ExportTracesRequest } from '../../translate/otlp-types.js';
import { OTLP_DESCRIPTOR } from './descriptor.js';

export type OtlpFormat = 'protobuf' | 'json';
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

/** The body could not be read as the request it claims to be (answered 400 / INVALID_ARGUMENT). */
export class OtlpDecodeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OtlpDecodeError';
  }
}

export interface PartialSuccess {
  rejected: number;
  message: string;
}

export interface OtlpCodec {
  decodeTraces(body: Uint8Array, format: OtlpFormat): ExportTracesRequest;
  decodeMetrics(body: Uint8Array, format: OtlpFormat): ExportMetricsRequest;
  decodeLogs(body: Uint8Array, format: OtlpFormat): ExportLogsRequest;
  /** an Export*ServiceResponse; partial success only when something was rejected */
  encodeResponse(signal: OtlpSignal, format: OtlpFormat, partial?: PartialSuccess): Uint8Array;
  /** google.rpc.Status, the body of an error answer */
  encodeStatus(format: OtlpFormat, code: number, message: string): Uint8Array;
  /** what an OTLP exporter sends: a request given in object form (ids as bytes), as protobuf */
  encodeRequest(signal: OtlpSignal, request: object): Uint8Array;
  decodeResponse(
    signal: OtlpSignal,
    body: Uint8Array,
  ): {
    partialSuccess?: {
      rejectedSpans?: string;
      rejectedDataPoints?: string;
      rejectedLogRecords?: string;
      errorMessage?: string;
    };
  };
}

const PACKAGE = 'opentelemetry.proto.collector';
const REQUEST_TYPES: Record<OtlpSignal, string> = {
  traces: `${PACKAGE}.trace.v1.ExportTraceServiceRequest`,
  metrics: `${PACKAGE}.metrics.v1.ExportMetricsServiceRequest`,
  logs: `${PACKAGE}.logs.v1.ExportLogsServiceRequest`,
};
const RESPONSE_TYPES: Record<OtlpSignal, string> = {
  traces: `${PACKAGE}.trace.v1.ExportTraceServiceResponse`,
  metrics: `${PACKAGE}.metrics.v1.ExportMetricsServiceResponse`,
  logs: `${PACKAGE}.logs.v1.ExportLogsServiceResponse`,
};
const REJECTED_FIELD: Record<OtlpSignal, string> = {
  traces: 'rejectedSpans',
  metrics: 'rejectedDataPoints',
  logs: 'rejectedLogRecords',
};

/** OTLP/JSON carries these bytes fields as hex (the ids of spans, links and exemplars). */
const HEX_ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

function hexIdsToBytes(value: unknown, key = ''): unknown {
  if (typeof value === 'string' && HEX_ID_KEYS.has(key)) {
    if (!HEX.test(value)) throw new OtlpDecodeError(`${key} "${value.slice(0, 40)}" is not a hex string`);
    return Buffer.from(value, 'hex');
  }
  if (Array.isArray(value)) return value.map((item) => hexIdsToBytes(item));
  if (typeof value === 'object' && value !== null) {
    const converted: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) converted[name] = hexIdsToBytes(item, name);
    return converted;
  }
  return value;
}

const TO_OBJECT: IConversionOptions = { longs: String, enums: Number, defaults: false, arrays: true, oneofs: false };

let loading: Promise<OtlpCodec> | undefined;

/** The codec, built once per process. */
export function loadOtlpCodec(): Promise<OtlpCodec> {
  loading ??= import('protobufjs').then(({ default: protobuf }) =>
    createCodec(protobuf.Root.fromJSON(OTLP_DESCRIPTOR)),
  );
  return loading;
}

function createCodec(root: Root): OtlpCodec {
  const type = (name: string): Type => root.lookupType(name);
  const status = type('google.rpc.Status');

  const decode = (signal: OtlpSignal, body: Uint8Array, format: OtlpFormat): unknown => {
    const requestType = type(REQUEST_TYPES[signal]);
    let message;
    if (format === 'protobuf') {
      try {
        message = requestType.decode(body);
      } catch (error) {
        throw new OtlpDecodeError(`the body is not a protobuf ${requestType.name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
      } catch (error) {
        throw new OtlpDecodeError(`the body is not JSON: ${(error as Error).message}`, { cause: error });
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new OtlpDecodeError(`the body is not a JSON ${requestType.name} object`);
      }
      try {
        message = requestType.fromObject(hexIdsToBytes(parsed) as Record<string, unknown>);
      } catch (error) {
        if (error instanceof OtlpDecodeError) throw error;
        throw new OtlpDecodeError(`the body is not a JSON ${requestType.name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    return requestType.toObject(message, TO_OBJECT);
  };

  const encodeAs = (messageType: Type, format: OtlpFormat, object: Record<string, unknown>): Uint8Array => {
    if (format === 'protobuf') return messageType.encode(messageType.fromObject(object)).finish();
    return Buffer.from(JSON.stringify(object), 'utf8');
  };

  return {
    decodeTraces: (body, format) => decode('traces', body, format) as ExportTracesRequest,
    decodeMetrics: (body, format) => decode('metrics', body, format) as ExportMetricsRequest,
    decodeLogs: (body, format) => decode('logs', body, format) as ExportLogsRequest,
    encodeResponse(signal, format, partial) {
      const object =
        partial === undefined || partial.rejected === 0
          ? {}
          : { partialSuccess: { [REJECTED_FIELD[signal]]: String(partial.rejected), errorMessage: partial.message } };
      return encodeAs(type(RESPONSE_TYPES[signal]), format, object);
    },
    encodeStatus: (format, code, message) => encodeAs(status, format, { code, message }),
    encodeRequest(signal, request) {
      const requestType = type(REQUEST_TYPES[signal]);
      return requestType.encode(requestType.fromObject(request as Record<string, unknown>)).finish();
    },
    decodeResponse(signal, body) {
      const responseType = type(RESPONSE_TYPES[signal]);
      return responseType.toObject(responseType.decode(body), { longs: String, defaults: false });
    },
  };
}
