/**
 * processor `batch`: groups items into batches of send_batch_size, or whatever has arrived when `timeout` passes
 * since the first item of the batch; send_batch_max_size splits larger bursts. Shutdown flushes what it holds.
 */
import { SettingsError, type Settings } from '../config/settings.js';
import { DataRefusedError, type Consumer, type ProcessorInstance } from '../model.js';
import { ThrottledLog, type Logger } from '../telemetry/logger.js';

export interface BatchSettings {
  timeoutMs: number;
  sendBatchSize: number;
  /** 0 = no upper bound */
  sendBatchMaxSize: number;
}

export function readBatchSettings(settings: Settings): BatchSettings {
  settings.allowOnly([
    'timeout',
    'send_batch_size',
    'send_batch_max_size',
    'metadata_keys',
    'metadata_cardinality_limit',
  ]);
  const sendBatchSize = settings.integer('send_batch_size', 8192, 0);
  const sendBatchMaxSize = settings.integer('send_batch_max_size', 0, 0);
  if (sendBatchMaxSize > 0 && sendBatchMaxSize < sendBatchSize) {
    throw new SettingsError(settings.at('send_batch_max_size'), 'must be at least send_batch_size (or 0 for no limit)');
  }
  return { timeoutMs: settings.duration('timeout', 200), sendBatchSize, sendBatchMaxSize };
}

export class BatchProcessor<T> implements ProcessorInstance<T> {
  private buffer: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly throttled: ThrottledLog | undefined;

  constructor(
    private readonly settings: BatchSettings,
    private readonly next: Consumer<T>,
    logger?: Logger,
    private readonly id = 'batch',
  ) {
    this.throttled = logger === undefined ? undefined : new ThrottledLog((message) => logger.warn(message));
  }

  async start(): Promise<void> {}

  consume(items: T[]): void {
    const { sendBatchSize, sendBatchMaxSize, timeoutMs } = this.settings;
    if (
      this.buffer.length === 0 &&
      sendBatchSize > 0 &&
      items.length >= sendBatchSize &&
      (sendBatchMaxSize === 0 || items.length <= sendBatchMaxSize)
    ) {
      // a burst that is a whole batch by itself (a scrape) goes on as it is: consumers never mutate what they get
      this.clearTimer();
      this.emit(items);
      return;
    }
    for (const item of items) this.buffer.push(item);
    if (sendBatchSize > 0 && this.buffer.length >= sendBatchSize) {
      const chunk = sendBatchMaxSize > 0 ? sendBatchMaxSize : this.buffer.length;
      while (this.buffer.length >= sendBatchSize) this.emit(this.buffer.splice(0, chunk));
    }
    if (this.buffer.length === 0) {
      this.clearTimer();
    } else if (this.timer === undefined) {
      if (timeoutMs === 0) this.flush();
      else this.timer = setTimeout(() => this.onTimeout(), timeoutMs);
    }
  }

  async shutdown(): Promise<void> {
    this.flush();
  }

  private onTimeout(): void {
    this.timer = undefined;
    this.flush();
  }

  private flush(): void {
    this.clearTimer();
    const max = this.settings.sendBatchMaxSize;
    while (this.buffer.length > 0) this.emit(max > 0 ? this.buffer.splice(0, max) : this.buffer.splice(0));
  }

  /**
   * A batch the next component refuses (a memory_limiter after this one) is dropped and logged: the batch has
   * already been taken from its sender, as the collector's batch processor logs "Sender failed" and goes on.
   */
  private emit(batch: T[]): void {
    if (batch.length === 0) return;
    try {
      this.next.consume(batch);
    } catch (error) {
      if (!(error instanceof DataRefusedError)) throw error;
      this.throttled?.log('refused', `processor ${this.id}: dropped ${batch.length} item(s): ${error.message}`);
    }
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
