/**
 * processor `tail_sampling`: holds each trace's spans and decides, once per trace, whether to keep the whole trace,
 * as the collector's tail sampling processor does (opentelemetry-collector-contrib
 * processor/tailsamplingprocessor: processor.go, internal/idbatcher/id_batcher.go, config.go, factory.go,
 * internal/sampling/*.go, which policies.ts follows):
 *
 * - A new trace id joins the current batch of a pipeline of max(1, whole seconds of decision_wait) batches; a
 *   ticker of 1 s closes the current batch and decides on the oldest one, so a trace is decided between
 *   decision_wait and decision_wait + 1 s after its first span.
 * - Every policy is evaluated, in order; the decision is (makeDecision): NotSampled if any policy said
 *   InvertNotSampled (an invert_match policy whose value matched), else Sampled if any said Sampled, else Sampled if
 *   any said InvertSampled and none said NotSampled, else NotSampled. sample_on_first_match stops at the first
 *   Sampled.
 * - Spans of a decided trace that arrive later follow the decision at once (sent on, or dropped) while the trace is
 *   still held in memory or its id is in a decision cache (decision_cache, sizes 0 = off by default).
 * - At most num_traces traces are held (decided ones included, until evicted): a new trace beyond that drops the
 *   trace that arrived first, decided or not (its undecided spans are lost).
 * - Shutdown decides every trace still pending, with what has arrived, and sends on the sampled ones, unless
 *   drop_pending_traces_on_shutdown.
 */
import { SettingsError, type Settings } from '../../config/settings.js';
import {
  DataRefusedError,
  type ComponentContext,
  type Consumer,
  type ProcessorInstance,
  type TraceItem,
} from '../../model.js';
import { ThrottledLog } from '../../telemetry/logger.js';
import { splitByTrace, traceIdBytes } from '../trace-groups.js';
import { Decision, readPolicies, type Policy } from './policies.js';

export interface TailSamplingSettings {
  decisionWaitMs: number;
  numTraces: number;
  expectedNewTracesPerSec: number;
  policies: Policy[];
  sampledCacheSize: number;
  nonSampledCacheSize: number;
  sampleOnFirstMatch: boolean;
  dropPendingTracesOnShutdown: boolean;
}

export function readTailSamplingSettings(settings: Settings, now: () => number = Date.now): TailSamplingSettings {
  settings.allowOnly([
    'decision_wait',
    'num_traces',
    'expected_new_traces_per_sec',
    'policies',
    'decision_cache',
    'sample_on_first_match',
    'drop_pending_traces_on_shutdown',
    'block_on_overflow',
  ]);
  if (settings.boolean('block_on_overflow', false)) {
    throw new SettingsError(
      settings.at('block_on_overflow'),
      'block_on_overflow: true is not supported by the bundled collector runtime',
      'Leave it out: when num_traces are held, the trace that arrived first is dropped',
    );
  }
  const cache = settings.nested('decision_cache').allowOnly(['sampled_cache_size', 'non_sampled_cache_size']);
  return {
    decisionWaitMs: settings.duration('decision_wait', 30_000),
    numTraces: settings.integer('num_traces', 50_000, 1),
    expectedNewTracesPerSec: settings.integer('expected_new_traces_per_sec', 0),
    policies: readPolicies(settings, now),
    sampledCacheSize: cache.integer('sampled_cache_size', 0),
    nonSampledCacheSize: cache.integer('non_sampled_cache_size', 0),
    sampleOnFirstMatch: settings.boolean('sample_on_first_match', false),
    dropPendingTracesOnShutdown: settings.boolean('drop_pending_traces_on_shutdown', false),
  };
}

/** upstream's cache.NewLRUDecisionCache; size 0 is its nop cache (remembers nothing). */
class DecisionCache {
  private readonly ids = new Map<string, string>();

  constructor(private readonly size: number) {}

  put(id: string, policy: string): void {
    if (this.size === 0) return;
    this.ids.delete(id);
    this.ids.set(id, policy);
    if (this.ids.size > this.size) this.ids.delete(this.ids.keys().next().value as string);
  }

  has(id: string): boolean {
    const policy = this.ids.get(id);
    if (policy === undefined) return false;
    this.ids.delete(id);
    this.ids.set(id, policy);
    return true;
  }
}

interface HeldTrace {
  spans: TraceItem[];
  spanCount: number;
  traceId: Uint8Array;
  decision: Decision;
}

/** upstream's idbatcher: a pipe of numBatches batches (empty at first) and the batch being filled. */
class IdBatcher {
  private readonly pipe: string[][];
  private current: string[] = [];
  private stopped = false;

  constructor(batches: number) {
    this.pipe = Array.from({ length: batches }, () => []);
  }

  add(id: string): void {
    this.current.push(id);
  }

  /** the oldest batch; the current one joins the pipe (after stop, the pipe drains, then the current batch) */
  closeCurrentAndTakeFirst(): { batch: string[]; more: boolean } {
    const first = this.pipe.shift();
    if (first !== undefined) {
      if (!this.stopped) {
        this.pipe.push(this.current);
        this.current = [];
      }
      return { batch: first, more: true };
    }
    const batch = this.current;
    this.current = [];
    return { batch, more: false };
  }

  stop(): void {
    this.stopped = true;
  }
}

export class TailSamplingProcessor implements ProcessorInstance<TraceItem> {
  private readonly traces = new Map<string, HeldTrace>();
  private readonly batcher: IdBatcher;
  private readonly sampledCache: DecisionCache;
  private readonly nonSampledCache: DecisionCache;
  private ticker: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly decided;
  private readonly droppedTooEarly;
  private readonly lateReleases;
  private readonly throttled: ThrottledLog;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: TailSamplingSettings,
    private readonly next: Consumer<TraceItem>,
  ) {
    this.batcher = new IdBatcher(Math.max(1, Math.trunc(settings.decisionWaitMs / 1000)));
    this.sampledCache = new DecisionCache(settings.sampledCacheSize);
    this.nonSampledCache = new DecisionCache(settings.nonSampledCacheSize);
    const labels = { processor: context.id };
    this.decided = {
      sampled: context.metrics.counter(
        'otelcol_processor_tail_sampling_global_count_traces_sampled',
        'traces sampled (or not) by the final decision',
        { ...labels, sampled: 'true' },
      ),
      notSampled: context.metrics.counter(
        'otelcol_processor_tail_sampling_global_count_traces_sampled',
        'traces sampled (or not) by the final decision',
        { ...labels, sampled: 'false' },
      ),
    };
    this.droppedTooEarly = context.metrics.counter(
      'otelcol_processor_tail_sampling_sampling_trace_dropped_too_early',
      'traces dropped (num_traces reached) before their decision',
      labels,
    );
    this.lateReleases = context.metrics.counter(
      'otelcol_processor_tail_sampling_early_releases_from_cache_decision',
      'spans released (or dropped) at once by a cached decision',
      labels,
    );
    context.metrics.gauge(
      'otelcol_processor_tail_sampling_sampling_traces_on_memory',
      'traces held in memory',
      labels,
      () => this.traces.size,
    );
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
  }

  async start(): Promise<void> {
    this.ticker = setInterval(() => this.tick(), 1_000);
  }

  consume(items: TraceItem[]): void {
    if (this.stopped) return;
    for (const [id, spans] of splitByTrace(items)) {
      if (this.fromCache(id, spans)) continue;
      if (!this.traces.has(id) && this.traces.size >= this.settings.numTraces) this.dropOldest();
      this.receive(id, spans);
    }
  }

  /** Traces held now (for tests). */
  heldTraces(): number {
    return this.traces.size;
  }

  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.batcher.stop();
    if (!this.settings.dropPendingTracesOnShutdown) {
      while (this.tick()) {
        // decide every pending batch, oldest first, then the current one
      }
    }
  }

  /** processCachedTrace: spans of a trace whose decision is cached follow it at once. */
  private fromCache(id: string, spans: TraceItem[]): boolean {
    if (this.sampledCache.has(id)) {
      this.lateReleases.add(spans.length);
      this.forward(spans);
      return true;
    }
    if (this.nonSampledCache.has(id)) {
      this.lateReleases.add(spans.length);
      return true;
    }
    return false;
  }

  /** waitForSpace without block_on_overflow: the trace that arrived first goes. */
  private dropOldest(): void {
    const oldest = this.traces.keys().next();
    if (oldest.done === true) return;
    const trace = this.traces.get(oldest.value);
    this.traces.delete(oldest.value);
    if (trace !== undefined && trace.decision === Decision.Unspecified) this.droppedTooEarly.add(1);
  }

  /** processTrace */
  private receive(id: string, spans: TraceItem[]): void {
    let trace = this.traces.get(id);
    if (trace === undefined) {
      trace = { spans: [], spanCount: 0, traceId: traceIdBytes(spans[0] as TraceItem), decision: Decision.Unspecified };
      this.traces.set(id, trace);
      this.batcher.add(id);
    }
    trace.spanCount += spans.length;
    if (trace.decision === Decision.Unspecified) {
      trace.spans.push(...spans);
    } else if (trace.decision === Decision.Sampled) {
      this.forward(spans);
    }
    // NotSampled: late spans are dropped
  }

  /** samplingPolicyOnTick: decides the oldest batch; returns whether more batches remain */
  private tick(): boolean {
    const { batch, more } = this.batcher.closeCurrentAndTakeFirst();
    for (const id of batch) {
      const trace = this.traces.get(id);
      if (trace === undefined) continue;
      const decision = this.decide(trace);
      const spans = trace.spans;
      trace.spans = [];
      trace.decision = decision;
      if (decision === Decision.Sampled) {
        this.decided.sampled.add(1);
        this.sampledCache.put(id, '');
        this.forward(spans);
        if (this.sampledCache.has(id)) this.traces.delete(id);
      } else {
        this.decided.notSampled.add(1);
        this.nonSampledCache.put(id, '');
        if (this.nonSampledCache.has(id)) this.traces.delete(id);
      }
    }
    return more;
  }

  /** makeDecision */
  private decide(trace: HeldTrace): Decision {
    const seen = new Set<Decision>();
    const data = { spans: trace.spans, spanCount: trace.spanCount, traceId: trace.traceId };
    for (const policy of this.settings.policies) {
      const decision = policy.evaluate(data);
      seen.add(decision);
      if (this.settings.sampleOnFirstMatch && decision === Decision.Sampled) break;
    }
    if (seen.has(Decision.InvertNotSampled)) return Decision.NotSampled;
    if (seen.has(Decision.Sampled)) return Decision.Sampled;
    if (seen.has(Decision.InvertSampled) && !seen.has(Decision.NotSampled)) return Decision.Sampled;
    return Decision.NotSampled;
  }

  private forward(spans: TraceItem[]): void {
    if (spans.length === 0) return;
    try {
      this.next.consume(spans);
    } catch (error) {
      if (!(error instanceof DataRefusedError)) throw error;
      this.throttled.log('refused', `processor ${this.context.id}: dropped ${spans.length} span(s): ${error.message}`);
    }
  }
}
