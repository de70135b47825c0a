/**
 * Prometheus remote write 1.0 WriteRequest, protobuf-encoded by hand: WriteRequest{timeseries=1}
 * TimeSeries{labels=1, samples=2} Label{name=1, value=2} Sample{value=1 double, timestamp=2 int64}.
 * Hand-written rather than through protobufjs because the schema is four tiny messages, and because a series'
 * labels can then be encoded once and reused on every scrape (SeriesEncoder); the request is written straight
 * into one exactly-sized buffer. The tests decode its output with protobufjs and the published schema. Over ~400
 * lines because the size computation and the writer must agree byte for byte; they are kept side by side.
 */
import { seriesSlotOf, type MetricSample } from '../../model.js';

/**
 * A series' labels encoded once, as TimeSeries.labels fields (sorted by name, __name__ included) in a latin1 string
 * (one byte per char, the most compact thing V8 holds), kept on a labels object for samples that have no series
 * slot. Several sample names may share one labels object (the synthetic scrape series), hence the name.
 */
class LabelsEncoding {
  constructor(
    readonly encoded: string,
    readonly hash: number,
    readonly name: string,
  ) {}
}

export interface TimeSeries {
  /** the series' labels, encoded (see SeriesEncoder) */
  encoded: string;
  /** the samples themselves (a MetricSample is one), not copies */
  samples: { value: number; timestampMs: number }[];
}

/**
 * A series slot's exporterTag: the encoder that owns the slot (high bits), whether the slot's encoding leaves out
 * the __name__ label (NAME_FIRST), and the series' shard hash (low bits).
 */
const HASH_RANGE = 2 ** 20;
const NAME_FIRST = 2 ** 19;
const MAX_ENCODER_ID = 2 ** 10 - 1;
/** Distinct sample names whose encoded __name__ label an encoder keeps at most. */
const MAX_NAMES = 100_000;
let encoderIds = 0;

function compareNames(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function varintLength(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 4 + varintLength(Math.floor(value / 0x10000000));
}

function fieldLength(payload: number): number {
  return 1 + varintLength(payload) + payload;
}

/** UTF-8 length; a JavaScript loop beats Buffer.byteLength on the short ASCII strings labels are made of. */
function utf8Length(text: string): number {
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) > 127) return Buffer.byteLength(text);
  return text.length;
}

/** The bytes of a double, little-endian, as protobuf's fixed64 wants them. */
const doubleScratch = new Float64Array(1);
const doubleBytes = new Uint8Array(doubleScratch.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

class Writer {
  offset = 0;
  constructor(readonly buffer: Buffer) {}

  /** Copies a string of one-byte characters (latin1) byte for byte. */
  latin1(text: string): void {
    this.offset += this.buffer.write(text, this.offset, 'latin1');
  }

  double(value: number): void {
    if (!LITTLE_ENDIAN) {
      this.offset = this.buffer.writeDoubleLE(value, this.offset);
      return;
    }
    doubleScratch[0] = value;
    const { buffer } = this;
    const offset = this.offset;
    buffer[offset] = doubleBytes[0]!;
    buffer[offset + 1] = doubleBytes[1]!;
    buffer[offset + 2] = doubleBytes[2]!;
    buffer[offset + 3] = doubleBytes[3]!;
    buffer[offset + 4] = doubleBytes[4]!;
    buffer[offset + 5] = doubleBytes[5]!;
    buffer[offset + 6] = doubleBytes[6]!;
    buffer[offset + 7] = doubleBytes[7]!;
    this.offset = offset + 8;
  }

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

/** Where label encodings are written before they are copied into their string (grows to the longest). */
let labelScratch = Buffer.allocUnsafe(1024);

/**
 * TimeSeries.labels fields of these labels (in this order), as a latin1 string (without the first label's field when
 * `withoutFirst`), the FNV-1a hash (31 bits) of all the fields, and that of the string.
 */
function encodeLabels(
  labels: [string, string][],
  withoutFirst = false,
): { encoded: string; hash: number; encodedHash: number } {
  let total = 0;
  let first = 0;
  for (const [name, value] of labels) {
    const label = fieldLength(fieldLength(utf8Length(name)) + fieldLength(utf8Length(value)));
    if (total === 0) first = label;
    total += label;
  }
  if (total > labelScratch.length) labelScratch = Buffer.allocUnsafe(Math.max(total, labelScratch.length * 2));
  const writer = new Writer(labelScratch);
  for (const [name, value] of labels) {
    const nameBytes = utf8Length(name);
    const valueBytes = utf8Length(value);
    writer.tag(1, LENGTH_DELIMITED);
    writer.varint(fieldLength(nameBytes) + fieldLength(valueBytes));
    writer.string(1, name, nameBytes);
    writer.string(2, value, valueBytes);
  }
  const start = withoutFirst ? first : 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < start; index++) hash = Math.imul(hash ^ labelScratch[index]!, 0x01000193);
  let encodedHash = 0x811c9dc5;
  for (let index = start; index < total; index++) {
    const byte = labelScratch[index]!;
    hash = Math.imul(hash ^ byte, 0x01000193);
    encodedHash = Math.imul(encodedHash ^ byte, 0x01000193);
  }
  return {
    encoded: labelScratch.toString('latin1', start, total),
    hash: hash & 0x7fffffff,
    encodedHash: encodedHash >>> 0,
  };
}

/** Entries of an encoder's table of recent label encodings (a power of two). */
const RECENT_ENCODINGS = 8192;

/**
 * Turns samples into series, remembering each series' encoding so that a series scraped again is not sorted nor
 * encoded again: in the sample's series slot when it has one (scraped samples: one property load), else on the
 * sample's labels object (samples are immutable: whatever changes labels makes a new object) under a symbol of
 * this encoder's own, non-enumerable: invisible to Object.keys, for…in, spread and JSON (a WeakMap lookup costs a
 * hash probe in a table as large as the number of series, for every sample). Frozen label objects use a WeakMap.
 */
export class SeriesEncoder {
  private readonly key = Symbol('remote write encoding');
  /** which slots are this encoder's (two encoders of different settings may see the same scraped samples) */
  private readonly id = (encoderIds++ % MAX_ENCODER_ID) + 1;
  private readonly frozen = new WeakMap<Record<string, string>, LabelsEncoding>();
  private readonly names = new Map<string, string>();
  /**
   * The series encodings (without __name__) last made, by hash, one per entry, the newest winning: series of
   * different names with the same labels (every metric of a pod) keep one string between them, not one each. A
   * table of fixed size rather than a Map of every encoding, which would cost more than it saves on a target whose
   * series each have labels of their own.
   */
  private readonly recentEncodings: (string | undefined)[] = new Array<string | undefined>(RECENT_ENCODINGS);
  private readonly external: [string, string][];
  private readonly prefix: string;

  constructor(options: { externalLabels?: Record<string, string>; namespace?: string } = {}) {
    this.external = Object.entries(options.externalLabels ?? {});
    this.prefix = options.namespace ? `${options.namespace}_` : '';
  }

  /** The encoding of the sample's series. */
  series(sample: MetricSample): string {
    const encodings: string[] = [];
    this.encode(sample, encodings);
    return encodings[0]!;
  }

  /**
   * Appends the encoding of the sample's series to `encodings` and returns the series' hash (which ordered queue,
   * or shard, it goes through). A scraped series is encoded once and kept in its series slot: the string and the
   * hash are all the slot holds, no object of their own (100k series, 100k objects fewer). Samples without a slot
   * keep theirs on their labels object (samples are immutable: whatever changes labels makes a new object) under a
   * symbol of this encoder's own, non-enumerable: invisible to Object.keys, for…in, spread and JSON.
   */
  encode(sample: MetricSample, encodings: string[]): number {
    const slot = seriesSlotOf(sample);
    if (slot !== undefined) {
      let tag = slot.exporterTag;
      if (tag === 0) {
        const labels = this.sortedLabels(sample);
        // __name__ sorts first unless a label name starts with a capital: then the slot keeps the labels without it
        // (the name's encoding is kept once per name, not once per series)
        const nameFirst = labels[0]![0] === '__name__';
        const { encoded, hash, encodedHash } = encodeLabels(labels, nameFirst);
        tag = this.id * HASH_RANGE + (nameFirst ? NAME_FIRST : 0) + (hash % NAME_FIRST);
        slot.exporterState = nameFirst ? this.shared(encoded, encodedHash) : encoded;
        slot.exporterTag = tag;
      }
      if (Math.floor(tag / HASH_RANGE) === this.id) {
        const low = tag % HASH_RANGE;
        const encoded = slot.exporterState as string;
        encodings.push(low >= NAME_FIRST ? this.nameLabel(sample.name) + encoded : encoded);
        return low % NAME_FIRST;
      }
      // the slot is another encoder's
    }
    const onLabels = this.onLabels(sample);
    encodings.push(onLabels.encoded);
    return onLabels.hash;
  }

  /** The string equal to `encoded` that an earlier series keeps, if the table still has it; else `encoded`. */
  private shared(encoded: string, hash: number): string {
    const entry = hash & (RECENT_ENCODINGS - 1);
    const known = this.recentEncodings[entry];
    if (known === encoded) return known;
    this.recentEncodings[entry] = encoded;
    return encoded;
  }

  /** The encoded __name__ label of a sample name, kept once per name. */
  private nameLabel(name: string): string {
    let encoded = this.names.get(name);
    if (encoded === undefined) {
      // bounded: names that come and go must not grow it forever
      if (this.names.size >= MAX_NAMES) this.names.clear();
      encoded = encodeLabels([['__name__', this.prefix + name]]).encoded;
      this.names.set(name, encoded);
    }
    return encoded;
  }

  private onLabels(sample: MetricSample): LabelsEncoding {
    const holder = sample.labels as Record<string | symbol, unknown>;
    const cached = (holder[this.key] as LabelsEncoding | undefined) ?? this.frozen.get(sample.labels);
    if (cached !== undefined && cached.name === sample.name) return cached;
    // a labels object shared by several names (synthetic scrape series) keeps the last one's encoding
    const { encoded, hash } = this.encodeLabels(sample);
    const encoding = new LabelsEncoding(encoded, hash, sample.name);
    if (Object.isExtensible(holder)) {
      Object.defineProperty(holder, this.key, {
        value: encoding,
        writable: true,
        configurable: true,
        enumerable: false,
      });
    } else {
      this.frozen.set(sample.labels, encoding);
    }
    return encoding;
  }

  private encodeLabels(sample: MetricSample): { encoded: string; hash: number } {
    return encodeLabels(this.sortedLabels(sample));
  }

  /** The series' labels, __name__ and external labels included, sorted by name. */
  private sortedLabels(sample: MetricSample): [string, string][] {
    const labels: [string, string][] = [['__name__', this.prefix + sample.name]];
    for (const name in sample.labels) {
      const value = sample.labels[name];
      if (value !== undefined && value !== '' && name !== '__name__') labels.push([name, value]);
    }
    for (const [name, value] of this.external) if (!Object.hasOwn(sample.labels, name)) labels.push([name, value]);
    labels.sort(compareNames);
    return labels;
  }
}

/**
 * Groups samples into series (in order of first appearance), samples of a series in time order. `known[i]`, when
 * given, is the encoding of `samples[i]` already found by the caller.
 */
export function toTimeSeries(
  samples: readonly MetricSample[],
  encoder: SeriesEncoder,
  known?: readonly string[],
): TimeSeries[] {
  return groupSeries(samples, known ?? samples.map((sample) => encoder.series(sample)));
}

function groupSeries(samples: readonly MetricSample[], encodings: readonly string[]): TimeSeries[] {
  const all: TimeSeries[] = [];
  // equal labels in distinct objects are one series: grouped by their encoding
  const byEncoding = new Map<string, TimeSeries>();
  let repeated = false;
  samples.forEach((sample, index) => {
    const encoded = encodings[index]!;
    const entry = byEncoding.get(encoded);
    if (entry === undefined) {
      const created = { encoded, samples: [sample] };
      byEncoding.set(encoded, created);
      all.push(created);
      return;
    }
    entry.samples.push(sample);
    repeated = true;
  });
  if (repeated) {
    for (const entry of all) if (entry.samples.length > 1) entry.samples.sort((a, b) => a.timestampMs - b.timestampMs);
  }
  return all;
}

function sampleSize(timestampMs: number): number {
  return 1 + 8 + 1 + varintLength(timestampMs);
}

/** The size of one series with its samples inside its TimeSeries field. */
function timeSeriesPayload(entry: TimeSeries): number {
  let size = entry.encoded.length;
  for (const sample of entry.samples) size += fieldLength(sampleSize(sample.timestampMs));
  return size;
}

/** The encoded size of one series with its samples (a TimeSeries field of the WriteRequest). */
function timeSeriesSize(entry: TimeSeries): number {
  return fieldLength(timeSeriesPayload(entry));
}

/**
 * The WriteRequest of these series, protobuf-encoded, in a buffer from `allocate` (given the exact size).
 * Timestamps must be >= 0 (ms since the epoch).
 */
export function encodeWriteRequest(
  series: readonly TimeSeries[],
  allocate: (size: number) => Buffer = (size) => Buffer.allocUnsafe(size),
): Buffer {
  let total = 0;
  for (const entry of series) total += timeSeriesSize(entry);
  const writer = new Writer(allocate(total));
  let framing: SampleFraming | undefined;
  for (const entry of series) {
    writer.tag(1, LENGTH_DELIMITED);
    writer.varint(timeSeriesPayload(entry));
    writer.latin1(entry.encoded);
    for (const sample of entry.samples) {
      if (framing?.timestampMs !== sample.timestampMs) framing = new SampleFraming(sample.timestampMs);
      framing.write(writer, sample.value);
    }
  }
  return writer.buffer;
}

/** Splits series into runs whose encoded size stays under the limit (a single larger series goes alone). */
function splitBySize(series: readonly TimeSeries[], maxBytes: number): TimeSeries[][] {
  const requests: TimeSeries[][] = [];
  let current: TimeSeries[] = [];
  let size = 0;
  for (const entry of series) {
    const entrySize = timeSeriesSize(entry);
    if (current.length > 0 && size + entrySize > maxBytes) {
      requests.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entrySize;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * Where encodeRequests writes: `allocate` gives a buffer of exactly the size asked (the caller may hand out pieces
 * of a buffer it reuses), `written` takes each finished WriteRequest before the next is allocated.
 */
export interface RequestSink {
  allocate(size: number): Buffer;
  written(payload: Buffer, samples: number): void;
}

/**
 * Writes the WriteRequests (each under `maxBytes`, a single larger series alone) carrying these samples to `sink`;
 * `encodings[i]` is the encoding of `samples[i]`. Samples with negative timestamps cannot be sent: they are left out,
 * and their number returned. The common batch, one sample per series (a scrape), is written straight from the
 * samples, with no per-series objects.
 */
export function encodeRequests(
  samples: readonly MetricSample[],
  encodings: readonly string[],
  maxBytes: number,
  sink: RequestSink,
): number {
  if (!oneSamplePerSeries(samples, encodings)) {
    const kept: MetricSample[] = [];
    const keptEncodings: string[] = [];
    samples.forEach((sample, index) => {
      if (sample.timestampMs < 0) return;
      kept.push(sample);
      keptEncodings.push(encodings[index]!);
    });
    for (const series of splitBySize(groupSeries(kept, keptEncodings), maxBytes)) {
      const payload = encodeWriteRequest(series, (size) => sink.allocate(size));
      sink.written(
        payload,
        series.reduce((total, entry) => total + entry.samples.length, 0),
      );
    }
    return samples.length - kept.length;
  }
  let start = 0;
  let size = 0;
  let lastTimestampMs = -1;
  let pointField = 0;
  const cut = (end: number) => {
    const payload = writeSingleSampleSeries(samples, encodings, start, end, sink.allocate(size));
    sink.written(payload, end - start);
  };
  for (let index = 0; index < samples.length; index++) {
    const { timestampMs } = samples[index]!;
    if (timestampMs !== lastTimestampMs) {
      lastTimestampMs = timestampMs;
      pointField = fieldLength(sampleSize(timestampMs));
    }
    const entrySize = fieldLength(encodings[index]!.length + pointField);
    if (index > start && size + entrySize > maxBytes) {
      cut(index);
      start = index;
      size = 0;
    }
    size += entrySize;
  }
  if (samples.length > start) cut(samples.length);
  return 0;
}

/** A sink that keeps each WriteRequest in a buffer of its own. */
export class RequestList implements RequestSink {
  readonly requests: { payload: Buffer; samples: number }[] = [];

  allocate(size: number): Buffer {
    return Buffer.allocUnsafe(size);
  }

  written(payload: Buffer, samples: number): void {
    this.requests.push({ payload, samples });
  }
}

/**
 * True when no two samples share a series and every timestamp can be sent. A scraped sample's series is its series
 * slot (one object per series: no hashing of its encoding); others are told apart by their encoding.
 */
function oneSamplePerSeries(samples: readonly MetricSample[], encodings: readonly string[]): boolean {
  const seen = new Set<unknown>();
  for (let index = 0; index < samples.length; index++) {
    const sample = samples[index]!;
    if (sample.timestampMs < 0) return false;
    const key = seriesSlotOf(sample) ?? encodings[index];
    if (seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** The bytes of one Sample field around its value: they depend on the timestamp only. */
class SampleFraming {
  readonly fieldSize: number;
  private readonly head: number[];
  private readonly tail: number[];

  constructor(readonly timestampMs: number) {
    const size = sampleSize(timestampMs);
    this.fieldSize = fieldLength(size);
    const scratch = new Writer(Buffer.alloc(this.fieldSize));
    scratch.tag(2, LENGTH_DELIMITED);
    scratch.varint(size);
    scratch.tag(1, FIXED64);
    this.head = [...scratch.buffer.subarray(0, scratch.offset)];
    scratch.offset = 0;
    scratch.tag(2, VARINT);
    scratch.varint(timestampMs);
    this.tail = [...scratch.buffer.subarray(0, scratch.offset)];
  }

  write(writer: Writer, value: number): void {
    for (const byte of this.head) writer.buffer[writer.offset++] = byte;
    writer.double(value);
    for (const byte of this.tail) writer.buffer[writer.offset++] = byte;
  }
}

/** The WriteRequest of samples[start, end), each its own series, written into `buffer` (its exact size). */
function writeSingleSampleSeries(
  samples: readonly MetricSample[],
  encodings: readonly string[],
  start: number,
  end: number,
  buffer: Buffer,
): Buffer {
  const writer = new Writer(buffer);
  let framing: SampleFraming | undefined;
  for (let index = start; index < end; index++) {
    const encoded = encodings[index]!;
    const { value, timestampMs } = samples[index]!;
    // the samples of a scrape share one timestamp
    if (framing?.timestampMs !== timestampMs) framing = new SampleFraming(timestampMs);
    writer.tag(1, LENGTH_DELIMITED);
    writer.varint(encoded.length + framing.fieldSize);
    writer.latin1(encoded);
    framing.write(writer, value);
  }
  return writer.buffer;
}
