/**
 * Grouping trace items by trace, for the processors that hold whole traces (groupbytrace, tail_sampling): an OTLP
 * span by its trace id, an X-Ray daemon segment by the trace id its `1-<8 hex>-<24 hex>` id stands for (the 16
 * bytes the collector's awsxray receiver gives the span it makes of it).
 */
import type { TraceItem } from '../model.js';

const EMPTY = new Uint8Array(16);

function hex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}

/** The item's 16-byte trace id (all zero when it has none). */
export function traceIdBytes(item: TraceItem): Uint8Array {
  if (item.kind === 'otlp-span') return item.span.traceId?.length === 16 ? item.span.traceId : EMPTY;
  const match = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/i.exec(item.traceId);
  if (match === null) return EMPTY;
  const text = `${match[1] ?? ''}${match[2] ?? ''}`;
  const bytes = new Uint8Array(16);
  for (let index = 0; index < 16; index++) bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

/** The item's trace id as 32 lowercase hex digits: the key items of one trace share. */
export function traceKey(item: TraceItem): string {
  return hex(traceIdBytes(item));
}

/** Items by trace, each trace's items in arrival order, traces in the order their first item came. */
export function splitByTrace(items: readonly TraceItem[]): Map<string, TraceItem[]> {
  const traces = new Map<string, TraceItem[]>();
  for (const item of items) {
    const key = traceKey(item);
    const held = traces.get(key);
    if (held === undefined) traces.set(key, [item]);
    else held.push(item);
  }
  return traces;
}
