/**
 * A scrape's samples, kept compact while the scrape runs (the series each belongs to, and its value and timestamp
 * in number columns) and made into MetricSample objects only when handed on, a slice at a time. A scrape of 100k
 * series would otherwise hold 100k objects for as long as it reads the exposition: long enough for the garbage
 * collector to promote them all to the old generation, where each scrape's samples pile up until a full collection.
 * Made slice by slice and consumed at once, they die young. One per target, reused from scrape to scrape.
 */
import type { MetricSample } from '../../model.js';
import type { CachedSeries } from './series-cache.js';

/**
 * Samples per slice handed on: the batch processor's default send_batch_size, so that a slice passes a default
 * batch processor as one batch.
 */
export const SAMPLES_PER_SLICE = 8192;

export class ScrapedSamples {
  private series: CachedSeries[] = [];
  private values = new Float64Array(1024);
  /** the scrape's own timestamp, which every sample has unless the exposition gives one (honor_timestamps) */
  private scrapeTimestampMs = 0;
  /** per-sample timestamps, made only once a sample has its own */
  private timestamps: Float64Array | undefined;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Empties it for a scrape stamped `timestampMs` (see clear). */
  begin(timestampMs: number): void {
    this.clear();
    this.scrapeTimestampMs = timestampMs;
  }

  /**
   * Empties it, keeping its columns and array (sized by the largest scrape so far) for the next scrape, which writes
   * over them; when the last scrape was shorter than the array, the series past its end are let go.
   */
  clear(): void {
    if (this.count > 0 && this.series.length > this.count) this.series.length = this.count;
    this.count = 0;
    this.timestamps = undefined;
  }

  /**
   * Empties it and lets go of everything it holds, columns included: after a failed scrape, whose series must not
   * stay alive through it, and whose size says nothing about the next one.
   */
  release(): void {
    this.series = [];
    this.values = new Float64Array(1024);
    this.count = 0;
    this.timestamps = undefined;
  }

  push(series: CachedSeries, value: number, timestampMs: number): void {
    const index = this.count;
    if (index === this.values.length) this.grow();
    this.series[index] = series;
    this.values[index] = value;
    if (this.timestamps !== undefined) {
      this.timestamps[index] = timestampMs;
    } else if (timestampMs !== this.scrapeTimestampMs) {
      this.timestamps = new Float64Array(this.values.length).fill(this.scrapeTimestampMs, 0, index);
      this.timestamps[index] = timestampMs;
    }
    this.count = index + 1;
  }

  /** Hands the samples, in scrape order, to `consume` in slices of at most `sliceSize`, each made as it is handed. */
  forEachSlice(consume: (slice: MetricSample[]) => void, sliceSize = SAMPLES_PER_SLICE): void {
    for (let start = 0; start < this.count; start += sliceSize) {
      const end = Math.min(this.count, start + sliceSize);
      const slice: MetricSample[] = new Array<MetricSample>(end - start);
      for (let index = start; index < end; index++) {
        const series = this.series[index]!;
        slice[index - start] = {
          name: series.name,
          family: series.family,
          type: series.type,
          labels: series.labels,
          value: this.values[index]!,
          timestampMs: this.timestamps === undefined ? this.scrapeTimestampMs : this.timestamps[index]!,
          series,
        };
      }
      consume(slice);
    }
  }

  private grow(): void {
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.values = values;
    if (this.timestamps !== undefined) {
      const timestamps = new Float64Array(this.timestamps.length * 2);
      timestamps.set(this.timestamps);
      this.timestamps = timestamps;
    }
  }
}
