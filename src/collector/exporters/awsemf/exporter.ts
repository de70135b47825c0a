/**
 * exporter `awsemf`: samples become EMF log events (emf.ts) as they arrive, so counter deltas follow scrape order;
 * the events go to CloudWatch Logs with PutLogEvents through @aws-sdk/client-cloudwatch-logs in batches within the
 * API's limits (batches.ts). A missing log group or stream is created on ResourceNotFoundException and the call is
 * made again. Throttling, 5xx and network failures are retried by the queued sender; any other error, and events
 * the service reports in rejectedLogEventsInfo, are dropped, counted and logged. The queued sender counts log
 * events (otelcol_exporter_sent_log_records / otelcol_exporter_dropped_log_records).
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { collectorAwsClientSettings, sdkSendFailure } from '../../aws/client-settings.js';
import type { ComponentContext, ExporterInstance, MetricSample } from '../../model.js';
import { extensionPersistence, jsonCodec, putLogEventsBytes } from '../../runtime/persistence.js';
import { QueuedSender, type SendOutcome } from '../../runtime/queued-sender.js';
import { ThrottledLog } from '../../telemetry/logger.js';
import { MAX_EVENT_BYTES, splitIntoPutBatches } from './batches.js';
import { DeltaTracker } from './delta.js';
import { buildEmfEvents, type EmfLogEvent } from './emf.js';
import type { AwsEmfExporterSettings } from './settings.js';

const UNIT = 'log_records';

interface RejectedInfo {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
  expiredLogEventEndIndex?: number;
}

export class AwsEmfExporter implements ExporterInstance<MetricSample> {
  private client: CloudWatchLogsClient | undefined;
  private readonly sender: QueuedSender<EmfLogEvent>;
  private readonly tracker: DeltaTracker;
  private readonly oversizedDrops;
  private readonly throttled: ThrottledLog;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: AwsEmfExporterSettings,
    shutdownTimeoutMs: number,
  ) {
    this.tracker = new DeltaTracker();
    this.sender = new QueuedSender<EmfLogEvent>({
      exporter: context.id,
      unit: UNIT,
      queue: settings.sender.queue,
      retry: settings.sender.retry,
      timeoutMs: settings.sender.timeoutMs,
      shutdownTimeoutMs,
      send: (batch, signal) => this.put(batch, signal),
      bytes: putLogEventsBytes,
      persistence: extensionPersistence(context, settings.sender.queue.storage, 'metrics', jsonCodec<EmfLogEvent>()),
      logger: context.logger,
      metrics: context.metrics,
    });
    this.oversizedDrops = context.metrics.counter(`otelcol_exporter_dropped_${UNIT}`, `${UNIT} dropped, by reason`, {
      exporter: context.id,
      reason: 'permanent_error',
    });
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
    settings.emf.declarations.forEach((declaration, index) => {
      for (const set of declaration.ignoredDimensions) {
        context.logger.warn(
          `exporter ${context.id}: metric_declarations[${index}]: dropped dimension set [${set.join(', ')}]: > 10 dimensions specified`,
        );
      }
    });
  }

  async start(): Promise<void> {
    if (this.settings.outputDestination === 'stdout') return;
    const { CloudWatchLogsClient } = await import('@aws-sdk/client-cloudwatch-logs');
    const { Agent } = await import('node:http');
    const { Agent: HttpsAgent } = await import('node:https');
    const sockets = this.settings.sender.queue.numConsumers;
    this.client = new CloudWatchLogsClient({
      ...collectorAwsClientSettings({
        serviceEnvName: 'CLOUDWATCH_LOGS',
        region: this.settings.region,
        ...(this.settings.endpoint === undefined ? {} : { endpoint: this.settings.endpoint }),
        env: this.context.env,
        credentials: this.context.awsCredentials,
      }),
      // the queued sender retries; the SDK's own retries would multiply attempts and hide failures from it
      maxAttempts: 1,
      requestHandler: {
        httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: sockets }),
      },
    });
    await this.sender.start();
  }

  consume(items: MetricSample[]): void {
    const events = buildEmfEvents(items, this.settings.emf, this.tracker);
    if (this.settings.outputDestination === 'stdout') {
      // output_destination: stdout prints each event's message (emf_exporter.go) and sends nothing
      for (const event of events) this.context.stdout(event.message);
      return;
    }
    const { batches, oversized } = splitIntoPutBatches(events);
    if (oversized.length > 0) {
      this.oversizedDrops.add(oversized.length);
      this.throttled.log(
        'oversized',
        `exporter ${this.context.id}: dropped ${oversized.length} EMF event(s) larger than ${MAX_EVENT_BYTES} bytes`,
      );
    }
    for (const batch of batches) this.sender.enqueue(batch);
  }

  async shutdown(): Promise<void> {
    if (this.settings.outputDestination === 'stdout') return;
    await this.sender.shutdown();
    this.client?.destroy();
  }

  private async put(batch: EmfLogEvent[], signal: AbortSignal): Promise<SendOutcome<EmfLogEvent> | void> {
    let rejected: RejectedInfo | undefined;
    try {
      rejected = await this.putOnce(batch, signal);
    } catch (error) {
      if (errorName(error) !== 'ResourceNotFoundException') throw classify(error);
      await this.createDestination(signal);
      try {
        rejected = await this.putOnce(batch, signal);
      } catch (again) {
        throw classify(again);
      }
    }
    if (rejected === undefined) return;
    const refused = batch.filter((_, index) => isRejected(rejected, index));
    if (refused.length === 0) return;
    return { rejected: { items: refused, reason: `rejectedLogEventsInfo ${JSON.stringify(rejected)}` } };
  }

  private async putOnce(batch: EmfLogEvent[], signal: AbortSignal): Promise<RejectedInfo | undefined> {
    const { PutLogEventsCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const answer = await this.started().send(
      new PutLogEventsCommand({
        logGroupName: this.settings.logGroupName,
        logStreamName: this.settings.logStreamName,
        logEvents: batch.map((event) => ({ timestamp: event.timestamp, message: event.message })),
      }),
      { abortSignal: signal },
    );
    return answer.rejectedLogEventsInfo;
  }

  /** Creates the log group and stream; either existing already (another collector made it) is fine. */
  private async createDestination(signal: AbortSignal): Promise<void> {
    const { CreateLogGroupCommand, CreateLogStreamCommand } = await import('@aws-sdk/client-cloudwatch-logs');
    const { logGroupName, logStreamName } = this.settings;
    const client = this.started();
    try {
      await client.send(new CreateLogGroupCommand({ logGroupName }), { abortSignal: signal });
      this.context.logger.info(`exporter ${this.context.id}: created log group ${logGroupName}`);
    } catch (error) {
      if (errorName(error) !== 'ResourceAlreadyExistsException') throw classify(error);
    }
    try {
      await client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }), { abortSignal: signal });
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

/** Throttles (Retry-After) and other retryable failures are retried by the sender; anything else is permanent. */
function classify(error: unknown): Error {
  return sdkSendFailure(error);
}

function isRejected(info: RejectedInfo, index: number): boolean {
  if (info.tooNewLogEventStartIndex !== undefined && index >= info.tooNewLogEventStartIndex) return true;
  if (info.tooOldLogEventEndIndex !== undefined && index <= info.tooOldLogEventEndIndex) return true;
  return info.expiredLogEventEndIndex !== undefined && index <= info.expiredLogEventEndIndex;
}
