/**
 * exporter `awscloudwatchlogs` (opentelemetry-collector-contrib exporter/awscloudwatchlogsexporter): log records
 * become CloudWatch Logs events (events.ts) sent with PutLogEvents through @aws-sdk/client-cloudwatch-logs, in
 * batches within the API's limits, per log group and stream. A missing group or stream is created (the group with
 * `tags`, then `log_retention` applied with PutRetentionPolicy) and the call made again. Throttling, 5xx and network
 * failures are retried by the queued sender (`sending_queue` with one consumer by default, as the exporter's
 * factory sets it, `retry_on_failure`); other errors and events the service rejects are dropped and counted.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SettingsError, type Settings } from '../../config/settings.js';
import { collectorAwsClientSettings, sdkSendFailure } from '../../aws/client-settings.js';
import type { ComponentContext, ExporterInstance, LogItem } from '../../model.js';
import { extensionPersistence, jsonCodec, putLogEventsBytes } from '../../runtime/persistence.js';
import { QueuedSender, type SendOutcome } from '../../runtime/queued-sender.js';
import { readSenderSettings, SENDER_KEYS, type SenderSettings } from '../../runtime/sender-settings.js';
import { ThrottledLog } from '../../telemetry/logger.js';
import { splitIntoPutBatches } from '../awsemf/batches.js';
import { toCloudWatchEvent, type CloudWatchEvent, type StreamKey } from './events.js';

const UNIT = 'log_records';
/** CloudWatch Logs' retention values (the exporter's cwlogs.ValidateRetentionValue) */
const RETENTION_DAYS = [
  0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 2192, 2557, 2922, 3288, 3653,
];
const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]*$/;

export interface CloudWatchLogsExporterSettings {
  region: string;
  endpoint?: string;
  destination: StreamKey;
  rawLog: boolean;
  retentionDays: number;
  tags: Record<string, string>;
  sender: SenderSettings;
}

export function readCloudWatchLogsSettings(
  settings: Settings,
  env: Record<string, string | undefined>,
): CloudWatchLogsExporterSettings {
  settings.allowOnly([
    'region',
    'endpoint',
    'log_group_name',
    'log_stream_name',
    'raw_log',
    'log_retention',
    'tags',
    'max_retries',
    'num_workers',
    'request_timeout_seconds',
    ...SENDER_KEYS,
  ]);
  for (const key of ['role_arn', 'proxy_address', 'local_mode'] as const) {
    if (settings.has(key))
      throw new SettingsError(settings.at(key), `"${key}" is not supported by the bundled collector runtime`);
  }
  const logGroupName = settings.string('log_group_name', '');
  const logStreamName = settings.string('log_stream_name', '');
  if (logGroupName === '') throw new SettingsError(settings.at('log_group_name'), "'log_group_name' must be set");
  if (logStreamName === '') throw new SettingsError(settings.at('log_stream_name'), "'log_stream_name' must be set");
  if (!GROUP_NAME.test(logGroupName)) {
    throw new SettingsError(
      settings.at('log_group_name'),
      `"${logGroupName}" is not a log group name`,
      'Must follow the pattern [\\.\\-_/#A-Za-z0-9]+',
    );
  }
  if (!STREAM_NAME.test(logStreamName)) {
    throw new SettingsError(
      settings.at('log_stream_name'),
      `"${logStreamName}" is not a log stream name`,
      'Must follow the pattern [^:*]*',
    );
  }
  const retentionDays = settings.integer('log_retention', 0);
  if (!RETENTION_DAYS.includes(retentionDays)) {
    throw new SettingsError(
      settings.at('log_retention'),
      `invalid value for retention policy. Please make sure to use the following values: ${RETENTION_DAYS.join(', ')}`,
    );
  }
  const rawTags = settings.raw('tags');
  const tags: Record<string, string> = {};
  if (rawTags !== undefined && rawTags !== null) {
    if (typeof rawTags !== 'object' || Array.isArray(rawTags))
      throw new SettingsError(settings.at('tags'), 'must be a mapping of tag names to values');
    for (const [key, value] of Object.entries(rawTags)) tags[key] = String(value);
    const count = Object.keys(tags).length;
    if (count < 1 || count > 50)
      throw new SettingsError(settings.at('tags'), 'the number of tags must be between 1 and 50');
  }
  const region = settings.string('region') || env['AWS_REGION'] || env['AWS_DEFAULT_REGION'];
  if (region === undefined || region === '') {
    throw new SettingsError(
      settings.at('region'),
      'is required',
      'Set region, or AWS_REGION in the environment (the bundled runtime cannot ask EC2 instance metadata)',
    );
  }
  const endpoint = settings.string('endpoint');
  const sender = readSenderSettings(settings);
  const queue = settings.nested('sending_queue');
  return {
    region,
    ...(endpoint === undefined || endpoint === ''
      ? {}
      : { endpoint: endpoint.includes('://') ? endpoint : `https://${endpoint}` }),
    destination: { logGroupName, logStreamName },
    rawLog: settings.boolean('raw_log', false),
    retentionDays,
    tags,
    sender: { ...sender, queue: { ...sender.queue, numConsumers: queue.integer('num_consumers', 1, 1) } },
  };
}

export class CloudWatchLogsExporter implements ExporterInstance<LogItem> {
  private client: CloudWatchLogsClient | undefined;
  private readonly sender: QueuedSender<CloudWatchEvent>;
  private readonly dropped;
  private readonly throttled: ThrottledLog;
  private readonly created = new Set<string>();

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: CloudWatchLogsExporterSettings,
    shutdownTimeoutMs: number,
  ) {
    this.sender = new QueuedSender<CloudWatchEvent>({
      exporter: context.id,
      unit: UNIT,
      queue: settings.sender.queue,
      retry: settings.sender.retry,
      timeoutMs: settings.sender.timeoutMs,
      shutdownTimeoutMs,
      send: (batch, signal) => this.put(batch, signal),
      bytes: putLogEventsBytes,
      persistence: extensionPersistence(context, settings.sender.queue.storage, 'logs', jsonCodec<CloudWatchEvent>()),
      logger: context.logger,
      metrics: context.metrics,
    });
    this.dropped = context.metrics.counter(`otelcol_exporter_dropped_${UNIT}`, `${UNIT} dropped, by reason`, {
      exporter: context.id,
      reason: 'permanent_error',
    });
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
  }

  async start(): Promise<void> {
    const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
    this.client = new CloudWatchLogsClient({
      ...collectorAwsClientSettings({
        serviceEnvName: 'CLOUDWATCH_LOGS',
        region: this.settings.region,
        ...(this.settings.endpoint === undefined ? {} : { endpoint: this.settings.endpoint }),
        env: this.context.env,
        credentials: this.context.awsCredentials,
      }),
      maxAttempts: 1,
    });
    await this.sender.start();
  }

  consume(items: LogItem[]): void {
    const now = Date.now();
    const byStream = new Map<string, CloudWatchEvent[]>();
    for (const item of items) {
      const outcome = toCloudWatchEvent(item, this.settings.destination, this.settings.rawLog, now);
      if ('dropped' in outcome) {
        this.dropped.add(1);
        this.throttled.log(outcome.dropped, `exporter ${this.context.id}: dropped a log record: ${outcome.dropped}`);
        continue;
      }
      const key = `${outcome.event.logGroupName}\u0000${outcome.event.logStreamName}`;
      byStream.set(key, [...(byStream.get(key) ?? []), outcome.event]);
    }
    for (const events of byStream.values()) {
      for (const batch of splitIntoPutBatches(events).batches) this.sender.enqueue(batch as CloudWatchEvent[]);
    }
  }

  async shutdown(): Promise<void> {
    await this.sender.shutdown();
    this.client?.destroy();
  }

  private async put(batch: CloudWatchEvent[], signal: AbortSignal): Promise<SendOutcome<CloudWatchEvent> | void> {
    const first = batch[0];
    if (first === undefined) return;
    const key: StreamKey = { logGroupName: first.logGroupName, logStreamName: first.logStreamName };
    let rejected: Record<string, number | undefined> | undefined;
    try {
      rejected = await this.putOnce(key, batch, signal);
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw classify(error);
      await this.createDestination(key, signal);
      try {
        rejected = await this.putOnce(key, batch, signal);
      } catch (again) {
        throw classify(again);
      }
    }
    if (rejected === undefined) return;
    const refused = batch.filter((_, index) => isRejected(rejected, index));
    if (refused.length === 0) return;
    return { rejected: { items: refused, reason: `rejectedLogEventsInfo ${JSON.stringify(rejected)}` } };
  }

  private async putOnce(key: StreamKey, batch: CloudWatchEvent[], signal: AbortSignal) {
    const { PutLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const answer = await this.started().send(
      new PutLogEventsCommand({ ...key, logEvents: batch.map(({ timestamp, message }) => ({ timestamp, message })) }),
      { abortSignal: signal },
    );
    return answer.rejectedLogEventsInfo as Record<string, number | undefined> | undefined;
  }

  /** The group (with tags and retention) when it is missing, then the stream; either existing already is fine. */
  private async createDestination(key: StreamKey, signal: AbortSignal): Promise<void> {
    const { CreateLogGroupCommand, CreateLogStreamCommand, PutRetentionPolicyCommand } =
      await import('@aws-sdk/client-cloudwatch-logs');
    const client = this.started();
    try {
      await client.send(new CreateLogStreamCommand({ ...key }), { abortSignal: signal });
      return;
    } catch (error) {
      if (errorName(error) === 'ResourceAlreadyExistsException') return;
      if (errorName(error) !== 'ResourceNotFoundException') throw classify(error);
    }
    try {
      const tags = Object.keys(this.settings.tags).length > 0 ? { tags: this.settings.tags } : {};
      await client.send(new CreateLogGroupCommand({ logGroupName: key.logGroupName, ...tags }), {
        abortSignal: signal,
      });
      this.context.logger.info(`exporter ${this.context.id}: created log group ${key.logGroupName}`);
      if (this.settings.retentionDays > 0 && !this.created.has(key.logGroupName)) {
        this.created.add(key.logGroupName);
        await client
          .send(
            new PutRetentionPolicyCommand({
              logGroupName: key.logGroupName,
              retentionInDays: this.settings.retentionDays,
            }),
            { abortSignal: signal },
          )
          .catch((error: unknown) =>
            this.context.logger.warn(
              `exporter ${this.context.id}: could not set the retention of ${key.logGroupName}: ${(error as Error).message}`,
            ),
          );
      }
    } catch (error) {
      if (errorName(error) !== 'ResourceAlreadyExistsException') throw classify(error);
    }
    try {
      await client.send(new CreateLogStreamCommand({ ...key }), { abortSignal: signal });
    } catch (error) {
      if (errorName(error) !== 'ResourceAlreadyExistsException') throw classify(error);
    }
  }

  private started(): CloudWatchLogsClient {
    if (this.client === undefined) throw new Error('the exporter is not started');
    return this.client;
  }
}

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error
    ? String((error as { name: unknown }).name)
    : '';
}

function classify(error: unknown): Error {
  return sdkSendFailure(error);
}

function isRejected(info: Record<string, number | undefined>, index: number): boolean {
  const tooNew = info['tooNewLogEventStartIndex'];
  const tooOld = info['tooOldLogEventEndIndex'];
  const expired = info['expiredLogEventEndIndex'];
  if (tooNew !== undefined && index >= tooNew) return true;
  if (tooOld !== undefined && index <= tooOld) return true;
  return expired !== undefined && index <= expired;
}
