/**
 * A FIFO of batches with a fixed capacity. When full, pushing drops the OLDEST batches to make room, so that a
 * stalled backend costs old data rather than blocking receivers; the caller counts and logs what was dropped.
 */
export class BoundedQueue<T> {
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds to the tail; returns the batches dropped from the head to make room (empty when there was room). */
  push(item: T): T[] {
    const dropped: T[] = [];
    if (this.count === this.capacity) {
      const oldest = this.shift();
      if (oldest !== undefined) dropped.push(oldest);
    }
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count += 1;
    return dropped;
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count -= 1;
    return item;
  }

  /** Empties the queue, returning what it held (oldest first). */
  drain(): T[] {
    const all: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) all.push(item);
    return all;
  }
}
