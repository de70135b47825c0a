/**
 * Cumulative values turned into deltas per series, as awsemf's delta calculator does
 * (opentelemetry-collector-contrib internal/aws/metrics/metric_calculator.go, calculateDelta): the first point of a
 * series has no delta (undefined), every later one the difference with the previous value, negative after a reset
 * (the caller decides what a negative delta means). Series not seen for `expiryMs` are forgotten, so the state
 * cannot grow without bound.
 */
export class DeltaTracker {
  private readonly last = new Map<string, { value: number; seenAt: number }>();
  private lastSweep = 0;

  constructor(
    private readonly expiryMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** the difference with the previous value of `key`, or undefined for the first point of a series */
  delta(key: string, value: number): number | undefined {
    const time = this.now();
    this.sweep(time);
    const previous = this.last.get(key);
    this.last.set(key, { value, seenAt: time });
    return previous === undefined ? undefined : value - previous.value;
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
