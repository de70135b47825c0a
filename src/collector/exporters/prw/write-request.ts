/**
 * Prometheus remote write 1.0 WriteRequest, protobuf-encoded by hand: WriteRequest{timeseries=1}
 * TimeSeries{labels=1, samples=2} Label{name=1, value=2} Sample{value=1 double, timestamp=2 int64}.
 * Hand-written rather than through protobufjs because the schema is four tiny messages, and because a series'
 * labels can then be encoded once and reused on every scrape (SeriesEncoder); the request is written straight
 * into one exactly-sized buffer. The tests decode its output with protobufjs and the published schema.
 */
import type { MetricSample } from '../../model.js';

/**
 * A series encoded once: its labels (sorted by name, __name__ included) as TimeSeries.labels fields, kept as a
 * latin1 string (one byte per char, the most compact thing V8 holds).
 */
export class EncodedSeries {
  /** the toTimeSeries call that last grouped this series, and where (saves a map lookup per sample) */
  groupedBy = 0;
  groupIndex = 0;

  constructor(
    /** the sample name it was encoded for */
    readonly name: string,
    readonly encoded: string,
    /** FNV-1a of the encoding: which ordered queue (shard) the series goes through */
    readonly hash: number,
  ) {}
}

export interface TimeSeries {
  series: EncodedSeries;
  /** the samples themselves (a MetricSample is one), not copies */
  samples: { value: number; timestampMs: number }[];
}

function compareNames(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function varintLength(value: number): number {
  let length = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    length++;
  }
  return length;
}

function fieldLength(payload: number): number {
  return 1 + varintLength(payload) + payload;
}

/** UTF-8 length; a JavaScript loop beats Buffer.byteLength on the short ASCII strings labels are made of. */
function utf8Length(text: string): number {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 127) return Buffer.byteLength(text);
  return text.length;
}

class Writer {
  offset = 0;
  constructor(readonly buffer: Buffer) {}

  varint(value: number): void {
    while (value >= 128) {
      this.buffer[this.offset++] = (value % 128) | 128;
      value = Math.floor(value / 128);
    }
    this.buffer[this.offset++] = value;
  }

  tag(field: number, wireType: number): void {
    this.buffer[this.offset++] = (field << 3) | wireType;
  }

  string(field: number, text: string, bytes: number): void {
    this.tag(field, LENGTH_DELIMITED);
    this.varint(bytes);
    if (bytes === text.length) {
      for (let index = 0; index < text.length; index++) this.buffer[this.offset++] = text.charCodeAt(index);
    } else {
      this.offset += this.buffer.write(text, this.offset, 'utf8');
    }
  }
}

const LENGTH_DELIMITED = 2;
const FIXED64 = 1;
const VARINT = 0;

function encodeLabels(labels: [string, string][]): Buffer {
  const sizes = labels.map(([name, value]) => {
    const nameBytes = utf8Length(name);
    const valueBytes = utf8Length(value);
    return { nameBytes, valueBytes, label: fieldLength(nameBytes) + fieldLength(valueBytes) };
  });
  const writer = new Writer(Buffer.allocUnsafe(sizes.reduce((total, size) => total + fieldLength(size.label), 0)));
  labels.forEach(([name, value], index) => {
    const size = sizes[index]!;
    writer.tag(1, LENGTH_DELIMITED);
    writer.varint(size.label);
    writer.string(1, name, size.nameBytes);
    writer.string(2, value, size.valueBytes);
  });
  return writer.buffer;
}

/**
 * Turns samples into series, remembering each series' encoding on the sample's labels object (samples are
 * immutable: whatever changes labels makes a new object), so a series scraped again is not sorted nor encoded
 * again. The encoding hangs off the object under a symbol of this encoder's own, non-enumerable: invisible to
 * Object.keys, for…in, spread and JSON, and one property load to find again (a WeakMap lookup costs a hash probe
 * in a table as large as the number of series, for every sample). Frozen label objects fall back to a WeakMap.
 */
export class SeriesEncoder {
  private readonly key = Symbol('remote write encoding');
  private readonly frozen = new WeakMap<Record<string, string>, EncodedSeries>();
  private readonly external: [string, string][];
  private readonly prefix: string;

  constructor(options: { externalLabels?: Record<string, string>; namespace?: string } = {}) {
    this.external = Object.entries(options.externalLabels ?? {});
    this.prefix = options.namespace ? `${options.namespace}_` : '';
  }

  series(sample: MetricSample): EncodedSeries {
    const holder = sample.labels as Record<string | symbol, unknown>;
    const cached = (holder[this.key] as EncodedSeries | undefined) ?? this.frozen.get(sample.labels);
    if (cached !== undefined && cached.name === sample.name) return cached;
    // a labels object shared by several names (synthetic scrape series) keeps the last one's encoding
    const encoded = this.encode(sample);
    if (Object.isExtensible(holder)) {
      Object.defineProperty(holder, this.key, {
        value: encoded,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    } else {
      this.frozen.set(sample.labels, encoded);
    }
    return encoded;
  }

  private encode(sample: MetricSample): EncodedSeries {
    const labels: [string, string][] = [['__name__', this.prefix + sample.name]];
    for (const name in sample.labels) {
      const value = sample.labels[name];
      if (value !== undefined && value !== '' && name !== '__name__') labels.push([name, value]);
    }
    for (const [name, value] of this.external) if (!Object.hasOwn(sample.labels, name)) labels.push([name, value]);
    labels.sort(compareNames);
    const bytes = encodeLabels(labels);
    let hash = 0x811c9dc5;
    for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
    return new EncodedSeries(sample.name, bytes.toString('latin1'), hash >>> 0);
  }
}

let groupings = 0;

/**
 * Groups samples into series (in order of first appearance), samples of a series in time order. `known[i]`, when
 * given, is the encoding of `samples[i]` already found by the caller.
 */
export function toTimeSeries(
  samples: readonly MetricSample[],
  encoder: SeriesEncoder,
  known?: readonly EncodedSeries[],
): TimeSeries[] {
  // synchronous from start to end, so a series marked with this call's number was grouped by this call
  const grouping = ++groupings;
  const all: TimeSeries[] = [];
  // equal labels in distinct objects are distinct EncodedSeries of one series: grouped by their encoding, a string
  // that is the same object each time a series is cached, so V8 reuses its hash
  const byEncoding = new Map<string, number>();
  let repeated = false;
  for (let position = 0; position < samples.length; position++) {
    const sample = samples[position]!;
    const series = known?.[position] ?? encoder.series(sample);
    if (series.groupedBy !== grouping) {
      series.groupedBy = grouping;
      const index = byEncoding.get(series.encoded);
      if (index === undefined) {
        series.groupIndex = all.length;
        byEncoding.set(series.encoded, all.length);
        all.push({ series, samples: [sample] });
        continue;
      }
      series.groupIndex = index;
    }
    all[series.groupIndex]?.samples.push(sample);
    repeated = true;
  }
  if (repeated) {
    for (const entry of all) if (entry.samples.length > 1) entry.samples.sort((a, b) => a.timestampMs - b.timestampMs);
  }
  return all;
}

function sampleSize(timestampMs: number): number {
  return 1 + 8 + 1 + varintLength(timestampMs);
}

/** The WriteRequest of these series, protobuf-encoded. Timestamps must be >= 0 (ms since the epoch). */
export function encodeWriteRequest(series: readonly TimeSeries[]): Buffer {
  const sizes: number[] = [];
  let total = 0;
  for (const entry of series) {
    let size = entry.series.encoded.length;
    for (const sample of entry.samples) size += fieldLength(sampleSize(sample.timestampMs));
    sizes.push(size);
    total += fieldLength(size);
  }
  const writer = new Writer(Buffer.allocUnsafe(total));
  series.forEach((entry, index) => {
    writer.tag(1, LENGTH_DELIMITED);
    writer.varint(sizes[index]!);
    writer.offset += writer.buffer.write(entry.series.encoded, writer.offset, 'latin1');
    for (const sample of entry.samples) {
      writer.tag(2, LENGTH_DELIMITED);
      writer.varint(sampleSize(sample.timestampMs));
      writer.tag(1, FIXED64);
      writer.offset = writer.buffer.writeDoubleLE(sample.value, writer.offset);
      writer.tag(2, VARINT);
      writer.varint(sample.timestampMs);
    }
  });
  return writer.buffer;
}

/** The encoded size of one series with its samples, for splitting requests under a byte limit. */
export function encodedSize(entry: TimeSeries): number {
  let size = entry.series.encoded.length;
  for (const sample of entry.samples) size += fieldLength(sampleSize(sample.timestampMs));
  return fieldLength(size);
}
