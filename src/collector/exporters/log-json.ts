/**
 * The JSON form of a log item for the file and debug exporters: `{resource, scope?, logRecord}`, attributes and
 * the body as plain JSON, ids as hex, times as nanosecond decimal strings (as OTLP/JSON has them).
 */
import type { LogItem } from '../model.js';
import { anyValueToJson, anyValueToText, attributesToJson } from '../translate/any-value.js';

function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '' : Buffer.from(bytes).toString('hex');
}

export function logItemJson(item: LogItem): string {
  const { record, scope } = item;
  const traceId = hex(record.traceId);
  const spanId = hex(record.spanId);
  return JSON.stringify({
    resource: attributesToJson(item.resource.attributes),
    ...(scope === undefined
      ? {}
      : {
          scope: {
            name: scope.name ?? '',
            version: scope.version ?? '',
            attributes: attributesToJson(scope.attributes),
          },
        }),
    logRecord: {
      timeUnixNano: record.timeUnixNano ?? '0',
      observedTimeUnixNano: record.observedTimeUnixNano ?? '0',
      severityNumber: record.severityNumber ?? 0,
      ...(record.severityText ? { severityText: record.severityText } : {}),
      body: anyValueToJson(record.body),
      attributes: attributesToJson(record.attributes),
      ...(traceId === '' ? {} : { traceId }),
      ...(spanId === '' ? {} : { spanId }),
    },
  });
}

/** One line: the severity and the body as text. */
export function logItemLine(item: LogItem): string {
  const severity =
    item.record.severityText || (item.record.severityNumber ? `severity ${item.record.severityNumber}` : '');
  return `${severity === '' ? '' : `${severity} `}${anyValueToText(item.record.body)}`;
}
