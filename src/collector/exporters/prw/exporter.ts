/**
 * exporter `prometheusremotewrite`: remote write 1.0 (protobuf WriteRequest, snappy block format, the three
 * protocol headers), optional auth through an authenticator extension (sigv4auth). Samples are sharded by series
 * over `num_consumers` ordered queues so that a retried request can never land after a newer sample of the same
 * series (which the receiver would refuse as out of order). 5xx and 429 are retried with backoff, waiting at least
 * what a Retry-After header of a 429 or 503 asks; any other 4xx is dropped with the receiver's reason logged.
 */
import type { CollectorFiles } from '../../runtime/files.js';
import { join, resolve } from 'node:path';
import { SettingsError, type Settings } from '../../config/settings.js';
import type { ComponentContext, ExporterInstance, HttpAuthenticator, MetricSample } from '../../model.js';
import { PermanentError, QueuedSender } from '../../runtime/queued-sender.js';
import { throttleFor } from '../../runtime/retry-after.js';
import { readSenderSettings, type SenderSettings } from '../../runtime/sender-settings.js';
import { HttpPoster } from './http-post.js';
import { encodeRequests, SeriesEncoder, type RequestSink } from './write-request.js';
import { bodyCodec } from '../../runtime/persistence.js';
import type { QueuePersistence } from '../../runtime/queued-sender.js';
import { openQueueDirectory } from '../../runtime/queue-storage.js';

/**
 * Requests are cut at this size even under a larger max_batch_size_bytes (the collector's default is 3 MB): each
 * shard writes its pending request into a buffer it keeps, and a scrape of 100k series makes about 13 MB of requests
 * either way; cut at 256 KiB, five shards keep 1.25 MB instead of 15 MB, for some 50 requests per scrape instead of 5.
 */
export const REQUEST_TARGET_BYTES = 256 * 1024;

/** A WriteRequest ready to send: snappy-compressed when queued, so a queue holds compact bytes, not samples. */
interface QueuedRequest {
  body: Buffer;
  samples: number;
}

/**
 * A shard's encoded WriteRequests not queued yet, written one after the other into a buffer the shard reuses (they
 * concatenate: a WriteRequest is its repeated series): no large allocation per request, only the compressed copy.
 */
class PendingRequest implements RequestSink {
  private buffer = Buffer.allocUnsafe(0);
  bytes = 0;
  samples = 0;

  constructor(
    private readonly maxBytes: number,
    /** compresses and queues bytes[0, bytes) with `samples` samples, before the buffer is written over */
    private readonly flush: (payload: Buffer, samples: number) => void,
  ) {}

  allocate(size: number): Buffer {
    if (this.bytes > 0 && this.bytes + size > this.maxBytes) this.flushNow();
    const needed = this.bytes + size;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(needed, Math.min(this.maxBytes, this.buffer.length * 2)));
      this.buffer.copy(grown, 0, 0, this.bytes);
      this.buffer = grown;
    }
    return this.buffer.subarray(this.bytes, needed);
  }

  written(payload: Buffer, samples: number): void {
    this.bytes += payload.length;
    this.samples += samples;
  }

  flushNow(): void {
    if (this.bytes === 0) return;
    const { bytes, samples } = this;
    this.bytes = 0;
    this.samples = 0;
    this.flush(this.buffer.subarray(0, bytes), samples);
  }
}

export interface RemoteWriteSettings {
  endpoint: URL;
  headers: Record<string, string>;
  externalLabels: Record<string, string>;
  namespace: string;
  authenticator?: string;
  maxBatchSizeBytes: number;
  sender: SenderSettings;
  /** wal: where unsent requests are kept across restarts */
  wal?: { directory: string };
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
  'wal',
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
  const wal = readWal(settings);
  return {
    ...(wal === undefined ? {} : { wal }),
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

/**
 * `wal` (exporter/prometheusremotewriteexporter/wal.go): the exporter's own persistence, as it has no
 * sending_queue.storage. `directory` holds it (in `prom_remotewrite/`, as upstream); `buffer_size` (300) and
 * `truncate_frequency` (1m) pace upstream's reader, which sends in rounds: here each request is sent as soon as it is
 * written and its file removed once delivered, so they are checked and have no effect.
 */
function readWal(settings: Settings): { directory: string } | undefined {
  if (!settings.has('wal')) return undefined;
  const wal = settings.nested('wal').allowOnly(['directory', 'buffer_size', 'truncate_frequency']);
  wal.integer('buffer_size', 300);
  wal.duration('truncate_frequency', 60_000);
  return { directory: resolve(wal.requiredString('directory')) };
}

function stringMap(settings: Settings, key: string): Record<string, string> {
  const raw = settings.raw(key);
  if (raw === undefined || raw === null) return {};
  const nested = settings.nested(key);
  return Object.fromEntries(Object.keys(raw as object).map((name) => [name, nested.requiredString(name)]));
}

export class RemoteWriteExporter implements ExporterInstance<MetricSample> {
  private readonly shards: QueuedSender<QueuedRequest>[] = [];
  private readonly poster: HttpPoster;
  private authenticator: HttpAuthenticator | undefined;
  private snappy: { compressSync(input: Buffer): Buffer } | undefined;
  private readonly encoder: SeriesEncoder;
  private readonly pending: PendingRequest[] = [];
  private readonly found: string[] = [];
  private flushQueued = false;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: RemoteWriteSettings,
    shutdownTimeoutMs: number,
  ) {
    this.encoder = new SeriesEncoder({ externalLabels: settings.externalLabels, namespace: settings.namespace });
    const { queue } = settings.sender;
    const shardCount = queue.numConsumers;
    this.poster = new HttpPoster(settings.endpoint, shardCount);
    for (let shard = 0; shard < shardCount; shard++) {
      this.pending.push(
        new PendingRequest(this.requestBytes(), (payload, samples) => this.queue(shard, payload, samples)),
      );
      this.shards.push(
        new QueuedSender<QueuedRequest>({
          exporter: context.id,
          queueLabels: { shard: String(shard) },
          unit: 'metric_points',
          weight: (request) => request.samples,
          queue: {
            enabled: queue.enabled,
            numConsumers: 1,
            queueSize: Math.max(1, Math.ceil(queue.queueSize / shardCount)),
          },
          retry: settings.sender.retry,
          timeoutMs: settings.sender.timeoutMs,
          shutdownTimeoutMs,
          send: async (batch, signal) => {
            for (const request of batch) await this.post(request.body, signal);
          },
          bytes: (request) => request.body.length,
          ...(settings.wal === undefined
            ? {}
            : { persistence: walPersistence(settings.wal.directory, shard, context.files) }),
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
    // copyOutputData: the output in a Buffer V8 allocates and frees; by default it stays in the native module's own
    // allocator, which V8 does not see, so it is freed late and the allocator keeps the pages (hundreds of MB)
    this.snappy = { compressSync: (input) => snappy.compressSync(input, { copyOutputData: true }) };
    for (const shard of this.shards) await shard.start();
  }

  /**
   * Shards the samples by series and encodes each shard's part at once, so that the samples are garbage as soon as
   * this returns (they die young). The encodings of one burst of calls (a scrape handed on in slices) are joined
   * into requests of up to max_batch_size_bytes, then compressed and queued (a queue holds compact bytes), when a
   * request is full or once the burst is over. As the collector's exporter, no cap on samples per request.
   */
  consume(items: MetricSample[]): void {
    const shardCount = this.shards.length;
    const samples: MetricSample[][] = this.shards.map(() => []);
    const encodings: string[][] = this.shards.map(() => []);
    for (const item of items) {
      // the encoding goes to a scratch list first: its shard is known once it is found
      const hash = this.encoder.encode(item, this.found);
      const shard = shardCount === 1 ? 0 : hash % shardCount;
      samples[shard]!.push(item);
      encodings[shard]!.push(this.found.pop()!);
    }
    samples.forEach((shardSamples, shard) => this.append(shard, shardSamples, encodings[shard]!));
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flushAll();
      });
    }
  }

  async shutdown(): Promise<void> {
    this.flushAll();
    await Promise.all(this.shards.map((shard) => shard.shutdown()));
    this.poster.close();
  }

  private append(shard: number, samples: MetricSample[], encodings: string[]): void {
    if (samples.length === 0) return;
    const pending = this.pending[shard]!;
    const unsendable = encodeRequests(samples, encodings, this.requestBytes(), pending);
    if (unsendable > 0) this.shards[shard]?.dropUnsendable(unsendable, 'negative timestamps cannot be sent');
  }

  /** How large a request grows: max_batch_size_bytes, or less (see REQUEST_TARGET_BYTES). */
  private requestBytes(): number {
    return Math.min(this.settings.maxBatchSizeBytes, REQUEST_TARGET_BYTES);
  }

  private flushAll(): void {
    for (const pending of this.pending) pending.flushNow();
  }

  private queue(shard: number, payload: Buffer, samples: number): void {
    const sender = this.shards[shard]!;
    const compress = this.snappy;
    if (compress === undefined) {
      sender.dropUnsendable(samples, 'the exporter is not started');
      return;
    }
    sender.enqueue([{ body: compress.compressSync(payload), samples }]);
  }

  private async post(body: Buffer, signal: AbortSignal): Promise<void> {
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
    let response;
    try {
      response = await this.poster.post(headers, body, signal);
    } catch (error) {
      throw new Error(`remote write to ${this.settings.endpoint.host} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (response.status >= 200 && response.status < 300) return;
    const text = response.text.trim().slice(0, 300);
    const reason = `HTTP ${response.status}${text === '' ? '' : `: ${text}`}`;
    const throttle = throttleFor(response.status, response.retryAfter, reason);
    if (throttle !== undefined) throw throttle;
    if (response.status >= 500 || response.status === 429) throw new Error(reason);
    throw new PermanentError(reason);
  }
}

/**
 * A shard's queue in the wal directory: `prom_remotewrite/shard-<n>`, each request written (and synced, as upstream's
 * WAL syncs every write) before it is queued. Shards keep their own order, so a request is sent again after a restart
 * before any newer sample of its series.
 */
function walPersistence(directory: string, shard: number, files: CollectorFiles): QueuePersistence<QueuedRequest> {
  return {
    // where the collector may write: as named for `collector run`, only under its pod's mounts in the sandbox
    open: async () => {
      const root = join(await files.resolve(directory, 'write'), 'prom_remotewrite');
      return openQueueDirectory(join(root, `shard-${shard}`), { fsync: true, lockTimeoutMs: 1_000, parents: root });
    },
    ...bodyCodec<QueuedRequest>(
      (request) => ({ body: request.body, items: request.samples }),
      (body, samples) => ({ body, samples }),
    ),
  };
}

export { retryAfterMs } from '../../runtime/retry-after.js';
