import { describe, expect, it } from 'vitest';
import type { MetricSample } from '../../src/collector/model.js';
import { ScrapedSamples } from '../../src/collector/receivers/prometheus/scraped-samples.js';
import { CachedSeries } from '../../src/collector/receivers/prometheus/series-cache.js';

const series = (name: string) => new CachedSeries(name, { name, family: name, type: 'gauge', labels: { job: 'a' } });

function slices(samples: ScrapedSamples, size: number): MetricSample[][] {
  const handed: MetricSample[][] = [];
  samples.forEachSlice((slice) => handed.push(slice), size);
  return handed;
}

describe('a scrape kept in columns', () => {
  it('hands the samples on in order, in slices, each carrying its series slot', () => {
    const samples = new ScrapedSamples();
    const all = Array.from({ length: 2500 }, (_, index) => series(`m_${index}`));
    samples.begin(1_000);
    all.forEach((entry, index) => samples.push(entry, index / 2, 1_000));
    const handed = slices(samples, 1000);
    expect(handed.map((slice) => slice.length)).toEqual([1000, 1000, 500]);
    const flat = handed.flat();
    expect(flat[1234]).toEqual({
      name: 'm_1234',
      family: 'm_1234',
      type: 'gauge',
      labels: { job: 'a' },
      value: 617,
      timestampMs: 1_000,
      series: all[1234],
    });
    expect(flat[1234]?.labels).toBe(all[1234]?.labels);
  });

  it('keeps the timestamps an exposition gives, and forgets them for the next scrape', () => {
    const samples = new ScrapedSamples();
    samples.begin(5_000);
    samples.push(series('a'), 1, 5_000);
    samples.push(series('b'), 2, 4_200);
    samples.push(series('c'), 3, 5_000);
    expect(slices(samples, 10)[0]?.map((sample) => sample.timestampMs)).toEqual([5_000, 4_200, 5_000]);
    samples.begin(10_000);
    samples.push(series('a'), 1, 10_000);
    expect(slices(samples, 10)[0]?.map((sample) => sample.timestampMs)).toEqual([10_000]);
  });

  it('starts empty again after clear, and hands on nothing when empty', () => {
    const samples = new ScrapedSamples();
    samples.begin(1);
    samples.push(series('a'), 1, 1);
    samples.clear();
    expect(samples.length).toBe(0);
    expect(slices(samples, 10)).toEqual([]);
  });
});
