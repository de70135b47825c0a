/**
 * The JSON form of an OTLP span item for the file and debug exporters: one object per span,
 * `{resource, scope?, span}`, attributes as plain JSON objects, ids as hex, times as nanosecond decimal strings
 * (as OTLP/JSON has them), kind and status code by name.
 */
import type { OtlpSpanItem } from '../model.js';
import { attributesToJson } from '../translate/any-value.js';

const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_NAMES = ['unset', 'ok', 'error'];

function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '' : Buffer.from(bytes).toString('hex');
}

function nameOf(names: readonly string[], value: number | undefined): string {
  return names[value ?? 0] ?? String(value);
}

export function spanItemJson(item: OtlpSpanItem): string {
  const { span, scope } = item;
  const parent = hex(span.parentSpanId);
  const status = span.status;
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
    span: {
      traceId: hex(span.traceId),
      spanId: hex(span.spanId),
      ...(parent === '' ? {} : { parentSpanId: parent }),
      ...(span.traceState ? { traceState: span.traceState } : {}),
      name: span.name ?? '',
      kind: nameOf(KIND_NAMES, span.kind),
      startTimeUnixNano: span.startTimeUnixNano ?? '0',
      endTimeUnixNano: span.endTimeUnixNano ?? '0',
      attributes: attributesToJson(span.attributes),
      ...(span.events.length === 0
        ? {}
        : {
            events: span.events.map((event) => ({
              timeUnixNano: event.timeUnixNano ?? '0',
              name: event.name ?? '',
              attributes: attributesToJson(event.attributes),
            })),
          }),
      ...(span.links.length === 0
        ? {}
        : {
            links: span.links.map((link) => ({
              traceId: hex(link.traceId),
              spanId: hex(link.spanId),
              attributes: attributesToJson(link.attributes),
            })),
          }),
      status: {
        code: nameOf(STATUS_NAMES, status?.code),
        ...(status?.message ? { message: status.message } : {}),
      },
    },
  });
}

/** One line for debug verbosity normal. */
export function spanItemLine(item: OtlpSpanItem): string {
  return `span ${hex(item.span.spanId)} trace ${hex(item.span.traceId)} ${item.span.name ?? ''}`;
}
