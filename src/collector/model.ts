/**
 * The shapes every part of the collector runtime shares: the data flowing through pipelines, consumers, components
 * and the context a component is built with.
 */
import type { CredentialProvider } from './aws/credentials.js';
import type { CollectorFiles } from './runtime/files.js';
import type { QueueStorage } from './runtime/queue-storage.js';
import type { SelfMetrics } from './telemetry/self-metrics.js';
import type { Logger } from './telemetry/logger.js';
import type { InstrumentationScope, LogRecord, Resource, Span } from './translate/otlp-types.js';

export type Signal = 'traces' | 'metrics' | 'logs';

/** One X-Ray segment document, kept as the JSON text it arrived as so that exporting it costs no re-encoding. */
export interface XRaySegment {
  kind: 'xray-segment';
  traceId: string;
  id: string;
  document: string;
}

/**
 * One span as the otlp receiver decoded it, with the resource and scope it was reported under (shared, not copied,
 * by the spans of one request). Exporters convert it themselves, so that their own settings apply (the awsxray
 * exporter's indexed_attributes, for one). Items are shared between the exporters of a pipeline: never mutate one.
 */
export interface OtlpSpanItem {
  kind: 'otlp-span';
  span: Span;
  resource: Resource;
  scope?: InstrumentationScope;
}

/** X-Ray daemon segments (the awsxray receiver) pass through as they came; OTLP spans (the otlp receiver) as spans. */
export type TraceItem = XRaySegment | OtlpSpanItem;

/**
 * One log record with the resource and scope it was reported under (shared, not copied, by the records of one
 * request or one file): from the otlp receiver as decoded, from the filelog receiver as read. Never mutate one; a
 * processor that changes the resource makes a new item.
 */
export interface LogItem {
  kind: 'log';
  record: LogRecord;
  resource: Resource;
  scope?: InstrumentationScope;
}

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

/**
 * One Prometheus sample, as scraped: histograms and summaries arrive as their `_bucket`/`_sum`/`_count` and
 * quantile samples, so remote write needs no conversion and EMF regroups them by `family`.
 */
export interface MetricSample {
  /** the sample's metric name, e.g. http_request_duration_seconds_bucket */
  name: string;
  /** the family it belongs to (its # TYPE name), e.g. http_request_duration_seconds */
  family: string;
  type: MetricType;
  /** every label but __name__ (job and instance included) */
  labels: Record<string, string>;
  value: number;
  timestampMs: number;
  /**
   * The unit its source declared (an OTLP metric's `unit`, e.g. `ms`, `By`, `1`); absent for scraped samples, as the
   * text format 0.0.4 has none. Exporters that publish units (awsemf) read it.
   */
  unit?: string;
  /**
   * The series this sample belongs to, as the receiver knows it from one batch to the next (the prometheus
   * receiver's scrape cache entry): exporters keep their per-series work on it (the remote write encoding). It
   * stands for the sample only while the sample has the name and labels object it was made with: a processor that
   * changes either copies the sample, and the copy's name or labels no longer match.
   */
  series?: SeriesSlot;
  /**
   * Resource attributes other than job and instance (which the prometheus receiver and the otlp receiver make
   * labels), as processors add them (resourcedetection, k8sattributes, resource). Exporters show them only with
   * resource_to_telemetry_conversion, as the collector's exporters do.
   */
  resource?: Readonly<Record<string, string>>;
}

/**
 * Where an exporter keeps its own per-series state, with the name and labels object of the samples it stands for.
 * One exporter owns it (it says so in exporterTag, 0 = nobody yet); another falls back to its own lookup. Two
 * plain fields rather than an object of the exporter's: a series cache holds one slot per series (100k and more).
 */
export interface SeriesSlot {
  readonly name: string;
  readonly labels: Record<string, string>;
  exporterState: unknown;
  /** a small integer the owner defines (non-zero once owned) */
  exporterTag: number;
}

/**
 * The sample's series slot, if it still stands for the sample: a copy of a scraped sample with another name or
 * labels is another series, whose slot it merely carries along.
 */
export function seriesSlotOf(sample: MetricSample): SeriesSlot | undefined {
  const slot = sample.series;
  return slot !== undefined && slot.labels === sample.labels && slot.name === sample.name ? slot : undefined;
}

/** The item type each signal carries through a pipeline. */
export interface SignalItems {
  traces: TraceItem;
  metrics: MetricSample;
  logs: LogItem;
}

/**
 * Takes a batch of items; never throws for data reasons (drops are counted and logged where they happen), except
 * DataRefusedError when a memory_limiter refuses the batch so that its receiver pushes back. The array and its items
 * may be shared with other consumers (a pipeline's fan-out): never mutate either.
 */
export interface Consumer<T> {
  consume(items: T[]): void;
}

/**
 * The batch was not taken and the sender should try again later: what the collector's memory_limiter returns
 * (processorhelper's ErrDataRefused). Receivers answer it as a retryable failure (OTLP/HTTP 503, gRPC UNAVAILABLE).
 */
export class DataRefusedError extends Error {
  constructor(message = 'data refused due to high memory usage') {
    super(message);
    this.name = 'DataRefusedError';
  }
}

export interface Lifecycle {
  start(): Promise<void>;
  /** stop taking data and flush what is held; exporters deliver what they can before their deadline */
  shutdown(): Promise<void>;
}

export interface ProcessorInstance<T> extends Lifecycle, Consumer<T> {}
export interface ExporterInstance<T> extends Lifecycle, Consumer<T> {}
export interface ReceiverInstance extends Lifecycle {
  /** where it listens (host:port), once started; undefined for scrapers */
  address?(): string | undefined;
  /** protocol -> host:port, for receivers with several listeners (otlp: grpc and http) */
  addresses?(): Record<string, string>;
}

/** An HTTP request about to be sent, as an authenticator extension sees it. */
export interface OutgoingRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** An extension that authorises outgoing HTTP requests (sigv4auth): returns the headers to send. */
export interface HttpAuthenticator {
  authorize(request: OutgoingRequest): Promise<Record<string, string>>;
}

export interface ExtensionInstance extends Lifecycle {
  authenticator?: HttpAuthenticator;
  /** a storage extension (file_storage): where persistent sending queues keep their requests */
  storage?: QueueStorage;
  /** every pipeline runs (the collector's PipelineWatcher.Ready) */
  ready?(): void;
  /** the collector is about to stop its pipelines (PipelineWatcher.NotReady) */
  notReady?(): void;
  /** where it listens (host:port), once started */
  address?(): string | undefined;
}

/** What a component is built with. */
export interface ComponentContext {
  /** the component id, e.g. batch/traces */
  id: string;
  /** its place in the configuration, e.g. exporters.awsxray (for error messages) */
  path: string;
  logger: Logger;
  metrics: SelfMetrics;
  /** the environment the collector was started with (AWS endpoint and credentials come from it) */
  env: Record<string, string | undefined>;
  /**
   * the collector's AWS credentials (aws/credentials.ts), one provider shared by its components; absent where a
   * component is built outside a running collector, which then makes one from env
   */
  awsCredentials?: CredentialProvider;
  /** writes one line on the collector's standard output (awsemf's output_destination: stdout) */
  stdout(line: string): void;
  /**
   * how the component opens files by path (runtime/files.ts): this machine's (`adot collector run`), or only those
   * of the pod the sandbox runs the collector for
   */
  files: CollectorFiles;
  /** the extension enabled in service.extensions under that id, if any */
  extension(id: string): ExtensionInstance | undefined;
}

/** The unit self-metrics count a signal in, as the OpenTelemetry Collector names it. */
export const ITEM_UNIT: Record<Signal, string> = { traces: 'spans', metrics: 'metric_points', logs: 'log_records' };
