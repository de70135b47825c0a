/**
 * processor `memory_limiter`, as the collector's (opentelemetry-collector internal/memorylimiter and
 * processor/memorylimiterprocessor, v0.151.0): every `check_interval` the memory in use is compared with a hard limit
 * (`limit_mib`, or `limit_percentage` of the total memory) and a soft limit (hard − `spike_limit_mib` /
 * `spike_limit_percentage`; 20% of the hard limit by default). At or above the soft limit every batch is refused with
 * DataRefusedError ("data refused due to high memory usage") so that receivers push back (OTLP answers 503 /
 * UNAVAILABLE), and a garbage collection is forced when the last one is older than
 * `min_gc_interval_when_soft_limited` (10s) — or `min_gc_interval_when_hard_limited` (0) at or above the hard limit.
 * Data is taken again from the first check below the soft limit.
 *
 * What "memory in use" is: Go's runtime.MemStats.Alloc (live heap objects) there, V8's `heapUsed + external` here
 * (the JavaScript heap and the Buffers it tracks). The total memory for percentages is the cgroup limit when there
 * is one (process.constrainedMemory()), else the machine's (os.totalmem()), as the collector reads cgroups then
 * /proc/meminfo. A collection can be forced only where Node exposes gc (`adot collector run` enables it); elsewhere
 * the limiter only refuses.
 */
import { SettingsError, type Settings } from '../config/settings.js';
import {
  DataRefusedError,
  ITEM_UNIT,
  type ComponentContext,
  type Consumer,
  type ProcessorInstance,
  type Signal,
} from '../model.js';

const MIB = 1024 * 1024;

export interface MemoryLimiterSettings {
  checkIntervalMs: number;
  minGcIntervalSoftMs: number;
  minGcIntervalHardMs: number;
  limitMib: number;
  spikeLimitMib: number;
  limitPercentage: number;
  spikeLimitPercentage: number;
}

/** The limits, checks and messages of internal/memorylimiter/config.go (Validate). */
export function readMemoryLimiterSettings(settings: Settings): MemoryLimiterSettings {
  settings.allowOnly([
    'check_interval',
    'limit_mib',
    'spike_limit_mib',
    'limit_percentage',
    'spike_limit_percentage',
    'min_gc_interval_when_soft_limited',
    'min_gc_interval_when_hard_limited',
  ]);
  const read: MemoryLimiterSettings = {
    checkIntervalMs: settings.duration('check_interval', 0),
    minGcIntervalSoftMs: settings.duration('min_gc_interval_when_soft_limited', 10_000),
    minGcIntervalHardMs: settings.duration('min_gc_interval_when_hard_limited', 0),
    limitMib: settings.integer('limit_mib', 0),
    spikeLimitMib: settings.integer('spike_limit_mib', 0),
    limitPercentage: settings.integer('limit_percentage', 0),
    spikeLimitPercentage: settings.integer('spike_limit_percentage', 0),
  };
  const fail = (key: string, message: string) => new SettingsError(settings.at(key), message);
  if (read.checkIntervalMs <= 0) throw fail('check_interval', "'check_interval' must be greater than zero");
  if (read.minGcIntervalSoftMs < read.minGcIntervalHardMs) {
    throw fail(
      'min_gc_interval_when_soft_limited',
      "'min_gc_interval_when_soft_limited' should be larger than 'min_gc_interval_when_hard_limited'",
    );
  }
  if (read.limitMib === 0 && read.limitPercentage === 0) {
    throw fail('limit_mib', "'limit_mib' or 'limit_percentage' must be greater than zero");
  }
  if (read.limitPercentage > 100 || read.spikeLimitPercentage > 100) {
    throw fail(
      'limit_percentage',
      "'limit_percentage' and 'spike_limit_percentage' must be greater than zero and less than or equal to hundred",
    );
  }
  if (read.limitMib > 0 && read.limitMib <= read.spikeLimitMib) {
    throw fail('spike_limit_mib', "'spike_limit_mib' must be smaller than 'limit_mib'");
  }
  if (read.limitPercentage > 0 && read.limitPercentage <= read.spikeLimitPercentage) {
    throw fail('spike_limit_percentage', "'spike_limit_percentage' must be smaller than 'limit_percentage'");
  }
  return read;
}

/** What the limiter reads and does to the process; the defaults are Node's, a host may give its own. */
export interface MemoryProbe {
  /** bytes in use */
  used(): number;
  /** bytes the process may use at most (cgroup limit, else the machine's memory) */
  total(): number;
  /** forces a full collection when the runtime allows it; false when it cannot */
  collect(): boolean;
  now(): number;
}

export interface Limits {
  hardBytes: number;
  softBytes: number;
}

export function limitsOf(settings: MemoryLimiterSettings, totalBytes: () => number): Limits {
  const fixed = settings.limitMib > 0;
  const hard = fixed ? settings.limitMib * MIB : Math.floor((settings.limitPercentage * totalBytes()) / 100);
  const configuredSpike = fixed
    ? settings.spikeLimitMib * MIB
    : Math.floor((settings.spikeLimitPercentage * totalBytes()) / 100);
  const spike = configuredSpike === 0 ? Math.floor(hard / 5) : configuredSpike;
  return { hardBytes: hard, softBytes: hard - spike };
}

export class MemoryLimiterProcessor<T> implements ProcessorInstance<T> {
  private readonly limits: Limits;
  private refusing = false;
  private lastGc: number;
  private timer: NodeJS.Timeout | undefined;
  private readonly accepted;
  private readonly refused;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: MemoryLimiterSettings,
    private readonly next: Consumer<T>,
    signal: Signal,
    private readonly probe: MemoryProbe,
  ) {
    this.limits = limitsOf(settings, () => probe.total());
    this.lastGc = probe.now();
    const unit = ITEM_UNIT[signal];
    const labels = { processor: context.id };
    this.accepted = context.metrics.counter(`otelcol_processor_accepted_${unit}`, `${unit} passed on`, labels);
    this.refused = context.metrics.counter(
      `otelcol_processor_refused_${unit}`,
      `${unit} refused (memory above the soft limit)`,
      labels,
    );
  }

  async start(): Promise<void> {
    const mib = (bytes: number) => Math.round(bytes / MIB);
    this.context.logger.info(
      `processor ${this.context.id}: memory limiter configured: limit_mib ${mib(this.limits.hardBytes)}, spike_limit_mib ${mib(this.limits.hardBytes - this.limits.softBytes)}, check_interval ${this.settings.checkIntervalMs}ms`,
    );
    this.timer = setInterval(() => this.check(), this.settings.checkIntervalMs);
    this.timer.unref();
  }

  consume(items: T[]): void {
    if (this.refusing) {
      this.refused.add(items.length);
      throw new DataRefusedError();
    }
    this.accepted.add(items.length);
    this.next.consume(items);
  }

  /** One measurement: CheckMemLimits of internal/memorylimiter. */
  check(): void {
    const { logger, id } = this.context;
    let used = this.probe.used();
    let aboveSoft = used >= this.limits.softBytes;
    if (!aboveSoft) {
      if (this.refusing)
        logger.info(`processor ${id}: memory usage back within limits, resuming normal operation (${mibText(used)})`);
      this.refusing = false;
      return;
    }
    const hard = used >= this.limits.hardBytes;
    const minInterval = hard ? this.settings.minGcIntervalHardMs : this.settings.minGcIntervalSoftMs;
    if (this.probe.now() - this.lastGc > minInterval) {
      const message = `processor ${id}: memory usage is above ${hard ? 'hard' : 'soft'} limit, forcing a GC (${mibText(used)})`;
      if (hard) logger.warn(message);
      else logger.info(message);
      if (this.probe.collect()) {
        this.lastGc = this.probe.now();
        used = this.probe.used();
        logger.info(`processor ${id}: memory usage after GC: ${mibText(used)}`);
        aboveSoft = used >= this.limits.softBytes;
      }
    }
    if (!this.refusing && aboveSoft)
      logger.warn(`processor ${id}: memory usage is above soft limit, refusing data (${mibText(used)})`);
    this.refusing = aboveSoft;
  }

  async shutdown(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function mibText(bytes: number): string {
  return `cur_mem_mib ${Math.round(bytes / MIB)}`;
}
