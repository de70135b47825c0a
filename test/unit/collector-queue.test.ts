import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../src/collector/runtime/bounded-queue.js';
import { PermanentError, QueuedSender, type SendOutcome } from '../../src/collector/runtime/queued-sender.js';
import { SelfMetrics } from '../../src/collector/telemetry/self-metrics.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

describe('bounded queue', () => {
  it('drops the oldest batches when full and keeps FIFO order', () => {
    const queue = new BoundedQueue<string>(2);
    expect(queue.push('a')).toEqual([]);
    expect(queue.push('b')).toEqual([]);
    expect(queue.push('c')).toEqual(['a']);
    expect(queue.push('d')).toEqual(['b']);
    expect(queue.size).toBe(2);
    expect(queue.shift()).toBe('c');
    expect(queue.push('e')).toEqual([]);
    expect(queue.drain()).toEqual(['d', 'e']);
    expect(queue.shift()).toBeUndefined();
  });
});

const fastRetry = {
  enabled: true,
  initialIntervalMs: 10,
  maxIntervalMs: 20,
  maxElapsedMs: 2_000,
  multiplier: 1.5,
  randomizationFactor: 0,
};

function sender(
  send: (batch: number[], signal: AbortSignal) => Promise<SendOutcome<number> | void>,
  overrides: { queueSize?: number; numConsumers?: number; shutdownTimeoutMs?: number; retry?: typeof fastRetry } = {},
) {
  const metrics = new SelfMetrics();
  const logger = memoryLogger();
  const queued = new QueuedSender<number>({
    exporter: 'test',
    unit: 'spans',
    queue: { enabled: true, numConsumers: overrides.numConsumers ?? 1, queueSize: overrides.queueSize ?? 10 },
    retry: overrides.retry ?? fastRetry,
    timeoutMs: 1_000,
    shutdownTimeoutMs: overrides.shutdownTimeoutMs ?? 2_000,
    send,
    logger,
    metrics,
  });
  queued.start();
  const count = (name: string, labels: Record<string, string>) => metrics.value(name, { exporter: 'test', ...labels });
  return {
    queued,
    logger,
    metrics,
    sent: () => count('otelcol_exporter_sent_spans', {}),
    dropped: (reason: string) => count('otelcol_exporter_dropped_spans', { reason }),
  };
}

describe('queued sender', () => {
  it('drops the oldest batches when the backend stalls, counts and logs them', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const delivered: number[][] = [];
    const s = sender(
      async (batch) => {
        await gate;
        delivered.push(batch);
      },
      { queueSize: 2 },
    );
    s.queued.enqueue([1]); // taken by the worker, which waits on the gate
    await new Promise((resolve) => setTimeout(resolve, 10));
    s.queued.enqueue([2, 2]);
    s.queued.enqueue([3, 3, 3]);
    s.queued.enqueue([4]); // the queue holds 2 batches: [2, 2] goes
    s.queued.enqueue([5]); // and then [3, 3, 3]
    expect(s.dropped('queue_full')).toBe(5);
    expect(
      s.logger.lines.some((line) => line.includes('dropped 2 spans: the sending queue is full (2 requests)')),
    ).toBe(true);
    release();
    await s.queued.shutdown();
    expect(delivered).toEqual([[1], [4], [5]]);
    expect(s.sent()).toBe(3);
    expect(s.metrics.exposition()).toContain('otelcol_exporter_dropped_spans{exporter="test",reason="queue_full"} 5');
  });

  it('retries transient failures until they succeed, losing nothing', async () => {
    let calls = 0;
    const s = sender(async () => {
      calls += 1;
      if (calls < 3) throw new Error('503 Service Unavailable');
    });
    s.queued.enqueue([1, 2, 3]);
    await eventually(s.sent, (sent) => sent === 3);
    expect(calls).toBe(3);
    expect(s.logger.lines.some((line) => line.includes('send failed (503 Service Unavailable); retrying'))).toBe(true);
    await s.queued.shutdown();
    expect(s.dropped('retries_exhausted')).toBe(0);
  });

  it('sends again only what a partial answer left over, and drops what the backend refused for good', async () => {
    const seen: number[][] = [];
    const s = sender(async (batch) => {
      seen.push(batch);
      if (seen.length === 1) return { retry: [2], rejected: { items: [3], reason: 'InvalidSegment: bad' } };
      return {};
    });
    s.queued.enqueue([1, 2, 3]);
    await eventually(s.sent, (sent) => sent === 2);
    expect(seen).toEqual([[1, 2, 3], [2]]);
    expect(s.dropped('permanent_error')).toBe(1);
    await s.queued.shutdown();
  });

  it('never retries a permanent error', async () => {
    let calls = 0;
    const s = sender(async () => {
      calls += 1;
      throw new PermanentError('400 Bad Request: out of order sample');
    });
    s.queued.enqueue([1, 2]);
    await eventually(
      () => s.dropped('permanent_error'),
      (dropped) => dropped === 2,
    );
    expect(calls).toBe(1);
    expect(s.logger.lines.some((line) => line.includes('not retryable: 400 Bad Request: out of order sample'))).toBe(
      true,
    );
    await s.queued.shutdown();
  });

  it('gives up after max_elapsed_time', async () => {
    const s = sender(
      async () => {
        throw new Error('connection refused');
      },
      { retry: { ...fastRetry, maxElapsedMs: 50 } },
    );
    s.queued.enqueue([1]);
    await eventually(
      () => s.dropped('retries_exhausted'),
      (dropped) => dropped === 1,
    );
    await s.queued.shutdown();
  });

  it('delivers what is queued on shutdown, and drops (counted) what the deadline cuts off', async () => {
    const delivered: number[] = [];
    const s = sender(async (batch) => {
      delivered.push(...batch);
    });
    for (let index = 0; index < 5; index++) s.queued.enqueue([index]);
    await s.queued.shutdown();
    expect(delivered).toEqual([0, 1, 2, 3, 4]);

    const stuck = sender(
      (_batch, signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
        ),
      { shutdownTimeoutMs: 50 },
    );
    stuck.queued.enqueue([1, 2]);
    stuck.queued.enqueue([3]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await stuck.queued.shutdown();
    expect(stuck.dropped('shutdown')).toBe(3);
    expect(stuck.sent()).toBe(0);
  });
});
