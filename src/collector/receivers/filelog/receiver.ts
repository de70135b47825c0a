/**
 * receiver `filelog` (opentelemetry-collector-contrib receiver/filelogreceiver): tails the files matching `include`
 * (minus `exclude`) every `poll_interval`, and turns each line into a log record: the line as the body, the
 * observed time, `log.file.name` (include_file_name, default true) and `log.file.path` (include_file_path) attributes,
 * the static `attributes` and `resource`, then the `operators` in order (operators.ts). When a pipeline refuses the
 * records (memory_limiter), they are read again at the next poll with `retry_on_failure.enabled`, else dropped and
 * logged, as the receiver's consumer does without retry. Files are found and opened through the collector's view of
 * files (runtime/files.ts): a sandbox collector's patterns name paths in its pod, and one whose directory the pod
 * does not mount is reported in the log (once a minute) rather than read from the machine.
 */
import { basename } from 'node:path';
import { SettingsError, type Settings } from '../../config/settings.js';
import {
  DataRefusedError,
  type ComponentContext,
  type Consumer,
  type LogItem,
  type ReceiverInstance,
} from '../../model.js';
import { ThrottledLog } from '../../telemetry/logger.js';
import type { Resource } from '../../translate/otlp-types.js';
import { toKeyValues, toLogRecord, type Entry } from './entry.js';
import { FileMatcher } from './glob.js';
import { readOperators, type Operator } from './operators.js';
import { Tailer, type TailerSettings } from './tailer.js';

export interface FileLogSettings {
  include: string[];
  exclude: string[];
  pollIntervalMs: number;
  includeFileName: boolean;
  includeFilePath: boolean;
  includeFileNameResolved: boolean;
  includeFilePathResolved: boolean;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  retry: boolean;
  tailer: TailerSettings;
  operators: Operator[];
}

const KNOWN = [
  'include',
  'exclude',
  'start_at',
  'poll_interval',
  'include_file_name',
  'include_file_path',
  'include_file_name_resolved',
  'include_file_path_resolved',
  'fingerprint_size',
  'max_log_size',
  'max_concurrent_files',
  'encoding',
  'force_flush_period',
  'operators',
  'attributes',
  'resource',
  'retry_on_failure',
];
/** filelog keys whose behaviour this runtime does not have: refused by name rather than ignored */
const UNSUPPORTED = [
  'storage',
  'multiline',
  'header',
  'ordering_criteria',
  'compression',
  'delete_after_read',
  'exclude_older_than',
  'acquire_fs_lock',
  'polls_to_archive',
  'max_batches',
  'include_file_record_number',
  'include_file_owner_name',
  'include_file_owner_group_name',
];

/** `1KiB`, `16kb`, `1MiB`, plain bytes: stanza's ByteSize. */
function byteSize(settings: Settings, key: string, fallback: number): number {
  const raw = settings.raw(key);
  if (raw === undefined || raw === null) return fallback;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw > 0) return raw;
  const match = typeof raw === 'string' ? /^(\d+)\s*([kmg]i?b?)?$/i.exec(raw.trim()) : null;
  if (match === null)
    throw new SettingsError(settings.at(key), `"${String(raw)}" is not a byte size`, 'e.g. 1KiB, 16kb, 1MiB');
  const unit = (match[2] ?? '').toLowerCase();
  const base = unit.includes('i') ? 1024 : 1000;
  const power = unit.startsWith('k') ? 1 : unit.startsWith('m') ? 2 : unit.startsWith('g') ? 3 : 0;
  return Number(match[1]) * base ** power;
}

function plainMap(settings: Settings, key: string): Record<string, unknown> {
  const raw = settings.raw(key);
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new SettingsError(settings.at(key), 'must be a mapping');
  return { ...(raw as Record<string, unknown>) };
}

export function readFileLogSettings(settings: Settings, log: (message: string) => void): FileLogSettings {
  for (const key of UNSUPPORTED) {
    if (settings.has(key)) {
      throw new SettingsError(
        settings.at(key),
        `"${key}" is not supported by the bundled collector runtime's filelog receiver`,
      );
    }
  }
  settings.allowOnly([...KNOWN, ...UNSUPPORTED]);
  const include = settings.stringList('include');
  if (include.length === 0) throw new SettingsError(settings.at('include'), "'include' must be specified");
  const startAt = settings.string('start_at', 'end');
  if (startAt !== 'end' && startAt !== 'beginning') {
    throw new SettingsError(
      settings.at('start_at'),
      `invalid start_at location '${startAt}'`,
      'start_at is end or beginning',
    );
  }
  const encoding = settings.string('encoding', 'utf-8').toLowerCase();
  if (encoding !== 'utf-8' && encoding !== 'utf8') {
    throw new SettingsError(
      settings.at('encoding'),
      `encoding "${encoding}" is not supported by the bundled collector runtime (utf-8 only)`,
    );
  }
  settings.integer('max_concurrent_files', 1024, 2);
  const retry = settings
    .nested('retry_on_failure')
    .allowOnly(['enabled', 'initial_interval', 'max_interval', 'max_elapsed_time']);
  return {
    include,
    exclude: settings.stringList('exclude'),
    pollIntervalMs: settings.duration('poll_interval', 200),
    includeFileName: settings.boolean('include_file_name', true),
    includeFilePath: settings.boolean('include_file_path', false),
    includeFileNameResolved: settings.boolean('include_file_name_resolved', false),
    includeFilePathResolved: settings.boolean('include_file_path_resolved', false),
    attributes: plainMap(settings, 'attributes'),
    resource: plainMap(settings, 'resource'),
    retry: retry.boolean('enabled', false),
    tailer: {
      startAtBeginning: startAt === 'beginning',
      fingerprintSize: byteSize(settings, 'fingerprint_size', 1000),
      maxLogSize: byteSize(settings, 'max_log_size', 1024 * 1024),
      forceFlushMs: settings.duration('force_flush_period', 500),
    },
    operators: readOperators(settings, log),
  };
}

export class FileLogReceiver implements ReceiverInstance {
  private readonly matcher: FileMatcher;
  private readonly tailer: Tailer;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  private readonly accepted;
  private readonly refused;
  private readonly throttled: ThrottledLog;
  /** a pattern the collector's view of files refuses, reported once a minute while it lasts */
  private readonly unreachable: ThrottledLog;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: FileLogSettings,
    private readonly next: Consumer<LogItem>,
  ) {
    this.matcher = new FileMatcher(settings.include, settings.exclude, context.files);
    this.tailer = new Tailer(settings.tailer, Date.now, context.files);
    const labels = { receiver: context.id, transport: 'file' };
    this.accepted = context.metrics.counter(
      'otelcol_receiver_accepted_log_records',
      'log records read and passed on',
      labels,
    );
    this.refused = context.metrics.counter(
      'otelcol_receiver_refused_log_records',
      'log records a pipeline refused',
      labels,
    );
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
    this.unreachable = new ThrottledLog((message) => context.logger.error(message), 60_000);
  }

  async start(): Promise<void> {
    // the first poll decides where files present at start begin (start_at); later ones read new files from the top
    await this.poll();
    this.schedule();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
    this.flushOperators(0);
  }

  /** What operators hold (partial container lines) goes on through the operators after them. */
  private flushOperators(olderThanMs?: number): void {
    const out: Entry[] = [];
    this.settings.operators.forEach((operator, index) =>
      operator.flush?.((entry) => this.run(entry, out, index + 1), Date.now(), olderThanMs),
    );
    this.deliver(out);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        this.schedule();
      });
    }, this.settings.pollIntervalMs);
  }

  private async poll(): Promise<void> {
    const files = await this.matcher.files((pattern, problem) =>
      this.unreachable.log(pattern, `receiver ${this.context.id}: include ${pattern}: ${problem.message}`),
    );
    for (const file of await this.tailer.poll(files)) {
      const entries: Entry[] = [];
      const base = await this.fileAttributes(file.path);
      const observed = (BigInt(Date.now()) * 1_000_000n).toString();
      for (const line of file.lines) {
        this.run(
          {
            body: line,
            attributes: { ...base, ...structuredClone(this.settings.attributes) },
            resource: structuredClone(this.settings.resource),
            observedTimestamp: observed,
          },
          entries,
        );
      }
      if (this.deliver(entries) || !this.settings.retry) file.commit();
    }
    this.flushOperators();
  }

  private async fileAttributes(path: string): Promise<Record<string, unknown>> {
    const attributes: Record<string, unknown> = {};
    if (this.settings.includeFileName) attributes['log.file.name'] = basename(path);
    if (this.settings.includeFilePath) attributes['log.file.path'] = path;
    if (this.settings.includeFileNameResolved || this.settings.includeFilePathResolved) {
      const resolved = await this.context.files.realpath(path).catch(() => path);
      if (this.settings.includeFileNameResolved) attributes['log.file.name_resolved'] = basename(resolved);
      if (this.settings.includeFilePathResolved) attributes['log.file.path_resolved'] = resolved;
    }
    return attributes;
  }

  /** Runs an entry through the operators; what comes out of the last one is collected. */
  private run(entry: Entry, into: Entry[], from = 0): void {
    const operator = this.settings.operators[from];
    if (operator === undefined) {
      into.push(entry);
      return;
    }
    operator.process(entry, (out) => this.run(out, into, from + 1));
  }

  /** Passes entries on as log items; false when the pipeline refused them. */
  private deliver(entries: Entry[]): boolean {
    if (entries.length === 0) return true;
    const items: LogItem[] = entries.map((entry) => {
      const resource: Resource = { attributes: toKeyValues(entry.resource) };
      return { kind: 'log', record: toLogRecord(entry), resource };
    });
    try {
      this.next.consume(items);
      this.accepted.add(items.length);
      return true;
    } catch (error) {
      if (!(error instanceof DataRefusedError)) throw error;
      this.refused.add(items.length);
      this.throttled.log(
        'refused',
        `receiver ${this.context.id}: ${error.message}: ${items.length} log record(s) ${this.settings.retry ? 'will be read again' : 'dropped'}`,
      );
      return false;
    }
  }
}
