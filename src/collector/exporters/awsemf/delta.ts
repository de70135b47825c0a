/**
 * Cumulative values (Prometheus counters, histogram and summary sums, counts and buckets) turned into deltas per
 * series, as awsemf does: the first point of a series only sets the baseline and yields nothing, and a value lower
 * than the previous one (a restarted process) sets a new baseline instead of a negative delta. Series not seen for
 * `expiryMs` are forgotten, so the state cannot grow without bound.
 */
export class DeltaTracker {
  private readonly last = new Map<string, { value: number; seenAt: number }>();
  private lastSweep = 0;

  constructor(
    private readonly expiryMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
    /**
     * retain_initial_value_of_delta_metric: a series' first value is its own delta (the collector's "use the
     * current metric value instead" when no previous point exists), not only the baseline
     */
    private readonly retainInitial = false,
  ) {}

  /** the increase since the previous value of `key`, or undefined for a first point (unless retained) or a reset */
  delta(key: string, value: number): number | undefined {
    const time = this.now();
    this.sweep(time);
    const previous = this.last.get(key);
    this.last.set(key, { value, seenAt: time });
    if (previous === undefined) return this.retainInitial ? value : undefined;
    if (value < previous.value) return undefined;
    return value - previous.value;
  }

  get size(): number {
    return this.last.size;
  }

  private sweep(time: number): void {
    if (time - this.lastSweep < this.expiryMs) return;
    this.lastSweep = time;
    for (const [key, entry] of this.last) if (time - entry.seenAt > this.expiryMs) this.last.delete(key);
  }
}

/** The identity of a series: its name and its labels in name order. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((label) => `${label}=${JSON.stringify(labels[label])}`);
  return `${name}{${parts.join(',')}}`;
}
