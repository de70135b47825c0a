/**
 * A target's scrape cache, as Prometheus keeps one: what each series text (`name{labels}` as exposed) resolved to
 * after target labels and metric_relabel_configs, so that a series scraped again costs no label parsing, relabeling
 * nor allocation, and keeps the same labels object from scrape to scrape (which lets the remote write exporter reuse
 * its encoding). Targets expose their series in the same order every time, so each series is first compared with
 * the one at the same position in the previous scrape (a string comparison, no hashing, no copy of the text); only
 * series that moved, appeared or changed are looked up by text. Holds the series of the last successful scrape only:
 * what a failed scrape saw is let go when it ends.
 *
 * A series' text is kept in two shared pieces, its name and its labels (`{…}`), and series whose labels resolve to
 * the same labels share one labels object: a target exposes many metrics with the same label sets (every metric of
 * a pod, a handler, a CPU), and a cache of 100k series kept a text and a labels object of its own for each (some
 * 150 bytes a series of the ~360 it held). Label texts and labels are found again through a small table of the
 * last label texts seen (a hash table of fixed size, one entry per hash, the newest wins): a Map of every label
 * text would cost more than it saves on a target whose series each have labels of their own.
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
  /** the series text up to its labels, then its labels (`{…}`, or ''): strings shared with other series */
  readonly nameText: string;
  readonly labelText: string;

  constructor(
    /** the series text, in strings of its own (never slices that would keep a whole scrape body alive) */
    text: string | { nameText: string; labelText: string },
    resolved: ResolvedSeries | null,
    kind = resolved === null ? DROPPED_KIND : new SeriesKind(resolved.name, resolved.family, resolved.type),
    labels = resolved?.labels ?? DROPPED,
  ) {
    this.kind = kind;
    this.labels = resolved === null ? DROPPED : labels;
    if (typeof text === 'string') {
      const split = labelsStart(text);
      this.nameText = text.slice(0, split);
      this.labelText = text.slice(split);
    } else {
      this.nameText = text.nameText;
      this.labelText = text.labelText;
    }
  }

  /** the series text as exposed */
  get text(): string {
    return this.nameText + this.labelText;
  }

  /** whether source.slice(start, end) is this series' text, compared in place */
  isAt(source: string, start: number, end: number): boolean {
    const { nameText, labelText } = this;
    const split = start + nameText.length;
    return (
      split + labelText.length === end &&
      textAt(source, start, split, nameText) &&
      textAt(source, split, end, labelText)
    );
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

/** Entries of the table of recent label texts (a power of two): 64 KB of references per table, whatever the target. */
const RECENT_LABEL_TEXTS = 8192;

/** Where a series text's labels start: its first `{`, else its end (a series without labels). */
function labelsStart(text: string): number {
  const brace = text.indexOf('{');
  return brace < 0 ? text.length : brace;
}

/** Whether two labels objects hold the same labels (values are interned: compared by identity, then by value). */
function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  let count = 0;
  for (const name in a) {
    if (a[name] !== b[name]) return false;
    count++;
  }
  for (const name in b) if (Object.hasOwn(b, name)) count--;
  return count === 0;
}

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a of source.slice(start, end), continued from `hash`. */
function textHash(source: string, start: number, end: number, hash = FNV_OFFSET): number {
  for (let index = start; index < end; index++) hash = Math.imul(hash ^ source.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/** textHash of a series' text, from its two pieces. */
function seriesHash(entry: CachedSeries): number {
  const { nameText, labelText } = entry;
  return textHash(labelText, 0, labelText.length, textHash(nameText, 0, nameText.length));
}

export class SeriesCache {
  /**
   * The series known, by the hash of their text (a series, or the series whose texts share a hash): built only when
   * a series is not where the previous scrape had it, and dropped at the end of each successful scrape (the previous
   * scrape's order rebuilds it), so that a target exposing the same series in the same order costs no index at all.
   * Keyed by hash, not by text, so that building it makes no string (a series' text is kept in two pieces).
   */
  private byText: Map<number, CachedSeries | CachedSeries[]> | undefined;
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
  /**
   * The label texts last seen, by hash, and the labels the first series of each resolved to (undefined when it was
   * dropped): a new series with a label text found here shares the text, and the labels when its own resolve to
   * the same. Entries only ever point at strings and labels objects (never at a series); emptied when a scrape fails.
   */
  private readonly recentLabelTexts: (string | undefined)[] = new Array<string | undefined>(RECENT_LABEL_TEXTS);
  private readonly recentLabels: (Record<string, string> | undefined)[] = new Array<Record<string, string> | undefined>(
    RECENT_LABEL_TEXTS,
  );

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

  /** As intern, for a slice: what is kept is a copy of its own. */
  private internCopy(slice: string): string {
    return this.strings.get(slice) ?? this.intern(detached(slice));
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
    if (entry === undefined || !entry.isAt(source, start, end)) {
      entry = this.lookUp(source, start, end);
      if (entry === undefined) return undefined;
    }
    this.see(entry);
    return entry;
  }

  /** Caches a series text `find` did not know, with what `resolve` (given a copy of the text) makes of it. */
  add(seriesText: string, resolve: (text: string) => ResolvedSeries | null): CachedSeries {
    const resolved = resolve(detached(seriesText));
    const split = labelsStart(seriesText);
    const nameText = this.internCopy(split === seriesText.length ? seriesText : seriesText.slice(0, split));
    let labelText = '';
    let labels = resolved?.labels ?? DROPPED;
    if (split < seriesText.length) {
      const recent = textHash(seriesText, split, seriesText.length) & (RECENT_LABEL_TEXTS - 1);
      const known = this.recentLabelTexts[recent];
      if (known !== undefined && textAt(seriesText, split, seriesText.length, known)) {
        labelText = known;
        const knownLabels = this.recentLabels[recent];
        if (resolved !== null && knownLabels !== undefined && sameLabels(knownLabels, resolved.labels)) {
          labels = knownLabels;
        }
      } else {
        labelText = detached(seriesText.slice(split));
        this.recentLabelTexts[recent] = labelText;
        this.recentLabels[recent] = resolved?.labels;
      }
    }
    const kind = resolved === null ? DROPPED_KIND : this.kindOf(resolved);
    const entry = new CachedSeries({ nameText, labelText }, resolved, kind, labels);
    this.insert(entry);
    this.see(entry);
    return entry;
  }

  private lookUp(source: string, start: number, end: number): CachedSeries | undefined {
    const found = this.index().get(textHash(source, start, end));
    if (found === undefined || !Array.isArray(found)) return found?.isAt(source, start, end) ? found : undefined;
    return found.find((entry) => entry.isAt(source, start, end));
  }

  private insert(entry: CachedSeries): void {
    const index = this.index();
    const hash = seriesHash(entry);
    const found = index.get(hash);
    // a series exposed twice is at two places of the previous order, and indexed once
    if (found === undefined) index.set(hash, entry);
    else if (Array.isArray(found)) {
      if (!found.includes(entry)) found.push(entry);
    } else if (found !== entry) index.set(hash, [found, entry]);
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

  private index(): Map<number, CachedSeries | CachedSeries[]> {
    if (this.byText === undefined) {
      this.byText = new Map();
      for (let index = 0; index < this.previousLength; index++) {
        this.insert(this.previous[index]!);
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
    this.recentLabelTexts.fill(undefined);
    this.recentLabels.fill(undefined);
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
