/**
 * A target's scrape cache, as Prometheus keeps one: what each series text (`name{labels}` as exposed) resolved to
 * after target labels and metric_relabel_configs, so that a series scraped again costs no label parsing, relabeling
 * nor allocation, and keeps the same labels object from scrape to scrape (which lets the remote write exporter reuse
 * its encoding). Targets expose their series in the same order every time, so each series is first compared with
 * the one at the same position in the previous scrape (a string comparison, no hashing, no copy of the text); only
 * series that moved, appeared or changed are looked up by text. Holds the series of the last successful scrape
 * (plus those seen by failed scrapes since, until the next success).
 */
import type { MetricType } from '../../model.js';

/** What a series text resolved to; null = dropped by metric_relabel_configs. */
export interface ResolvedSeries {
  name: string;
  family: string;
  type: MetricType;
  labels: Record<string, string>;
}

interface Entry {
  /** the series text, in a string of its own (never a slice that would keep a whole scrape body alive) */
  text: string;
  resolved: ResolvedSeries | null;
  /** the last scrape that saw it */
  scrape: number;
}

/** Distinct label names and values kept at most; a target with unbounded distinct values must not grow it forever. */
const MAX_INTERNED = 100_000;

export class SeriesCache {
  private readonly byText = new Map<string, Entry>();
  /** the series of the last successful scrape, in exposition order (duplicates included) */
  private previous: Entry[] = [];
  private current: Entry[] = [];
  private scrape = 0;
  private distinct = 0;
  /** one copy of each label value and name across a target's series (many series share "default", "app" …) */
  private readonly strings = new Map<string, string>();

  /** How many series texts it holds. */
  get size(): number {
    return this.byText.size;
  }

  intern(text: string): string {
    let kept = this.strings.get(text);
    if (kept === undefined) {
      if (this.strings.size >= MAX_INTERNED) this.strings.clear();
      kept = text;
      this.strings.set(text, kept);
    }
    return kept;
  }

  /** Starts a scrape. */
  begin(): void {
    this.scrape++;
    this.distinct = 0;
    this.current = [];
  }

  /** What `source.slice(start, end)` resolves to, computing it (from a copy of the text) only for a new series. */
  resolve(
    source: string,
    start: number,
    end: number,
    compute: (seriesText: string) => ResolvedSeries | null,
  ): ResolvedSeries | null {
    let entry = this.previous[this.current.length];
    if (entry === undefined || entry.text.length !== end - start || !source.startsWith(entry.text, start)) {
      const slice = source.slice(start, end);
      entry = this.byText.get(slice);
      if (entry === undefined) {
        const text = detached(slice);
        entry = { text, resolved: compute(text), scrape: 0 };
        this.byText.set(text, entry);
      }
    }
    if (entry.scrape !== this.scrape) {
      entry.scrape = this.scrape;
      this.distinct++;
    }
    this.current.push(entry);
    return entry.resolved;
  }

  /** Ends a successful scrape: its series become the cache, series it did not expose are forgotten. */
  commit(): void {
    this.previous = this.current;
    this.current = [];
    if (this.byText.size === this.distinct) return;
    for (const [text, entry] of this.byText) if (entry.scrape !== this.scrape) this.byText.delete(text);
  }

  /** Ends a failed scrape: the previous order stays the reference for the next one. */
  abandon(): void {
    this.current = [];
  }
}

/**
 * A copy of the text that shares no memory with the string it was sliced from: V8 represents a slice as a view of
 * its parent, and a cached series text must not keep a whole scrape body alive.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
