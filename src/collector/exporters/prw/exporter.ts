/**
 * exporter `prometheusremotewrite`: remote write 1.0 (protobuf WriteRequest, snappy block format, the three
 * protocol headers), optional auth through an authenticator extension (sigv4auth). Samples are sharded by series
 * over `num_consumers` ordered queues so that a retried request can never land after a newer sample of the same
 * series (which the receiver would refuse as out of order). 5xx and 429 are retried with backoff; any other 4xx
 * is dropped with the receiver's reason logged.
 */
import { SettingsError, type Settings } from '../../config/settings.js';
import type { ComponentContext, ExporterInstance, HttpAuthenticator, MetricSample } from '../../model.js';
import { PermanentError, QueuedSender } from '../../runtime/queued-sender.js';
import { readSenderSettings, type SenderSettings } from '../../runtime/sender-settings.js';
import {
  encodedSize,
  encodeWriteRequest,
  SeriesEncoder,
  toTimeSeries,
  type EncodedSeries,
  type TimeSeries,
} from './write-request.js';

/** Samples per request before the byte limit is considered, as Prometheus' max_samples_per_send. */
export const MAX_SAMPLES_PER_REQUEST = 2_000;

export interface RemoteWriteSettings {
  endpoint: URL;
  headers: Record<string, string>;
  externalLabels: Record<string, string>;
  namespace: string;
  authenticator?: string;
  maxBatchSizeBytes: number;
  sender: SenderSettings;
}

const KNOWN_KEYS = [
  'endpoint',
  'headers',
  'timeout',
  'external_labels',
  'namespace',
  'remote_write_queue',
  'retry_on_failure',
  'max_batch_size_bytes',
  'auth',
  'resource_to_telemetry_conversion',
  'target_info',
  'export_created_metric',
  'add_metric_suffixes',
  'send_metadata',
  'tls',
  'compression',
  'max_batch_request_parallelism',
  'protobuf_message',
];

export function readRemoteWriteSettings(settings: Settings): RemoteWriteSettings {
  settings.allowOnly(KNOWN_KEYS);
  const endpointText = settings.requiredString('endpoint');
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText);
  } catch {
    throw new SettingsError(settings.at('endpoint'), `"${endpointText}" is not a URL`);
  }
  const protobufMessage = settings.string('protobuf_message', 'prometheus.WriteRequest');
  if (protobufMessage !== 'prometheus.WriteRequest') {
    throw new SettingsError(
      settings.at('protobuf_message'),
      'only remote write 1.0 (prometheus.WriteRequest) is supported',
    );
  }
  const compression = settings.string('compression', 'snappy');
  if (compression !== 'snappy') throw new SettingsError(settings.at('compression'), 'remote write 1.0 requires snappy');
  const headers = stringMap(settings, 'headers');
  for (const reserved of ['content-encoding', 'content-type', 'x-prometheus-remote-write-version']) {
    if (Object.keys(headers).some((name) => name.toLowerCase() === reserved)) {
      throw new SettingsError(settings.at(`headers.${reserved}`), 'is set by the protocol and cannot be overridden');
    }
  }
  // the remote write exporter's queue is remote_write_queue, with its own defaults (5 consumers, 10000 batches)
  const queue = settings.nested('remote_write_queue').allowOnly(['enabled', 'queue_size', 'num_consumers']);
  const sender = readSenderSettings(settings);
  const retry = settings.nested('retry_on_failure');
  const authenticator = settings.nested('auth').allowOnly(['authenticator']).string('authenticator');
  return {
    endpoint,
    headers,
    externalLabels: stringMap(settings, 'external_labels'),
    namespace: settings.string('namespace', ''),
    ...(authenticator === undefined || authenticator === '' ? {} : { authenticator }),
    maxBatchSizeBytes: settings.integer('max_batch_size_bytes', 3_000_000, 1),
    sender: {
      timeoutMs: sender.timeoutMs,
      queue: {
        enabled: queue.boolean('enabled', true),
        queueSize: queue.integer('queue_size', 10_000, 1),
        numConsumers: queue.integer('num_consumers', 5, 1),
      },
      retry: {
        ...sender.retry,
        initialIntervalMs: retry.duration('initial_interval', 50),
        maxIntervalMs: retry.duration('max_interval', 200),
        maxElapsedMs: retry.duration('max_elapsed_time', 60_000),
      },
    },
  };
}

function stringMap(settings: Settings, key: string): Record<string, string> {
  const raw = settings.raw(key);
  if (raw === undefined || raw === null) return {};
  const nested = settings.nested(key);
  return Object.fromEntries(Object.keys(raw as object).map((name) => [name, nested.requiredString(name)]));
}

export class RemoteWriteExporter implements ExporterInstance<MetricSample> {
  private readonly shards: QueuedSender<MetricSample>[] = [];
  private authenticator: HttpAuthenticator | undefined;
  private snappy: { compressSync(input: Buffer): Buffer } | undefined;
  private readonly encoder: SeriesEncoder;
  /** each queued batch's series encodings, found once when sharding and reused when sending */
  private readonly encodings = new WeakMap<MetricSample[], EncodedSeries[]>();

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: RemoteWriteSettings,
    shutdownTimeoutMs: number,
  ) {
    this.encoder = new SeriesEncoder({ externalLabels: settings.externalLabels, namespace: settings.namespace });
    const { queue } = settings.sender;
    const shardCount = queue.numConsumers;
    for (let shard = 0; shard < shardCount; shard++) {
      this.shards.push(
        new QueuedSender<MetricSample>({
          exporter: context.id,
          queueLabels: { shard: String(shard) },
          unit: 'metric_points',
          queue: {
            enabled: queue.enabled,
            numConsumers: 1,
            queueSize: Math.max(1, Math.ceil(queue.queueSize / shardCount)),
          },
          retry: settings.sender.retry,
          timeoutMs: settings.sender.timeoutMs,
          shutdownTimeoutMs,
          send: (batch, signal) => this.write(batch, signal),
          logger: context.logger,
          metrics: context.metrics,
        }),
      );
    }
  }

  async start(): Promise<void> {
    const id = this.settings.authenticator;
    if (id !== undefined) {
      const extension = this.context.extension(id);
      if (extension?.authenticator === undefined) {
        throw new SettingsError(
          `${this.context.path}.auth.authenticator`,
          `"${id}" is not an enabled authenticator extension`,
        );
      }
      this.authenticator = extension.authenticator;
    }
    const snappy = await import('snappy');
    this.snappy = { compressSync: (input) => snappy.compressSync(input) as Buffer };
    for (const shard of this.shards) shard.start();
  }

  consume(items: MetricSample[]): void {
    const shards = this.shards.length;
    const samples: MetricSample[][] = this.shards.map(() => []);
    const series: EncodedSeries[][] = this.shards.map(() => []);
    for (const item of items) {
      const encoded = this.encoder.series(item);
      const shard = shards === 1 ? 0 : encoded.hash % shards;
      samples[shard]?.push(item);
      series[shard]?.push(encoded);
    }
    samples.forEach((shardSamples, shard) => {
      const shardSeries = series[shard] ?? [];
      for (let index = 0; index < shardSamples.length; index += MAX_SAMPLES_PER_REQUEST) {
        const batch = shardSamples.slice(index, index + MAX_SAMPLES_PER_REQUEST);
        this.encodings.set(batch, shardSeries.slice(index, index + MAX_SAMPLES_PER_REQUEST));
        this.shards[shard]?.enqueue(batch);
      }
    });
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.shutdown()));
  }

  /** Sends the batch as one or more requests under max_batch_size_bytes; a failure fails what is left. */
  private async write(batch: MetricSample[], signal: AbortSignal): Promise<void> {
    const series = batch.some((sample) => sample.timestampMs < 0)
      ? toTimeSeries(
          batch.filter((sample) => sample.timestampMs >= 0),
          this.encoder,
        )
      : toTimeSeries(batch, this.encoder, this.encodings.get(batch));
    for (const request of splitBySize(series, this.settings.maxBatchSizeBytes)) {
      await this.post(encodeWriteRequest(request), signal);
    }
  }

  private async post(payload: Buffer, signal: AbortSignal): Promise<void> {
    const compress = this.snappy;
    if (compress === undefined) throw new Error('the exporter is not started');
    const body = compress.compressSync(payload);
    let headers: Record<string, string> = {
      ...this.settings.headers,
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
      'user-agent': 'adot-collector',
    };
    if (this.authenticator !== undefined) {
      headers = await this.authenticator.authorize({ method: 'POST', url: this.settings.endpoint, headers, body });
    }
    let response: Response;
    try {
      response = await fetch(this.settings.endpoint, { method: 'POST', headers, body, signal });
    } catch (error) {
      throw new Error(`remote write to ${this.settings.endpoint.host} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel();
      return;
    }
    const text = (await response.text().catch(() => '')).trim().slice(0, 300);
    const reason = `HTTP ${response.status}${text === '' ? '' : `: ${text}`}`;
    if (response.status >= 500 || response.status === 429) throw new Error(reason);
    throw new PermanentError(reason);
  }
}

/** Splits series into requests whose encoded size stays under the limit (a single larger series goes alone). */
function splitBySize(series: TimeSeries[], maxBytes: number): TimeSeries[][] {
  const requests: TimeSeries[][] = [];
  let current: TimeSeries[] = [];
  let size = 0;
  for (const entry of series) {
    const estimate = encodedSize(entry);
    if (current.length > 0 && size + estimate > maxBytes) {
      requests.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += estimate;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
