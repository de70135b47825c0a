/**
 * The sending side every network exporter shares (the collector's exporterhelper,
 * https://github.com/open-telemetry/opentelemetry-collector/blob/main/exporter/exporterhelper/README.md): a bounded
 * queue of requests with drop-oldest, sized by `sizer` (requests, items or bytes), `num_consumers` workers, a timeout
 * per attempt, retry with backoff for transient failures and never for permanent ones, and a shutdown that delivers
 * what it can before its deadline. With storage (a file_storage extension) the queue lives on disk, one file per
 * request, and what is left at a stop or a kill is sent at the next start. Every item ends up counted exactly once:
 * sent, dropped with a reason, or kept in storage.
 */
import type { Logger } from '../telemetry/logger.js';
import { ThrottledLog } from '../telemetry/logger.js';
import type { SelfMetrics } from '../telemetry/self-metrics.js';
import { backoffDelay, sleep, type RetrySettings } from './backoff.js';
import { BoundedQueue } from './bounded-queue.js';
import type { OpenedStore, RequestStore, StoredRequest } from './request-store.js';
import { PermanentError, ThrottleError, type SendOutcome } from './send-errors.js';

export { PermanentError, ThrottleError, type SendOutcome } from './send-errors.js';

export type DropReason = 'queue_full' | 'permanent_error' | 'retries_exhausted' | 'shutdown' | 'storage_error';

const REASONS: readonly DropReason[] = [
  'queue_full',
  'permanent_error',
  'retries_exhausted',
  'shutdown',
  'storage_error',
];

/** What sending_queue.sizer measures queue_size in (exporterhelper's requests, items, bytes). */
export type Sizer = 'requests' | 'items' | 'bytes';

export interface QueueSettings {
  enabled: boolean;
  numConsumers: number;
  /** capacity, in the sizer's unit */
  queueSize: number;
  /** default requests */
  sizer?: Sizer;
  /** sending_queue.storage: the id of a storage extension (file_storage/…) */
  storage?: string;
}

/** How a persistent queue keeps its requests: the store to open at start, and the exporter's encoding of a request. */
export interface QueuePersistence<T> {
  open(): Promise<OpenedStore>;
  encode(batch: T[]): Buffer;
  decode(payload: Buffer): T[];
}

export interface QueuedSenderOptions<T> {
  exporter: string;
  /** extra labels of the queue gauges, e.g. the shard of a sharded exporter */
  queueLabels?: Record<string, string>;
  /** spans, metric_points … (self-metric names) */
  unit: string;
  queue: QueueSettings;
  retry: RetrySettings;
  /** per attempt; 0 = none */
  timeoutMs: number;
  /** how long shutdown keeps delivering before it drops (or, with storage, keeps) what is left */
  shutdownTimeoutMs: number;
  /** sends one batch; resolves with what was not accepted (partial failure), throws to fail the whole batch */
  send(batch: T[], signal: AbortSignal): Promise<SendOutcome<T> | void>;
  /** how many `unit`s an item stands for (default 1: e.g. a request of many metric points is one item) */
  weight?: (item: T) => number;
  /** how many bytes an item takes as sent (sizer bytes) */
  bytes?: (item: T) => number;
  /** with sending_queue.storage: where and how the queue is kept on disk */
  persistence?: QueuePersistence<T> | undefined;
  logger: Logger;
  metrics: SelfMetrics;
}

/** A queued request: in memory (batch), or on disk (stored) with only its sizes in memory. */
interface Entry<T> {
  batch?: T[];
  stored?: StoredRequest;
  items: number;
  bytes: number;
}

export class QueuedSender<T> {
  private readonly queue: BoundedQueue<Entry<T>>;
  private readonly waiting: (() => void)[] = [];
  private readonly workers: Promise<void>[] = [];
  private readonly stop = new AbortController();
  private readonly throttled: ThrottledLog;
  private readonly sent;
  private readonly dropped: Record<DropReason, { add(amount: number): void }>;
  /** otelcol_exporter_send_failed_<unit>: items whose sending failed for good (refused, or retries exhausted) */
  private readonly sendFailed: { add(amount: number): void };
  private readonly sizer: Sizer;
  private store: RequestStore | undefined;
  private closing = false;
  private inFlight = 0;
  /** what a stop left in storage for the next start */
  private kept = { requests: 0, items: 0 };

  constructor(private readonly options: QueuedSenderOptions<T>) {
    const { metrics, exporter, unit } = options;
    this.sizer = options.queue.sizer ?? 'requests';
    const capacity = options.queue.enabled ? options.queue.queueSize : options.queue.numConsumers;
    const weigh: Record<Sizer, (entry: Entry<T>) => number> = {
      requests: () => 1,
      items: (entry) => entry.items,
      bytes: (entry) => entry.bytes,
    };
    this.queue = new BoundedQueue<Entry<T>>(Math.max(1, capacity), weigh[this.sizer]);
    this.throttled = new ThrottledLog((message) => options.logger.warn(message));
    const labels = { exporter };
    this.sent = metrics.counter(`otelcol_exporter_sent_${unit}`, `${unit} successfully sent`, labels);
    this.dropped = Object.fromEntries(
      REASONS.map((reason) => [
        reason,
        metrics.counter(`otelcol_exporter_dropped_${unit}`, `${unit} dropped, by reason`, { exporter, reason }),
      ]),
    ) as unknown as Record<DropReason, { add(amount: number): void }>;
    // the collector's exporterhelper counts what it could not send as otelcol_exporter_send_failed_<unit>
    // (https://opentelemetry.io/docs/collector/internal-telemetry/#basic-level-metrics)
    this.sendFailed = metrics.counter(
      `otelcol_exporter_send_failed_${unit}`,
      `${unit} in failed attempts to send to the destination`,
      labels,
    );
    const queueLabels = { ...labels, ...options.queueLabels };
    metrics.gauge(
      'otelcol_exporter_queue_size',
      `what the sending queue holds, in its sizer's unit (${this.sizer})`,
      queueLabels,
      () => this.queue.size,
    );
    metrics.gauge(
      'otelcol_exporter_queue_capacity',
      `capacity of the sending queue, in its sizer's unit (${this.sizer})`,
      queueLabels,
      () => this.queue.capacity,
    );
    metrics.gauge(
      'otelcol_exporter_in_flight_batches',
      'batches being sent or retried',
      queueLabels,
      () => this.inFlight,
    );
  }

  /** Starts the workers; with storage, opens it first and queues what a previous run left there. */
  async start(): Promise<void> {
    if (this.options.persistence !== undefined) await this.openStore(this.options.persistence);
    for (let index = 0; index < Math.max(1, this.options.queue.numConsumers); index++) this.workers.push(this.work());
  }

  enqueue(batch: T[]): void {
    if (batch.length === 0) return;
    const items = this.count(batch);
    if (this.closing && this.store === undefined) {
      this.dropCount(items, 'shutdown', 'the exporter is shutting down');
      return;
    }
    let entry: Entry<T>;
    if (this.store !== undefined && this.options.persistence !== undefined) {
      try {
        const stored = this.store.write(this.options.persistence.encode(batch), items);
        entry = { stored, items, bytes: stored.bytes };
      } catch (error) {
        this.dropCount(items, 'storage_error', `the persistent queue refused it: ${(error as Error).message}`);
        return;
      }
    } else {
      entry = { batch, items, bytes: this.sizer === 'bytes' ? this.byteSize(batch) : 0 };
    }
    for (const old of this.queue.push(entry)) {
      this.dropEntry(
        old,
        'queue_full',
        old === entry
          ? `a batch larger than the whole sending queue (${this.queue.capacity} ${this.sizer})`
          : `the sending queue is full (${this.queue.capacity} ${this.sizer}): dropped the oldest batch`,
      );
    }
    this.waiting.shift()?.();
  }

  /**
   * Delivers what is queued until the deadline, then abandons the rest: dropped (counted), or with storage kept on
   * disk for the next start.
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    for (const wake of this.waiting.splice(0)) wake();
    const all = Promise.all(this.workers);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), this.options.shutdownTimeoutMs);
    });
    const outcome = await Promise.race([all.then(() => 'drained' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'deadline') {
      this.stop.abort();
      await all;
    }
    for (const entry of this.queue.drain()) {
      if (entry.stored !== undefined) this.keep(entry.items);
      else this.dropEntry(entry, 'shutdown', 'the shutdown deadline passed');
    }
    if (this.kept.requests > 0 && this.store !== undefined) {
      this.options.logger.warn(
        `exporter ${this.options.exporter}: kept ${this.kept.requests} request(s) (${this.kept.items} ${this.options.unit}) in ${this.store.directory} for the next start`,
      );
    }
    this.store?.close();
  }

  /** Counts and logs items the exporter found it can never send, before queueing them. */
  dropUnsendable(count: number, why: string): void {
    this.dropCount(count, 'permanent_error', why);
  }

  private async openStore(persistence: QueuePersistence<T>): Promise<void> {
    const { store, stored, discarded } = await persistence.open();
    this.store = store;
    for (const problem of discarded) {
      this.options.logger.warn(`exporter ${this.options.exporter}: removed ${problem} from ${store.directory}`);
    }
    if (stored.length === 0) return;
    let items = 0;
    for (const request of stored) {
      items += request.items;
      for (const old of this.queue.push({ stored: request, items: request.items, bytes: request.bytes })) {
        this.dropEntry(old, 'queue_full', `the sending queue is full (${this.queue.capacity} ${this.sizer})`);
      }
    }
    this.options.logger.info(
      `exporter ${this.options.exporter}: ${stored.length} request(s) (${items} ${this.options.unit}) left in ${store.directory} by a previous run are sent first`,
    );
  }

  private async work(): Promise<void> {
    for (;;) {
      if (this.stop.signal.aborted) return;
      const entry = this.queue.shift();
      if (entry === undefined) {
        if (this.closing) return;
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        continue;
      }
      this.inFlight += 1;
      try {
        await this.deliverEntry(entry);
      } finally {
        this.inFlight -= 1;
      }
    }
  }

  private async deliverEntry(entry: Entry<T>): Promise<void> {
    const { stored } = entry;
    if (stored === undefined || this.store === undefined || this.options.persistence === undefined) {
      await this.deliver(entry.batch ?? []);
      return;
    }
    let batch: T[];
    try {
      batch = this.options.persistence.decode(await this.store.read(stored));
    } catch (error) {
      this.store.remove(stored);
      this.dropCount(entry.items, 'storage_error', (error as Error).message);
      return;
    }
    const outcome = await this.deliver(batch, true);
    if (outcome === 'kept') this.keep(entry.items);
    else this.store.remove(stored);
  }

  /** Sends until done (sent or dropped); 'kept' when a stop cut it short and storage keeps it for the next start. */
  private async deliver(batch: T[], persistent = false): Promise<'done' | 'kept'> {
    const { retry } = this.options;
    const started = Date.now();
    let pending = batch;
    const stopped = (why: string): 'done' | 'kept' => {
      if (persistent) return 'kept';
      this.drop(pending, 'shutdown', why);
      return 'done';
    };
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      let throttleMs = 0;
      try {
        const outcome = (await this.options.send(pending, this.attemptSignal())) ?? {};
        const rest = outcome.retry ?? [];
        const rejected = outcome.rejected?.items ?? [];
        this.sent.add(this.count(pending) - this.count(rest) - this.count(rejected));
        if (outcome.rejected !== undefined && rejected.length > 0) {
          this.drop(rejected, 'permanent_error', `refused by the backend: ${outcome.rejected.reason}`);
        }
        if (rest.length === 0) return 'done';
        reason = `${this.count(rest)} of ${this.count(pending)} ${this.options.unit} were not accepted`;
        pending = rest;
      } catch (error) {
        if (this.stop.signal.aborted) return stopped('the shutdown deadline passed during a send');
        if (error instanceof PermanentError) {
          this.drop(pending, 'permanent_error', `not retryable: ${error.message}`);
          return 'done';
        }
        reason = error instanceof Error ? error.message : String(error);
        if (error instanceof ThrottleError) throttleMs = error.delayMs;
      }
      if (!retry.enabled) {
        this.drop(pending, 'retries_exhausted', `send failed and retry_on_failure is disabled: ${reason}`);
        return 'done';
      }
      const backoff = backoffDelay(retry, attempt);
      if (retry.maxElapsedMs > 0 && Date.now() - started + backoff > retry.maxElapsedMs) {
        this.drop(pending, 'retries_exhausted', `gave up after ${attempt} attempts: ${reason}`);
        return 'done';
      }
      const delay = Math.max(backoff, throttleMs);
      this.throttled.log(
        `${this.options.exporter}:retry`,
        `exporter ${this.options.exporter}: send failed (${reason}); retrying in ${delay} ms`,
      );
      if (!(await sleep(delay, this.stop.signal)))
        return stopped('the shutdown deadline passed while waiting to retry');
    }
  }

  private attemptSignal(): AbortSignal {
    if (this.options.timeoutMs <= 0) return this.stop.signal;
    return AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.options.timeoutMs)]);
  }

  private keep(items: number): void {
    this.kept.requests += 1;
    this.kept.items += items;
  }

  private count(batch: T[]): number {
    const { weight } = this.options;
    if (weight === undefined) return batch.length;
    let total = 0;
    for (const item of batch) total += weight(item);
    return total;
  }

  private byteSize(batch: T[]): number {
    const { bytes } = this.options;
    if (bytes === undefined) return 0;
    let total = 0;
    for (const item of batch) total += bytes(item);
    return total;
  }

  private dropEntry(entry: Entry<T>, reason: DropReason, why: string): void {
    if (entry.stored !== undefined) this.store?.remove(entry.stored);
    this.dropCount(entry.items, reason, why);
  }

  private drop(batch: T[], reason: DropReason, why: string): void {
    this.dropCount(this.count(batch), reason, why);
  }

  private dropCount(count: number, reason: DropReason, why: string): void {
    if (count === 0) return;
    this.dropped[reason].add(count);
    if (reason === 'permanent_error' || reason === 'retries_exhausted') this.sendFailed.add(count);
    this.throttled.log(
      `${this.options.exporter}:${reason}`,
      `exporter ${this.options.exporter}: dropped ${count} ${this.options.unit}: ${why}`,
    );
  }
}
