/**
 * processor `groupbytrace`: holds the spans of each trace until `wait_duration` has passed since the trace's FIRST
 * span arrived, then releases the whole trace as one batch, as the collector's groupbytrace processor does
 * (opentelemetry-collector-contrib processor/groupbytraceprocessor: processor.go onTraceReceived/onTraceExpired,
 * event.go, ring_buffer.go, storage_memory.go, factory.go, config.go):
 *
 * - Each trace id takes a slot in a ring buffer of `num_traces` slots (per worker: num_traces / num_workers, a trace
 *   going to the worker its id hashes to). A new trace takes the next slot; when that slot still holds a trace, that
 *   trace is evicted: its spans are discarded, not released (counted in
 *   otelcol_processor_groupbytrace_traces_evicted and logged, with upstream's message).
 * - The release timer starts with the trace's first span and is never moved. A span of a trace whose timer has
 *   fired (a late span) starts the trace anew: it is held for another `wait_duration` and released on its own.
 *   A timer whose trace was evicted meanwhile releases nothing (counted as an incomplete release).
 * - Shutdown releases nothing: what is held is dropped, as upstream's event machine stops and its memory storage is
 *   discarded.
 * - `discard_orphans: true` and `store_on_disk: true` are refused with upstream's own errors (its factory refuses
 *   both: "not supported in this release"); `emit_strategy: service` (per-service subtraces) is not implemented here.
 */
import { SettingsError, type Settings } from '../config/settings.js';
import {
  DataRefusedError,
  type ComponentContext,
  type Consumer,
  type ProcessorInstance,
  type TraceItem,
} from '../model.js';
import { ThrottledLog } from '../telemetry/logger.js';
import { splitByTrace } from './trace-groups.js';

export interface GroupByTraceSettings {
  waitDurationMs: number;
  numTraces: number;
  numWorkers: number;
}

export function readGroupByTraceSettings(settings: Settings): GroupByTraceSettings {
  settings.allowOnly([
    'wait_duration',
    'num_traces',
    'num_workers',
    'discard_orphans',
    'store_on_disk',
    'emit_strategy',
  ]);
  // upstream's factory.go refuses both options by these messages before anything is built
  if (settings.boolean('store_on_disk', false)) {
    throw new SettingsError(settings.at('store_on_disk'), "option 'disk storage' not supported in this release");
  }
  if (settings.boolean('discard_orphans', false)) {
    throw new SettingsError(settings.at('discard_orphans'), "option 'discard orphans' not supported in this release");
  }
  const strategy = settings.string('emit_strategy', 'trace');
  if (strategy === 'service') {
    throw new SettingsError(
      settings.at('emit_strategy'),
      'emit_strategy "service" (per-service subtraces) is not supported by the bundled collector runtime',
      'Leave emit_strategy out (or set it to trace): whole traces are released after wait_duration',
    );
  }
  if (strategy !== 'trace')
    throw new SettingsError(settings.at('emit_strategy'), `unknown emit_strategy "${strategy}"`);
  const numWorkers = settings.integer('num_workers', 1, 1);
  const numTraces = settings.integer('num_traces', 1_000_000, 1);
  if (numTraces < numWorkers) {
    // upstream gives each worker num_traces / num_workers slots: 0 slots fail on the first trace
    throw new SettingsError(settings.at('num_traces'), `must be at least num_workers (${numWorkers})`);
  }
  return { waitDurationMs: settings.duration('wait_duration', 1_000), numTraces, numWorkers };
}

/** upstream's ringBuffer (ring_buffer.go): the next slot is taken in turn; a trace still in it is evicted. */
export class TraceRing {
  private index = -1;
  private readonly ids: (string | undefined)[];
  private readonly slots = new Map<string, number>();

  constructor(readonly size: number) {
    this.ids = new Array<string | undefined>(size).fill(undefined);
  }

  /** Places the id; returns the id it evicted, if its slot was taken. */
  put(id: string): string | undefined {
    this.index = (this.index + 1) % this.size;
    const evicted = this.ids[this.index];
    if (evicted !== undefined) this.delete(evicted);
    this.ids[this.index] = id;
    this.slots.set(id, this.index);
    return evicted;
  }

  contains(id: string): boolean {
    return this.slots.has(id);
  }

  delete(id: string): boolean {
    const slot = this.slots.get(id);
    if (slot === undefined) return false;
    this.slots.delete(id);
    this.ids[slot] = undefined;
    return true;
  }
}

/** A 32-bit hash of the trace id, for the worker a trace goes to (upstream hashes with a per-process random seed). */
function workerOf(key: string, workers: number): number {
  if (workers === 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // murmur3's finaliser, so that every bit of the id counts in the low bits too
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return (hash >>> 0) % workers;
}

export class GroupByTraceProcessor implements ProcessorInstance<TraceItem> {
  private readonly rings: TraceRing[];
  private readonly storage = new Map<string, TraceItem[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly evicted;
  private readonly incomplete;
  private readonly releasedSpans;
  private readonly releasedTraces;
  private readonly throttled: ThrottledLog;
  private stopped = false;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: GroupByTraceSettings,
    private readonly next: Consumer<TraceItem>,
  ) {
    const perWorker = Math.floor(settings.numTraces / settings.numWorkers);
    this.rings = Array.from({ length: settings.numWorkers }, () => new TraceRing(perWorker));
    const labels = { processor: context.id };
    const metrics = context.metrics;
    this.evicted = metrics.counter(
      'otelcol_processor_groupbytrace_traces_evicted',
      'traces evicted from the internal buffer',
      labels,
    );
    this.incomplete = metrics.counter(
      'otelcol_processor_groupbytrace_incomplete_releases',
      'releases that are suspected to have been incomplete',
      labels,
    );
    this.releasedSpans = metrics.counter('otelcol_processor_groupbytrace_spans_released', 'spans released', labels);
    this.releasedTraces = metrics.counter('otelcol_processor_groupbytrace_traces_released', 'traces released', labels);
    metrics.gauge(
      'otelcol_processor_groupbytrace_num_traces_in_memory',
      'traces held in memory',
      labels,
      () => this.storage.size,
    );
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
  }

  async start(): Promise<void> {}

  consume(items: TraceItem[]): void {
    if (this.stopped) return;
    for (const [key, spans] of splitByTrace(items)) this.receive(key, spans);
  }

  /** Traces held now (for tests and the in-memory gauge). */
  heldTraces(): number {
    return this.storage.size;
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.storage.size > 0) {
      const spans = [...this.storage.values()].reduce((sum, held) => sum + held.length, 0);
      this.context.logger.info(
        `processor ${this.context.id}: shut down holding ${this.storage.size} trace(s), ${spans} span(s): dropped, as the collector's groupbytrace processor drops what it holds`,
      );
    }
    this.storage.clear();
  }

  private receive(key: string, spans: TraceItem[]): void {
    const ring = this.rings[workerOf(key, this.rings.length)] as TraceRing;
    if (ring.contains(key)) {
      this.storage.get(key)?.push(...spans);
      return;
    }
    const evicted = ring.put(key);
    if (evicted !== undefined) {
      this.storage.delete(evicted);
      this.evicted.add(1);
      this.context.logger.info(
        `processor ${this.context.id}: trace evicted: in order to avoid this in the future, adjust the wait duration and/or number of traces to keep in memory (traceID ${evicted})`,
      );
    }
    const held = this.storage.get(key);
    if (held === undefined) this.storage.set(key, [...spans]);
    else held.push(...spans);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.expire(key, ring);
    }, this.settings.waitDurationMs);
    this.timers.add(timer);
  }

  private expire(key: string, ring: TraceRing): void {
    if (!ring.delete(key)) {
      // released already, or evicted: upstream counts it as an incomplete release
      this.incomplete.add(1);
      return;
    }
    const trace = this.storage.get(key);
    this.storage.delete(key);
    if (trace === undefined || trace.length === 0) return;
    this.releasedSpans.add(trace.length);
    this.releasedTraces.add(1);
    try {
      this.next.consume(trace);
    } catch (error) {
      if (!(error instanceof DataRefusedError)) throw error;
      this.throttled.log('refused', `processor ${this.context.id}: dropped ${trace.length} span(s): ${error.message}`);
    }
  }
}
