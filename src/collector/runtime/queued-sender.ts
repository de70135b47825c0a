/**
 * The sending side every network exporter shares (the collector's exporterhelper): a bounded queue of batches
 * with drop-oldest, `num_consumers` workers, a timeout per attempt, retry with backoff for transient failures and
 * never for permanent ones, and a shutdown that delivers what it can before its deadline. Every item ends up
 * counted exactly once: sent, or dropped with a reason.
 */
import type { Logger } from '../telemetry/logger.js';
import { ThrottledLog } from '../telemetry/logger.js';
import type { SelfMetrics } from '../telemetry/self-metrics.js';
import { backoffDelay, sleep, type RetrySettings } from './backoff.js';
import { BoundedQueue } from './bounded-queue.js';

/** A failure that sending again cannot fix (a 4xx other than 429, a document the backend refuses). */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/**
 * A transient failure whose backend said when to try again (an HTTP Retry-After): the next attempt waits at least
 * `delayMs`, as the collector's exporterhelper treats a throttleRetry error (opentelemetry-collector
 * exporter/exporterhelper retry sender: the delay is max(the backoff's next interval, the throttle delay); whether to
 * give up is decided on the backoff's own interval against max_elapsed_time, and the throttle delay is not capped by
 * max_interval).
 */
export class ThrottleError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ThrottleError';
  }
}

/** What a partially successful send left over: items to send again, and items the backend refused for good. */
export interface SendOutcome<T> {
  retry?: T[];
  rejected?: { items: T[]; reason: string };
}

export type DropReason = 'queue_full' | 'permanent_error' | 'retries_exhausted' | 'shutdown';

export interface QueueSettings {
  enabled: boolean;
  numConsumers: number;
  /** capacity in batches, as the collector's sending_queue.queue_size */
  queueSize: number;
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
  /** how long shutdown keeps delivering before it drops what is left */
  shutdownTimeoutMs: number;
  /** sends one batch; resolves with what was not accepted (partial failure), throws to fail the whole batch */
  send(batch: T[], signal: AbortSignal): Promise<SendOutcome<T> | void>;
  /** how many `unit`s an item stands for (default 1: e.g. a request of many metric points is one item) */
  weight?: (item: T) => number;
  logger: Logger;
  metrics: SelfMetrics;
}

export class QueuedSender<T> {
  private readonly queue: BoundedQueue<T[]>;
  private readonly waiting: (() => void)[] = [];
  private readonly workers: Promise<void>[] = [];
  private readonly stop = new AbortController();
  private readonly throttled: ThrottledLog;
  private readonly sent;
  private readonly dropped: Record<DropReason, { add(amount: number): void }>;
  /** otelcol_exporter_send_failed_<unit>: items whose sending failed for good (refused, or retries exhausted) */
  private readonly sendFailed: { add(amount: number): void };
  private closing = false;
  private inFlight = 0;

  constructor(private readonly options: QueuedSenderOptions<T>) {
    const { metrics, exporter, unit } = options;
    const capacity = options.queue.enabled ? options.queue.queueSize : options.queue.numConsumers;
    this.queue = new BoundedQueue<T[]>(Math.max(1, capacity));
    this.throttled = new ThrottledLog((message) => options.logger.warn(message));
    const labels = { exporter };
    this.sent = metrics.counter(`otelcol_exporter_sent_${unit}`, `${unit} successfully sent`, labels);
    const droppedCounter = (reason: DropReason) =>
      metrics.counter(`otelcol_exporter_dropped_${unit}`, `${unit} dropped, by reason`, { exporter, reason });
    this.dropped = {
      queue_full: droppedCounter('queue_full'),
      permanent_error: droppedCounter('permanent_error'),
      retries_exhausted: droppedCounter('retries_exhausted'),
      shutdown: droppedCounter('shutdown'),
    };
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
      'batches waiting in the sending queue',
      queueLabels,
      () => this.queue.size,
    );
    metrics.gauge(
      'otelcol_exporter_queue_capacity',
      'capacity of the sending queue (batches)',
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

  start(): void {
    for (let index = 0; index < Math.max(1, this.options.queue.numConsumers); index++) this.workers.push(this.work());
  }

  enqueue(batch: T[]): void {
    if (batch.length === 0) return;
    if (this.closing) {
      this.drop(batch, 'shutdown', 'the exporter is shutting down');
      return;
    }
    for (const old of this.queue.push(batch)) {
      this.drop(
        old,
        'queue_full',
        `the sending queue is full (${this.queue.capacity} batches): dropped the oldest batch`,
      );
    }
    this.waiting.shift()?.();
  }

  /** Delivers what is queued until the deadline, then abandons the rest (counted as dropped). */
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
    for (const batch of this.queue.drain()) this.drop(batch, 'shutdown', 'the shutdown deadline passed');
  }

  private async work(): Promise<void> {
    for (;;) {
      if (this.stop.signal.aborted) return;
      const batch = this.queue.shift();
      if (batch === undefined) {
        if (this.closing) return;
        await new Promise<void>((resolve) => this.waiting.push(resolve));
        continue;
      }
      this.inFlight += 1;
      try {
        await this.deliver(batch);
      } finally {
        this.inFlight -= 1;
      }
    }
  }

  private async deliver(batch: T[]): Promise<void> {
    const { retry } = this.options;
    const started = Date.now();
    let pending = batch;
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
        if (rest.length === 0) return;
        reason = `${this.count(rest)} of ${this.count(pending)} ${this.options.unit} were not accepted`;
        pending = rest;
      } catch (error) {
        if (this.stop.signal.aborted) {
          this.drop(pending, 'shutdown', 'the shutdown deadline passed during a send');
          return;
        }
        if (error instanceof PermanentError) {
          this.drop(pending, 'permanent_error', `not retryable: ${error.message}`);
          return;
        }
        reason = error instanceof Error ? error.message : String(error);
        if (error instanceof ThrottleError) throttleMs = error.delayMs;
      }
      if (!retry.enabled) {
        this.drop(pending, 'retries_exhausted', `send failed and retry_on_failure is disabled: ${reason}`);
        return;
      }
      const backoff = backoffDelay(retry, attempt);
      if (retry.maxElapsedMs > 0 && Date.now() - started + backoff > retry.maxElapsedMs) {
        this.drop(pending, 'retries_exhausted', `gave up after ${attempt} attempts: ${reason}`);
        return;
      }
      const delay = Math.max(backoff, throttleMs);
      this.throttled.log(
        `${this.options.exporter}:retry`,
        `exporter ${this.options.exporter}: send failed (${reason}); retrying in ${delay} ms`,
      );
      if (!(await sleep(delay, this.stop.signal))) {
        this.drop(pending, 'shutdown', 'the shutdown deadline passed while waiting to retry');
        return;
      }
    }
  }

  private attemptSignal(): AbortSignal {
    if (this.options.timeoutMs <= 0) return this.stop.signal;
    return AbortSignal.any([this.stop.signal, AbortSignal.timeout(this.options.timeoutMs)]);
  }

  /** Counts and logs items the exporter found it can never send, before queueing them. */
  dropUnsendable(count: number, why: string): void {
    this.dropCount(count, 'permanent_error', why);
  }

  private count(batch: T[]): number {
    const { weight } = this.options;
    if (weight === undefined) return batch.length;
    let total = 0;
    for (const item of batch) total += weight(item);
    return total;
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
