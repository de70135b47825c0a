import { afterEach, describe, expect, it, vi } from 'vitest';
import { Settings, SettingsError } from '../../src/collector/config/settings.js';
import type { TraceItem } from '../../src/collector/model.js';
import {
  GroupByTraceProcessor,
  readGroupByTraceSettings,
  TraceRing,
  type GroupByTraceSettings,
} from '../../src/collector/processors/groupbytrace.js';
import { componentContext } from '../helpers/collector-context.js';
import { sink, span } from '../helpers/trace-items.js';

function read(raw: unknown): GroupByTraceSettings {
  return readGroupByTraceSettings(new Settings(raw, 'processors.groupbytrace'));
}

function failure(raw: unknown): string {
  try {
    read(raw);
  } catch (error) {
    return `${(error as SettingsError).path}: ${(error as Error).message}`;
  }
  return 'accepted';
}

function processor(settings: Partial<GroupByTraceSettings> = {}) {
  const context = componentContext('groupbytrace');
  const next = sink();
  const group = new GroupByTraceProcessor(
    context,
    { waitDurationMs: 1_000, numTraces: 100, numWorkers: 1, ...settings },
    next as { consume(items: TraceItem[]): void },
  );
  return { group, next, context };
}

describe('groupbytrace processor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads upstream's defaults (1s, 1,000,000 traces, 1 worker) and refuses what upstream's factory refuses", () => {
    expect(read(undefined)).toEqual({ waitDurationMs: 1_000, numTraces: 1_000_000, numWorkers: 1 });
    expect(read({ wait_duration: '10s', num_traces: 20_000, num_workers: 2, emit_strategy: 'trace' })).toEqual({
      waitDurationMs: 10_000,
      numTraces: 20_000,
      numWorkers: 2,
    });
    expect(read({ discard_orphans: false, store_on_disk: false })).toMatchObject({ numTraces: 1_000_000 });
    expect(failure({ store_on_disk: true })).toBe(
      "processors.groupbytrace.store_on_disk: option 'disk storage' not supported in this release",
    );
    expect(failure({ discard_orphans: true })).toBe(
      "processors.groupbytrace.discard_orphans: option 'discard orphans' not supported in this release",
    );
    expect(failure({ emit_strategy: 'invalid' })).toBe(
      'processors.groupbytrace.emit_strategy: unknown emit_strategy "invalid"',
    );
    expect(failure({ emit_strategy: 'service' })).toMatch(/not supported by the bundled collector runtime/);
    expect(failure({ num_traces: 1, num_workers: 2 })).toBe(
      'processors.groupbytrace.num_traces: must be at least num_workers (2)',
    );
    expect(failure({ wait: '1s' })).toMatch(/unknown setting "wait"/);
  });

  it("holds a trace's spans until wait_duration after its FIRST span, then releases the whole trace as one batch", () => {
    vi.useFakeTimers();
    const { group, next } = processor();
    group.consume([span(1, { name: 'a1' }), span(2, { name: 'b1' })]);
    vi.advanceTimersByTime(600);
    group.consume([span(1, { name: 'a2' })]);
    vi.advanceTimersByTime(399);
    expect(next.batches).toEqual([]);
    vi.advanceTimersByTime(1);
    // not moved by the later span: both traces' timers started with their first spans
    expect(next.batches).toEqual([['a1', 'a2'], ['b1']]);
    expect(group.heldTraces()).toBe(0);
  });

  it('a late span of a released trace starts the trace anew and is released on its own after another wait_duration', () => {
    vi.useFakeTimers();
    const { group, next, context } = processor();
    group.consume([span(1, { name: 'first' })]);
    vi.advanceTimersByTime(1_000);
    group.consume([span(1, { name: 'late' })]);
    vi.advanceTimersByTime(999);
    expect(next.batches).toEqual([['first']]);
    vi.advanceTimersByTime(1);
    expect(next.batches).toEqual([['first'], ['late']]);
    expect(
      context.metrics
        .counter('otelcol_processor_groupbytrace_traces_released', '', { processor: 'groupbytrace' })
        .value(),
    ).toBe(2);
  });

  it('evicts the trace in the next ring slot when num_traces are held: its spans are discarded, never released', () => {
    vi.useFakeTimers();
    const { group, next, context } = processor({ numTraces: 2 });
    group.consume([span(1, { name: 'a' })]);
    group.consume([span(2, { name: 'b' })]);
    group.consume([span(3, { name: 'c' })]);
    expect(group.heldTraces()).toBe(2);
    expect(
      context.logger.lines.some((line) => line.includes('trace evicted: in order to avoid this in the future')),
    ).toBe(true);
    vi.advanceTimersByTime(1_000);
    expect(next.batches).toEqual([['b'], ['c']]);
    const counter = (name: string) => context.metrics.counter(name, '', { processor: 'groupbytrace' }).value();
    expect(counter('otelcol_processor_groupbytrace_traces_evicted')).toBe(1);
    // the evicted trace's own timer found nothing to release
    expect(counter('otelcol_processor_groupbytrace_incomplete_releases')).toBe(1);
  });

  it("the ring buffer as upstream's: a released trace frees its slot, and only a taken slot evicts", () => {
    const ring = new TraceRing(2);
    expect(ring.put('a')).toBeUndefined();
    expect(ring.put('b')).toBeUndefined();
    expect(ring.delete('a')).toBe(true);
    // slot 0 (a's) is free: no eviction
    expect(ring.put('c')).toBeUndefined();
    // slot 1 still holds b
    expect(ring.put('d')).toBe('b');
    expect([ring.contains('b'), ring.contains('c'), ring.contains('d')]).toEqual([false, true, true]);
  });

  it('num_workers splits num_traces between workers, each trace always going to the same one', () => {
    vi.useFakeTimers();
    const { group, next } = processor({ numTraces: 4, numWorkers: 2 });
    for (let trace = 1; trace <= 40; trace++) group.consume([span(trace, { name: `t${trace}` })]);
    // each worker holds at most num_traces / num_workers
    expect(group.heldTraces()).toBe(4);
    vi.advanceTimersByTime(1_000);
    expect(next.batches).toHaveLength(4);
  });

  it('shutdown releases nothing: what it holds is dropped, as upstream drops it', async () => {
    vi.useFakeTimers();
    const { group, next, context } = processor();
    group.consume([span(1, { name: 'held' })]);
    await group.shutdown();
    vi.advanceTimersByTime(5_000);
    expect(next.batches).toEqual([]);
    expect(context.logger.lines.some((line) => line.includes('shut down holding 1 trace(s), 1 span(s): dropped'))).toBe(
      true,
    );
  });
});
