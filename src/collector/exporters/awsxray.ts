/**
 * exporter `awsxray`: PutTraceSegments through @aws-sdk/client-xray, at most 50 documents per call (the API's
 * limit), segments listed in UnprocessedTraceSegments sent again, transient failures retried by the queued sender.
 * X-Ray daemon segments are sent as they arrived; OTLP span items are converted here, with this exporter's
 * index_all_attributes / indexed_attributes (ADOT's defaults: false, []).
 */
import type { XRayClient } from '@aws-sdk/client-xray';
import { SettingsError, type Settings } from '../config/settings.js';
import { collectorAwsClientSettings, sdkSendFailure } from '../aws/client-settings.js';
import type { ComponentContext, ExporterInstance, TraceItem } from '../model.js';
import { spanItemToSegment, type XRayTranslationOptions } from '../translate/spans-to-xray.js';
import { QueuedSender, type SendOutcome } from '../runtime/queued-sender.js';
import { readSenderSettings, SENDER_KEYS, type SenderSettings } from '../runtime/sender-settings.js';

export const MAX_DOCUMENTS_PER_CALL = 50;

export interface AwsXRayExporterSettings {
  region: string;
  endpoint?: string;
  translation: XRayTranslationOptions;
  sender: SenderSettings;
}

/** Keys of the ADOT awsxray exporter accepted and not acted on (they concern its own telemetry and log groups). */
const IGNORED_KEYS = ['aws_log_groups', 'telemetry', 'local_mode'];

export function readAwsXRayExporterSettings(settings: Settings): AwsXRayExporterSettings {
  settings.allowOnly([
    'region',
    'endpoint',
    'resource_arn',
    'role_arn',
    'no_verify_ssl',
    'proxy_address',
    'max_retries',
    'indexed_attributes',
    'index_all_attributes',
    ...IGNORED_KEYS,
    ...SENDER_KEYS,
  ]);
  const endpoint = settings.string('endpoint');
  return {
    region: settings.requiredString('region'),
    ...(endpoint === undefined || endpoint === '' ? {} : { endpoint }),
    translation: {
      indexAllAttributes: settings.boolean('index_all_attributes', false),
      indexedAttributes: settings.stringList('indexed_attributes'),
    },
    sender: readXRaySenderSettings(settings),
  };
}

/**
 * sending_queue as exporterhelper reads it, less what the bundled runtime cannot do for spans: a span holds binary
 * ids and is converted only when sent, so it has no stored form (`storage`) and no size as sent (`sizer: bytes`).
 */
function readXRaySenderSettings(settings: Settings): SenderSettings {
  const sender = readSenderSettings(settings);
  const queue = 'sending_queue';
  if (sender.queue.storage !== undefined) {
    throw new SettingsError(
      settings.nested(queue).at('storage'),
      'a persistent sending queue is not supported by the bundled runtime for awsxray',
      'leave sending_queue.storage out (the queue is in memory)',
    );
  }
  if (sender.queue.sizer === 'bytes') {
    throw new SettingsError(
      settings.nested(queue).at('sizer'),
      'sizer bytes is not supported by the bundled runtime for awsxray',
      'use requests (the default) or items',
    );
  }
  return sender;
}

/** A document ready to send, with the item it came from (what is retried or counted). */
interface Sendable {
  item: TraceItem;
  id: string;
  document: string;
}

export class AwsXRayExporter implements ExporterInstance<TraceItem> {
  private client: XRayClient | undefined;
  private readonly sender: QueuedSender<TraceItem>;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: AwsXRayExporterSettings,
    shutdownTimeoutMs: number,
  ) {
    this.sender = new QueuedSender<TraceItem>({
      exporter: context.id,
      unit: 'spans',
      queue: settings.sender.queue,
      retry: settings.sender.retry,
      timeoutMs: settings.sender.timeoutMs,
      shutdownTimeoutMs,
      send: (batch, signal) => this.put(batch, signal),
      logger: context.logger,
      metrics: context.metrics,
    });
  }

  async start(): Promise<void> {
    const { XRayClient } = await import('@aws-sdk/client-xray');
    const { Agent } = await import('node:http');
    const { Agent: HttpsAgent } = await import('node:https');
    const sockets = this.settings.sender.queue.numConsumers;
    const client = collectorAwsClientSettings({
      serviceEnvName: 'XRAY',
      region: this.settings.region,
      ...(this.settings.endpoint === undefined ? {} : { endpoint: this.settings.endpoint }),
      env: this.context.env,
      credentials: this.context.awsCredentials,
    });
    this.client = new XRayClient({
      ...client,
      // the queued sender retries; the SDK's own retries would multiply attempts and hide failures from it
      maxAttempts: 1,
      requestHandler: {
        httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: sockets }),
      },
    });
    await this.sender.start();
  }

  consume(items: TraceItem[]): void {
    for (let index = 0; index < items.length; index += MAX_DOCUMENTS_PER_CALL) {
      this.sender.enqueue(items.slice(index, index + MAX_DOCUMENTS_PER_CALL));
    }
  }

  async shutdown(): Promise<void> {
    await this.sender.shutdown();
    this.client?.destroy();
  }

  /** The batch's documents, converting span items; items that cannot become a segment are left out. */
  private documents(batch: TraceItem[]): { sendable: Sendable[]; refused: TraceItem[]; problem: string } {
    const sendable: Sendable[] = [];
    const refused: TraceItem[] = [];
    let problem = '';
    for (const item of batch) {
      if (item.kind === 'xray-segment') {
        sendable.push({ item, id: item.id, document: item.document });
        continue;
      }
      const outcome = spanItemToSegment(item, this.settings.translation);
      if (outcome.ok) {
        sendable.push({ item, id: outcome.segment.id, document: outcome.segment.document });
      } else {
        refused.push(item);
        problem ||= `not convertible to a segment: ${outcome.problem}`;
      }
    }
    return { sendable, refused, problem };
  }

  /** One PutTraceSegments call; resolves with the items X-Ray did not take. */
  private async put(batch: TraceItem[], signal: AbortSignal): Promise<SendOutcome<TraceItem>> {
    const { PutTraceSegmentsCommand } = await import('@aws-sdk/client-xray');
    const client = this.client;
    if (client === undefined) throw new Error('the exporter is not started');
    const { sendable, refused, problem } = this.documents(batch);
    const notConvertible = refused.length === 0 ? {} : { rejected: { items: refused, reason: problem } };
    if (sendable.length === 0) return notConvertible;
    let answer;
    try {
      answer = await client.send(
        new PutTraceSegmentsCommand({ TraceSegmentDocuments: sendable.map((entry) => entry.document) }),
        { abortSignal: signal },
      );
    } catch (error) {
      // throttles (Retry-After) and other retryable failures are retried by the sender; anything else is permanent
      throw sdkSendFailure(error);
    }
    const unprocessed = answer.UnprocessedTraceSegments ?? [];
    if (unprocessed.length === 0) return notConvertible;
    const refusedIds = new Set<string | undefined>();
    const retryIds = new Set<string | undefined>();
    let reason = problem;
    for (const segment of unprocessed) {
      // X-Ray refusing the document itself cannot be fixed by sending it again
      if (segment.ErrorCode === 'InvalidSegment' || segment.ErrorCode === 'SegmentTooLarge') {
        refusedIds.add(segment.Id);
        reason ||= `${segment.ErrorCode}: ${segment.Message ?? ''}`;
      } else {
        retryIds.add(segment.Id);
      }
    }
    const itemsWith = (ids: Set<string | undefined>) =>
      sendable.filter((entry) => ids.has(entry.id)).map((entry) => entry.item);
    return {
      retry: itemsWith(retryIds),
      rejected: { items: [...refused, ...itemsWith(refusedIds)], reason },
    };
  }
}
