/**
 * A target's scrape cache, as Prometheus keeps one: what each series text (`name{labels}` as exposed) resolved to
 * after target labels and metric_relabel_configs, so that a series scraped again costs no label parsing, relabeling
 * nor allocation, and keeps the same labels object from scrape to scrape (which lets the remote write exporter reuse
 * its encoding). Targets expose their series in the same order every time, so each series is first compared with
 * the one at the same position in the previous scrape (a string comparison, no hashing, no copy of the text); only
 * series that moved, appeared or changed are looked up by text. Holds the series of the last successful scrape only:
 * what a failed scrape saw is let go when it ends.
 */
import type { MetricType, SeriesSlot } from '../../model.js';

/** What a series text resolved to; null = dropped by metric_relabel_configs. */
export interface ResolvedSeries {
  name: string;
  family: string;
  type: MetricType;
  labels: Record<string, string>;
}

/** The labels of a series metric_relabel_configs dropped (never a sample's). */
const DROPPED: Record<string, string> = Object.freeze({});

/** A series' name, family and type: shared by the series of a family (a cache keeps one per distinct triple). */
export class SeriesKind {
  constructor(
    readonly name: string,
    readonly family: string,
    readonly type: MetricType,
  ) {}
}

const DROPPED_KIND = new SeriesKind('', '', 'untyped');

/**
 * One series of a target, kept from scrape to scrape; its samples carry it as their series slot. A cache holds one
 * per series (100k and more), so it holds as few fields as it can: name, family and type sit in a shared kind.
 */
export class CachedSeries implements SeriesSlot {
  exporterState: unknown = undefined;
  exporterTag = 0;
  /** the last scrape that saw it */
  scrape = 0;
  readonly kind: SeriesKind;
  readonly labels: Record<string, string>;

  constructor(
    /** the series text, in a string of its own (never a slice that would keep a whole scrape body alive) */
    readonly text: string,
    resolved: ResolvedSeries | null,
    kind = resolved === null ? DROPPED_KIND : new SeriesKind(resolved.name, resolved.family, resolved.type),
  ) {
    this.kind = kind;
    this.labels = resolved?.labels ?? DROPPED;
  }

  get name(): string {
    return this.kind.name;
  }

  get family(): string {
    return this.kind.family;
  }

  get type(): MetricType {
    return this.kind.type;
  }

  /** whether metric_relabel_configs drop it */
  get dropped(): boolean {
    return this.labels === DROPPED;
  }
}

/** Distinct label names and values kept at most; a target with unbounded distinct values must not grow it forever. */
const MAX_INTERNED = 100_000;

export class SeriesCache {
  /**
   * The series known, by text: built only when a series is not where the previous scrape had it, and dropped at
   * the end of each successful scrape (the previous scrape's order rebuilds it), so that a target exposing the same
   * series in the same order costs no index at all.
   */
  private byText: Map<string, CachedSeries> | undefined;
  /** how many distinct series the last successful scrape saw */
  private known = 0;
  /**
   * The series of the last successful scrape, in exposition order (duplicates included), and of the one running.
   * Two arrays that swap at each commit and are written by position, so that a scrape allocates no array (an
   * array of 100k entries lives outside the young generation: each one left behind waits for a full collection).
   */
  private previous: CachedSeries[] = [];
  private previousLength = 0;
  private current: CachedSeries[] = [];
  private position = 0;
  private scrape = 0;
  private distinct = 0;
  /** one copy of each label value and name across a target's series (many series share "default", "app" …) */
  private readonly strings = new Map<string, string>();
  /** one kind per distinct name, family and type */
  private readonly kinds = new Map<string, SeriesKind>();

  /** How many series texts it holds. */
  get size(): number {
    return this.byText?.size ?? this.known;
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
    this.position = 0;
  }

  /**
   * The series `source.slice(start, end)` is, if this cache knows it (then it counts as seen by this scrape); else
   * undefined, and the caller resolves the text and hands it to `add`.
   */
  find(source: string, start: number, end: number): CachedSeries | undefined {
    let entry = this.position < this.previousLength ? this.previous[this.position] : undefined;
    if (entry === undefined || !textAt(source, start, end, entry.text)) {
      entry = this.index().get(source.slice(start, end));
      if (entry === undefined) return undefined;
    }
    this.see(entry);
    return entry;
  }

  /** Caches a series text `find` did not know, with what `resolve` (given a copy of the text) makes of it. */
  add(seriesText: string, resolve: (text: string) => ResolvedSeries | null): CachedSeries {
    const text = detached(seriesText);
    const resolved = resolve(text);
    const entry = new CachedSeries(text, resolved, resolved === null ? DROPPED_KIND : this.kindOf(resolved));
    this.index().set(text, entry);
    this.see(entry);
    return entry;
  }

  private kindOf(resolved: ResolvedSeries): SeriesKind {
    const key = `${resolved.name}\u0000${resolved.family}\u0000${resolved.type}`;
    let kind = this.kinds.get(key);
    if (kind === undefined) {
      // bounded like the interned strings: a target with unbounded distinct names must not grow it forever
      if (this.kinds.size >= MAX_INTERNED) this.kinds.clear();
      kind = new SeriesKind(resolved.name, resolved.family, resolved.type);
      this.kinds.set(key, kind);
    }
    return kind;
  }

  private index(): Map<string, CachedSeries> {
    if (this.byText === undefined) {
      this.byText = new Map();
      for (let index = 0; index < this.previousLength; index++) {
        const entry = this.previous[index]!;
        this.byText.set(entry.text, entry);
      }
    }
    return this.byText;
  }

  private see(entry: CachedSeries): void {
    if (entry.scrape !== this.scrape) {
      entry.scrape = this.scrape;
      this.distinct++;
    }
    this.current[this.position++] = entry;
  }

  /** Ends a successful scrape: its series become the cache, series it did not expose are forgotten. */
  commit(): void {
    const done = this.current;
    // a scrape shorter than the last lets go of the series past its end
    if (done.length > this.position) done.length = this.position;
    // the array the next scrape writes into still holds the scrape before the last: series gone since are let go now
    this.previous.fill(undefined as unknown as CachedSeries, 0, this.previousLength);
    this.current = this.previous;
    this.previous = done;
    this.previousLength = this.position;
    this.known = this.distinct;
    this.byText = undefined;
  }

  /**
   * Ends a failed scrape: the previous order stays the reference for the next one, and the series only the failed
   * scrape saw are let go (a target that keeps failing with new series must not grow the cache).
   */
  abandon(): void {
    this.current.fill(undefined as unknown as CachedSeries, 0, this.position);
    this.position = 0;
    this.byText = undefined;
  }
}

/**
 * Whether source.slice(start, end) is `text`, compared in place. A plain loop: String.prototype.startsWith with a
 * position is not inlined by the optimizing compiler and costs several times more on texts this short.
 */
function textAt(source: string, start: number, end: number, text: string): boolean {
  if (text.length !== end - start) return false;
  for (let index = 0; index < text.length; index++) {
    if (source.charCodeAt(start + index) !== text.charCodeAt(index)) return false;
  }
  return true;
}

/**
 * A copy of the text that shares no memory with the string it was sliced from: V8 represents a slice as a view of
 * its parent, and a cached series text must not keep a whole scrape body alive.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
