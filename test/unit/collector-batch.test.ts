import { afterEach, describe, expect, it, vi } from 'vitest';
import { Settings, SettingsError } from '../../src/collector/config/settings.js';
import { BatchProcessor, readBatchSettings } from '../../src/collector/processors/batch.js';

function recorder(): { batches: number[][]; consume(items: number[]): void } {
  const batches: number[][] = [];
  return { batches, consume: (items) => batches.push([...items]) };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

describe('batch processor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends as soon as send_batch_size items are held', async () => {
    const next = recorder();
    const batch = new BatchProcessor<number>({ timeoutMs: 60_000, sendBatchSize: 3, sendBatchMaxSize: 0 }, next);
    batch.consume([1, 2]);
    expect(next.batches).toEqual([]);
    batch.consume([3, 4]);
    expect(next.batches).toEqual([[1, 2, 3, 4]]);
    await batch.shutdown();
  });

  it('splits bursts into send_batch_max_size batches and keeps the remainder for the timeout', () => {
    vi.useFakeTimers();
    const next = recorder();
    const batch = new BatchProcessor<number>({ timeoutMs: 1_000, sendBatchSize: 4, sendBatchMaxSize: 4 }, next);
    batch.consume(range(1, 10));
    expect(next.batches).toEqual([range(1, 4), range(5, 4)]);
    vi.advanceTimersByTime(999);
    expect(next.batches).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(next.batches).toEqual([range(1, 4), range(5, 4), [9, 10]]);
  });

  it('sends what it holds when the timeout passes after the first item', () => {
    vi.useFakeTimers();
    const next = recorder();
    const batch = new BatchProcessor<number>({ timeoutMs: 200, sendBatchSize: 100, sendBatchMaxSize: 0 }, next);
    batch.consume([1]);
    vi.advanceTimersByTime(150);
    batch.consume([2]);
    vi.advanceTimersByTime(50);
    expect(next.batches).toEqual([[1, 2]]);
  });

  it('flushes on shutdown', async () => {
    const next = recorder();
    const batch = new BatchProcessor<number>({ timeoutMs: 60_000, sendBatchSize: 100, sendBatchMaxSize: 0 }, next);
    batch.consume([1, 2, 3]);
    await batch.shutdown();
    expect(next.batches).toEqual([[1, 2, 3]]);
  });

  it('reads the collector defaults and refuses bad settings with their path', () => {
    expect(readBatchSettings(new Settings(undefined, 'processors.batch'))).toEqual({
      timeoutMs: 200,
      sendBatchSize: 8192,
      sendBatchMaxSize: 0,
    });
    expect(
      readBatchSettings(new Settings({ timeout: '1s', send_batch_size: 50 }, 'processors.batch/traces')),
    ).toMatchObject({
      timeoutMs: 1_000,
      sendBatchSize: 50,
    });
    const bad = (raw: unknown) => {
      try {
        readBatchSettings(new Settings(raw, 'processors.batch'));
      } catch (error) {
        return error instanceof SettingsError ? error.path : 'other';
      }
      return 'none';
    };
    expect(bad({ timeout: 'soon' })).toBe('processors.batch.timeout');
    expect(bad({ send_batch_size: -1 })).toBe('processors.batch.send_batch_size');
    expect(bad({ send_batch_size: 100, send_batch_max_size: 10 })).toBe('processors.batch.send_batch_max_size');
    expect(bad({ sendbatchsize: 1 })).toBe('processors.batch.sendbatchsize');
  });
});
