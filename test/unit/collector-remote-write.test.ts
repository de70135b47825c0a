import snappy from 'snappy';
import { describe, expect, it } from 'vitest';
import {
  encodeRequests,
  encodeWriteRequest,
  RequestList,
  SeriesEncoder,
  toTimeSeries,
} from '../../src/collector/exporters/prw/write-request.js';
import type { MetricSample, SeriesSlot } from '../../src/collector/model.js';
import { decodeWriteRequest, uncompressWriteBody } from '../helpers/collector-remote-write.js';

const sample = (name: string, labels: Record<string, string>, value: number, timestampMs: number): MetricSample => ({
  name,
  family: name,
  type: 'counter',
  labels,
  value,
  timestampMs,
});

/** A series' labels, read back with protobufjs. */
function labelsOf(encoded: string | undefined): [string, string][] {
  if (encoded === undefined) return [];
  const [decoded] = decodeWriteRequest(encodeWriteRequest([{ encoded, samples: [] }]));
  return (decoded?.labels ?? []).map((label) => [label.name, label.value]);
}

describe('remote write 1.0 WriteRequest', () => {
  const samples = [
    sample(
      'http_requests_total',
      { job: 'api', instance: 'a:1', code: '200', Zone: 'é-unicode' },
      1027,
      1_700_000_001_000,
    ),
    sample(
      'http_requests_total',
      { job: 'api', instance: 'a:1', code: '200', Zone: 'é-unicode' },
      1020,
      1_700_000_000_000,
    ),
    sample('up', { job: 'api', instance: 'a:1' }, 1, 1_700_000_000_000),
    sample('weird', { job: 'api', empty: '' }, Number.NaN, 0),
    sample('inf', { job: 'api' }, -Infinity, 2 ** 45),
  ];

  it('groups samples into series with labels sorted by name and samples in time order', () => {
    const series = toTimeSeries(samples, new SeriesEncoder({ externalLabels: { cluster: 'demo', job: 'ignored' } }));
    expect(series).toHaveLength(4);
    expect(labelsOf(series[0]?.encoded)).toEqual([
      ['Zone', 'é-unicode'],
      ['__name__', 'http_requests_total'],
      ['cluster', 'demo'],
      ['code', '200'],
      ['instance', 'a:1'],
      ['job', 'api'],
    ]);
    expect(series[0]?.samples.map((point) => point.value)).toEqual([1020, 1027]);
    expect(labelsOf(series[2]?.encoded)).toEqual([
      ['__name__', 'weird'],
      ['cluster', 'demo'],
      ['job', 'api'],
    ]);
  });

  it('encodes what protobufjs decodes with the published schema, through snappy', () => {
    const series = toTimeSeries(samples, new SeriesEncoder({ namespace: 'shop' }));
    const wire = snappy.compressSync(encodeWriteRequest(series)) as Buffer;
    const decoded = decodeWriteRequest(uncompressWriteBody(wire));
    expect(decoded.map((entry) => entry.labels.map((label) => [label.name, label.value]))).toEqual(
      series.map((entry) => labelsOf(entry.encoded)),
    );
    expect(decoded[0]?.samples).toEqual([
      { value: 1020, timestamp: 1_700_000_000_000 },
      { value: 1027, timestamp: 1_700_000_001_000 },
    ]);
    expect(decoded[0]?.labels.find((label) => label.name === '__name__')?.value).toBe('shop_http_requests_total');
    expect(Number.isNaN(decoded[2]?.samples[0]?.value)).toBe(true);
    expect(decoded[3]?.samples[0]).toEqual({ value: -Infinity, timestamp: 2 ** 45 });
  });

  it("reads bodies in snappy's block format only, with a preamble that gives the uncompressed length", () => {
    const payload = encodeWriteRequest(toTimeSeries(samples, new SeriesEncoder()));
    const block = snappy.compressSync(payload) as Buffer;
    expect(uncompressWriteBody(block)).toEqual(payload);
    // the framing (stream) format's first chunk, the stream identifier
    const stream = Buffer.concat([Buffer.from([0xff, 0x06, 0x00, 0x00]), Buffer.from('sNaPpY'), block]);
    expect(() => uncompressWriteBody(stream)).toThrow(/framing format/);
    const wrongLength = Buffer.concat([Buffer.from([block[0]! ^ 1]), block.subarray(1)]);
    expect(() => uncompressWriteBody(wrongLength)).toThrow();
  });

  it('encodes equal labels alike, and a labels object shared by two names as two series', () => {
    const encoder = new SeriesEncoder();
    const labels = { job: 'api' };
    const first = encoder.series(sample('up', labels, 1, 1));
    expect(encoder.series(sample('up', labels, 0, 2))).toBe(first);
    expect(encoder.series(sample('up', { job: 'api' }, 0, 2))).toBe(first);
    expect(labelsOf(encoder.series(sample('down', labels, 0, 2)))).toEqual([
      ['__name__', 'down'],
      ['job', 'api'],
    ]);
  });

  it('encodes an empty request as zero bytes', () => {
    expect(encodeWriteRequest([]).length).toBe(0);
  });

  it('keeps the encoding out of sight of whatever reads the labels, and encodes frozen labels too', () => {
    const encoder = new SeriesEncoder();
    const labels = { job: 'api' };
    encoder.series(sample('up', labels, 1, 1));
    expect(Object.keys(labels)).toEqual(['job']);
    expect({ ...labels }).toEqual({ job: 'api' });
    expect(JSON.stringify(labels)).toBe('{"job":"api"}');
    const frozen = Object.freeze({ job: 'api' });
    const first = encoder.series(sample('up', frozen, 1, 1));
    expect(encoder.series(sample('up', frozen, 1, 2))).toBe(first);
    expect(first).toBe(encoder.series(sample('up', labels, 1, 1)));
  });

  it('groups by the encodings the caller already found, and re-groups a series in a later call', () => {
    const encoder = new SeriesEncoder();
    const labels = { job: 'api' };
    const batch = [sample('up', labels, 1, 20), sample('up', labels, 0, 10), sample('other', labels, 5, 10)];
    const known = batch.map((entry) => encoder.series(entry));
    const grouped = toTimeSeries(batch, encoder, known);
    const nameOf = (encoded: string) => labelsOf(encoded).find(([name]) => name === '__name__')?.[1];
    expect(grouped.map((entry) => [nameOf(entry.encoded), entry.samples.map((point) => point.value)])).toEqual([
      ['up', [0, 1]],
      ['other', [5]],
    ]);
    expect(toTimeSeries(batch.slice(0, 1), encoder).map((entry) => entry.samples.length)).toEqual([1]);
  });
});

/** encodeRequests into a list of requests, each in a buffer of its own. */
function encodeAll(samples: MetricSample[], encodings: string[], maxBytes: number) {
  const list = new RequestList();
  const unsendable = encodeRequests(samples, encodings, maxBytes, list);
  return { requests: list.requests, unsendable };
}

describe('remote write requests straight from a scrape', () => {
  /** A scrape of `count` series, each sample carrying its series slot as the prometheus receiver's do. */
  function scrape(count: number, timestampMs: number, slots: SeriesSlot[] = []): MetricSample[] {
    return Array.from({ length: count }, (_, index) => {
      const slot = (slots[index] ??= {
        name: `m_${index % 3}`,
        labels: { pod: `p-${index}` },
        exporterState: undefined,
        exporterTag: 0,
      });
      return { ...sample(slot.name, slot.labels, index * 1.5, timestampMs), series: slot };
    });
  }
  const decodeAll = (payloads: Buffer[]) =>
    payloads.flatMap(decodeWriteRequest).map((series) => ({
      labels: Object.fromEntries(series.labels.map((label) => [label.name, label.value])),
      samples: series.samples,
    }));

  it('writes one series per sample, in order, split under the byte limit, and counts the samples of each request', () => {
    const encoder = new SeriesEncoder({ externalLabels: { cluster: 'demo' } });
    const samples = scrape(50, 1_700_000_000_000);
    const encodings = samples.map((entry) => encoder.series(entry));
    const whole = encodeAll(samples, encodings, 3_000_000);
    expect(whole.requests).toHaveLength(1);
    expect(whole.unsendable).toBe(0);
    const split = encodeAll(samples, encodings, 400);
    expect(split.requests.length).toBeGreaterThan(5);
    for (const request of split.requests) expect(request.payload.length).toBeLessThanOrEqual(400);
    expect(split.requests.reduce((total, request) => total + request.samples, 0)).toBe(50);
    const decoded = decodeAll(split.requests.map((request) => request.payload));
    expect(decoded).toEqual(decodeAll(whole.requests.map((request) => request.payload)));
    expect(decoded).toHaveLength(50);
    expect(decoded[7]).toEqual({
      labels: { __name__: 'm_1', cluster: 'demo', pod: 'p-7' },
      samples: [{ value: 10.5, timestamp: 1_700_000_000_000 }],
    });
  });

  it('keeps a series encoding in its slot from scrape to scrape, and not for a copy with other labels', () => {
    const encoder = new SeriesEncoder();
    const slots: SeriesSlot[] = [];
    const first = scrape(3, 1_000, slots);
    const encoded = encoder.series(first[0]!);
    // the slot keeps the labels but __name__ (kept once per name by the encoder)
    expect(labelsOf(slots[0]?.exporterState as string)).toEqual([['pod', 'p-0']]);
    const kept = slots[0]?.exporterState;
    expect(encoder.series(scrape(3, 2_000, slots)[0]!)).toBe(encoded);
    const relabeled = { ...first[0]!, labels: { pod: 'other' } };
    expect(labelsOf(encoder.series(relabeled))).toEqual([
      ['__name__', 'm_0'],
      ['pod', 'other'],
    ]);
    expect(slots[0]?.exporterState).toBe(kept);
    // another encoder, other settings: its own encoding, and the slot stays the first one's
    const other = new SeriesEncoder({ externalLabels: { cluster: 'b' } });
    expect(labelsOf(other.series(first[0]!))).toEqual([
      ['__name__', 'm_0'],
      ['cluster', 'b'],
      ['pod', 'p-0'],
    ]);
    expect(slots[0]?.exporterState).toBe(kept);
    expect(encoder.series(first[0]!)).toBe(encoded);
  });

  it('series of different names with the same labels each encode as their own series, spread over shards by name too', () => {
    const encoder = new SeriesEncoder({ externalLabels: { cluster: 'c' } });
    const slots: SeriesSlot[] = [];
    const scraped: MetricSample[] = [];
    for (let metric = 0; metric < 20; metric++) {
      for (let pod = 0; pod < 3; pod++) {
        // equal labels in distinct objects, as a scrape makes them before its series cache shares them
        const labels = { pod: `p-${pod}`, job: 'j' };
        const slot: SeriesSlot = { name: `m_${metric}`, labels, exporterState: undefined, exporterTag: 0 };
        slots.push(slot);
        scraped.push({ ...sample(`m_${metric}`, labels, metric, 1), series: slot });
      }
    }
    const tags = scraped.map((item) => {
      const encodings: string[] = [];
      encoder.encode(item, encodings);
      expect(labelsOf(encodings[0])).toEqual([
        ['__name__', item.name],
        ['cluster', 'c'],
        ['job', 'j'],
        ['pod', item.labels.pod!],
      ]);
      return item.series!.exporterTag;
    });
    expect(new Set(tags).size).toBe(60);
    expect(labelsOf(slots[59]!.exporterState as string)).toEqual([
      ['cluster', 'c'],
      ['job', 'j'],
      ['pod', 'p-2'],
    ]);
  });

  it('keeps the whole encoding when a label sorts before __name__', () => {
    const encoder = new SeriesEncoder();
    const slot: SeriesSlot = { name: 'up', labels: { Zone: 'a', job: 'j' }, exporterState: undefined, exporterTag: 0 };
    const scraped = { ...sample('up', slot.labels, 1, 1), series: slot };
    expect(labelsOf(encoder.series(scraped))).toEqual([
      ['Zone', 'a'],
      ['__name__', 'up'],
      ['job', 'j'],
    ]);
    expect(labelsOf(slot.exporterState as string)).toEqual([
      ['Zone', 'a'],
      ['__name__', 'up'],
      ['job', 'j'],
    ]);
  });

  it('groups a series that appears twice, in time order, and leaves out what cannot be sent', () => {
    const encoder = new SeriesEncoder();
    const slots: SeriesSlot[] = [];
    const samples = [...scrape(2, 2_000, slots), ...scrape(2, 1_000, slots), sample('neg', { a: '1' }, 1, -5)];
    const { requests, unsendable } = encodeAll(
      samples,
      samples.map((entry) => encoder.series(entry)),
      3_000_000,
    );
    expect(unsendable).toBe(1);
    expect(requests.map((request) => request.samples)).toEqual([4]);
    expect(decodeAll(requests.map((request) => request.payload)).map((series) => series.samples)).toEqual([
      [
        { value: 0, timestamp: 1_000 },
        { value: 0, timestamp: 2_000 },
      ],
      [
        { value: 1.5, timestamp: 1_000 },
        { value: 1.5, timestamp: 2_000 },
      ],
    ]);
  });

  it('groups equal labels in distinct objects into one series', () => {
    const encoder = new SeriesEncoder();
    const samples = [sample('up', { job: 'a' }, 1, 1_000), sample('up', { job: 'a' }, 0, 2_000)];
    const { requests } = encodeAll(
      samples,
      samples.map((entry) => encoder.series(entry)),
      3_000_000,
    );
    expect(decodeAll(requests.map((request) => request.payload))).toEqual([
      {
        labels: { __name__: 'up', job: 'a' },
        samples: [
          { value: 1, timestamp: 1_000 },
          { value: 0, timestamp: 2_000 },
        ],
      },
    ]);
  });
});

describe('remote write: Retry-After', () => {
  // RFC 9110 section 10.2.3: delay-seconds or an HTTP-date (IMF-fixdate)
  it('reads delay-seconds and an HTTP date, and nothing else', async () => {
    const { retryAfterMs } = await import('../../src/collector/exporters/prw/exporter.js');
    const now = Date.parse('Sun, 06 Nov 1994 08:49:30 GMT');
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(7_000);
    expect(retryAfterMs('Sun, 06 Nov 1994 08:49:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });
});
