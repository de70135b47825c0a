/**
 * A FIFO with a capacity in the unit of its sizer (requests, items or bytes: each entry says how much it weighs).
 * When an entry does not fit, pushing drops the OLDEST entries to make room, so that a stalled backend costs old data
 * rather than blocking receivers; an entry larger than the whole capacity is refused. The caller counts and logs
 * what was dropped.
 */
export class BoundedQueue<T> {
  private entries: (T | undefined)[] = [];
  private weights: number[] = [];
  private head = 0;
  private total = 0;

  constructor(
    readonly capacity: number,
    private readonly weigh: (item: T) => number = () => 1,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  /** How much it holds, in the sizer's unit. */
  get size(): number {
    return this.total;
  }

  /** How many entries it holds. */
  get length(): number {
    return this.entries.length - this.head;
  }

  /**
   * Adds to the tail; returns the entries dropped from the head to make room (empty when there was room), or the
   * entry itself when it alone is larger than the capacity.
   */
  push(item: T): T[] {
    const weight = this.weigh(item);
    if (weight > this.capacity) return [item];
    const dropped: T[] = [];
    while (this.total + weight > this.capacity) {
      const oldest = this.shift();
      if (oldest === undefined) break;
      dropped.push(oldest);
    }
    this.entries.push(item);
    this.weights.push(weight);
    this.total += weight;
    return dropped;
  }

  shift(): T | undefined {
    if (this.head === this.entries.length) return undefined;
    const item = this.entries[this.head];
    this.entries[this.head] = undefined;
    this.total -= this.weights[this.head]!;
    this.head += 1;
    if (this.head === this.entries.length) {
      this.entries = [];
      this.weights = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.weights = this.weights.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Empties the queue, returning what it held (oldest first). */
  drain(): T[] {
    const all: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) all.push(item);
    return all;
  }
}
