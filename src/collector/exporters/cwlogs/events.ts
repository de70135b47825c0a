/**
 * Log items as CloudWatch Logs events, as the awscloudwatchlogs exporter makes them (opentelemetry-collector-contrib
 * exporter/awscloudwatchlogsexporter exporter.go and internal/aws/cwlogs pusher.go):
 * - by default the message is a JSON document {body, severity_number, severity_text, dropped_attributes_count, flags,
 *   trace_id, span_id, attributes, scope: {name, version, attributes}, resource}, empty fields left out;
 * - with `raw_log` the message is the body as text, and an EMF document in it may name its own log group and stream
 *   (`_aws.LogGroupName` / `_aws.LogStreamName`, or `log_group_name` / `log_stream_name`);
 * - the timestamp is the record's time in milliseconds, or the time the event was made when the record has none;
 *   a message over 256 KiB (with its 26 bytes of overhead) is cut and ends with "[Truncated...]", an empty one is
 *   dropped, and an event older than 14 days or more than 2 hours ahead is dropped (PutLogEvents would refuse it).
 */
import type { LogItem } from '../../model.js';
import { anyValueToJson, anyValueToText, attributesToJson } from '../../translate/any-value.js';

export const PER_EVENT_HEADER_BYTES = 26;
export const MAX_EVENT_PAYLOAD_BYTES = 256 * 1024;
const TRUNCATED_SUFFIX = '[Truncated...]';
const LIMIT_IN_PAST_MS = 14 * 24 * 3600 * 1000;
const LIMIT_IN_FUTURE_MS = 2 * 3600 * 1000;

export interface StreamKey {
  logGroupName: string;
  logStreamName: string;
}

export interface CloudWatchEvent extends StreamKey {
  timestamp: number;
  message: string;
}

export type EventOutcome = { event: CloudWatchEvent } | { dropped: string };

function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined || bytes.every((byte) => byte === 0) ? '' : Buffer.from(bytes).toString('hex');
}

function nonEmpty<T extends object>(value: T): T | undefined {
  return Object.keys(value).length === 0 ? undefined : value;
}

function messageOf(item: LogItem): string {
  const { record, scope } = item;
  const document: Record<string, unknown> = {};
  const body = anyValueToJson(record.body);
  if (body !== null) document['body'] = body;
  if (record.severityNumber) document['severity_number'] = record.severityNumber;
  if (record.severityText) document['severity_text'] = record.severityText;
  if (record.droppedAttributesCount) document['dropped_attributes_count'] = record.droppedAttributesCount;
  if (record.flags) document['flags'] = record.flags;
  const traceId = hex(record.traceId);
  const spanId = hex(record.spanId);
  if (traceId !== '') document['trace_id'] = traceId;
  if (spanId !== '') document['span_id'] = spanId;
  const attributes = nonEmpty(attributesToJson(record.attributes));
  if (attributes !== undefined) document['attributes'] = attributes;
  if (scope?.name) {
    const scopeAttributes = nonEmpty(attributesToJson(scope.attributes));
    document['scope'] = {
      name: scope.name,
      ...(scope.version ? { version: scope.version } : {}),
      ...(scopeAttributes === undefined ? {} : { attributes: scopeAttributes }),
    };
  }
  const resource = nonEmpty(attributesToJson(item.resource.attributes));
  if (resource !== undefined) document['resource'] = resource;
  return JSON.stringify(document);
}

/** The destination an EMF document in a raw log names, if any. */
function emfDestination(body: string, fallback: StreamKey): StreamKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return fallback;
  }
  if (typeof parsed !== 'object' || parsed === null) return fallback;
  const record = parsed as Record<string, unknown>;
  const aws = record['_aws'] as Record<string, unknown> | undefined;
  const group = typeof aws?.['LogGroupName'] === 'string' ? aws['LogGroupName'] : undefined;
  if (group) {
    const stream =
      typeof aws?.['LogStreamName'] === 'string' && aws['LogStreamName']
        ? aws['LogStreamName']
        : fallback.logStreamName;
    return { logGroupName: group, logStreamName: stream };
  }
  const v0Group = typeof record['log_group_name'] === 'string' ? record['log_group_name'] : '';
  if (v0Group) {
    const stream =
      typeof record['log_stream_name'] === 'string' && record['log_stream_name']
        ? record['log_stream_name']
        : fallback.logStreamName;
    return { logGroupName: v0Group, logStreamName: stream };
  }
  return fallback;
}

export function toCloudWatchEvent(item: LogItem, destination: StreamKey, rawLog: boolean, now: number): EventOutcome {
  let key = destination;
  let message: string;
  if (rawLog) {
    message = anyValueToText(item.record.body);
    key = emfDestination(message, destination);
  } else message = messageOf(item);
  if (Buffer.byteLength(message, 'utf8') + PER_EVENT_HEADER_BYTES > MAX_EVENT_PAYLOAD_BYTES) {
    const keep = MAX_EVENT_PAYLOAD_BYTES - PER_EVENT_HEADER_BYTES - TRUNCATED_SUFFIX.length;
    message =
      Buffer.from(message, 'utf8')
        .subarray(0, keep)
        .toString('utf8')
        .replace(/\uFFFD$/, '') + TRUNCATED_SUFFIX;
  }
  if (message.length === 0) return { dropped: 'empty log event message' };
  const nanos = item.record.timeUnixNano;
  const recorded = nanos === undefined || nanos === '0' ? 0 : Number(BigInt(nanos) / 1_000_000n);
  const timestamp = recorded === 0 ? now : recorded;
  if (timestamp < now - LIMIT_IN_PAST_MS || timestamp > now + LIMIT_IN_FUTURE_MS) {
    return { dropped: "the log entry's timestamp is older than 14 days or more than 2 hours in the future" };
  }
  return { event: { ...key, timestamp, message } };
}
