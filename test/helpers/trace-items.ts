/** Span items for the trace-holding processors' tests (groupbytrace, tail_sampling). */
import type { OtlpSpanItem } from '../../src/collector/model.js';
import type { AnyValue, KeyValue, Resource } from '../../src/collector/translate/otlp-types.js';

export type Attributes = Record<string, string | number | boolean | AnyValue>;

function keyValues(attributes: Attributes): KeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({
    key,
    value:
      typeof value === 'string'
        ? { stringValue: value }
        : typeof value === 'boolean'
          ? { boolValue: value }
          : typeof value === 'number'
            ? Number.isInteger(value)
              ? { intValue: String(value) }
              : { doubleValue: value }
            : value,
  }));
}

export function resource(attributes: Attributes = {}): Resource {
  return { attributes: keyValues(attributes) };
}

/** a trace id whose 16 bytes are all `byte` */
export function traceId(byte: number): Uint8Array {
  return new Uint8Array(16).fill(byte);
}

let nextSpan = 1;

export function span(
  trace: number | Uint8Array,
  options: {
    resource?: Resource;
    attributes?: Attributes;
    name?: string;
    status?: number;
    startMs?: number;
    endMs?: number;
  } = {},
): OtlpSpanItem {
  const id = nextSpan++;
  const spanId = new Uint8Array(8);
  new DataView(spanId.buffer).setUint32(4, id);
  return {
    kind: 'otlp-span',
    resource: options.resource ?? resource(),
    span: {
      traceId: typeof trace === 'number' ? traceId(trace) : trace,
      spanId,
      name: options.name ?? `span-${id}`,
      startTimeUnixNano: `${BigInt(options.startMs ?? 1_000) * 1_000_000n}`,
      endTimeUnixNano: `${BigInt(options.endMs ?? 1_010) * 1_000_000n}`,
      attributes: keyValues(options.attributes ?? {}),
      events: [],
      links: [],
      ...(options.status === undefined ? {} : { status: { code: options.status } }),
    },
  };
}

/** records what a processor sends on: one entry per batch, as span names */
export function sink(): { batches: string[][]; consume(items: OtlpSpanItem[]): void; names(): string[] } {
  const batches: string[][] = [];
  return {
    batches,
    consume: (items) => batches.push(items.map((item) => item.span.name ?? '')),
    names: () => batches.flat(),
  };
}
