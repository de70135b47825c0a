/**
 * What both transports do with one export request: decode it, turn it into pipeline items (spans -> span items,
 * metrics -> samples), pass them on, count what was accepted and refused per transport, and say which part was
 * rejected (the OTLP partial success). Pipelines never push back: a full exporter queue drops its oldest batch.
 */
import {
  DataRefusedError,
  type ComponentContext,
  type Consumer,
  type LogItem,
  type MetricSample,
  type TraceItem,
} from '../../model.js';
import { ThrottledLog } from '../../telemetry/logger.js';
import type { Counter } from '../../telemetry/self-metrics.js';
import { rememberClient } from '../../processors/resource-items.js';
import { logItems } from '../../translate/log-items.js';
import { metricsToSamples } from '../../translate/metrics-to-samples.js';
import { spanItems } from '../../translate/span-items.js';
import type { OtlpCodec, OtlpFormat, OtlpSignal, PartialSuccess } from './codec.js';

export type OtlpTransport = 'grpc' | 'http';

export interface OtlpConsumers {
  traces?: Consumer<TraceItem>;
  metrics?: Consumer<MetricSample>;
  logs?: Consumer<LogItem>;
}

const UNITS: Record<OtlpSignal, string> = { traces: 'spans', metrics: 'metric_points', logs: 'log_records' };

export class OtlpExportHandler {
  private readonly counters = new Map<string, Counter>();
  private readonly throttled: ThrottledLog;
  /** the address of the client whose request is being handled (k8sattributes' connection source) */
  private client: string | undefined;

  constructor(
    private readonly context: ComponentContext,
    private readonly codec: OtlpCodec,
    private readonly consumers: OtlpConsumers,
    private readonly now: () => number = Date.now,
  ) {
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
  }

  /** Whether a pipeline takes this signal from the receiver (otherwise its endpoint is not served). */
  accepts(signal: OtlpSignal): boolean {
    return this.consumers[signal] !== undefined;
  }

  /**
   * Throws OtlpDecodeError for a body that is not the request it claims to be, DataRefusedError when a pipeline
   * (its memory_limiter) refused the data: the client should send it again later.
   */
  handle(
    signal: OtlpSignal,
    body: Uint8Array,
    format: OtlpFormat,
    transport: OtlpTransport,
    client?: string,
  ): PartialSuccess | undefined {
    this.client = client;
    try {
      if (signal === 'traces') return this.traces(body, format, transport);
      if (signal === 'metrics') return this.metrics(body, format, transport);
      return this.logs(body, format, transport);
    } catch (error) {
      if (error instanceof DataRefusedError) throw error;
      this.throttled.log(
        `decode-${transport}`,
        `receiver ${this.context.id}: refused an undecodable ${signal} request over ${transport}: ${(error as Error).message}`,
      );
      throw error;
    }
  }

  private traces(body: Uint8Array, format: OtlpFormat, transport: OtlpTransport): PartialSuccess | undefined {
    const translated = spanItems(this.codec.decodeTraces(body, format));
    this.remember(translated.items.map((item) => item.resource));
    if (translated.items.length > 0) this.pass('traces', transport, this.consumers.traces, translated.items);
    this.count('traces', transport, translated.items.length, translated.rejected);
    return this.partial('traces', transport, translated.rejected, translated.problem);
  }

  private metrics(body: Uint8Array, format: OtlpFormat, transport: OtlpTransport): PartialSuccess | undefined {
    const translated = metricsToSamples(this.codec.decodeMetrics(body, format), this.now());
    this.remember(translated.samples.map((sample) => sample.resource ?? {}));
    if (translated.samples.length > 0) {
      this.pass('metrics', transport, this.consumers.metrics, translated.samples, translated.accepted);
    }
    this.count('metrics', transport, translated.accepted, translated.dropped);
    return this.partial('metrics', transport, translated.dropped, translated.problem);
  }

  private logs(body: Uint8Array, format: OtlpFormat, transport: OtlpTransport): PartialSuccess | undefined {
    const items = logItems(this.codec.decodeLogs(body, format));
    this.remember(items.map((item) => item.resource));
    if (items.length > 0) this.pass('logs', transport, this.consumers.logs, items);
    this.count('logs', transport, items.length, 0);
    return undefined;
  }

  private remember(resources: object[]): void {
    const client = this.client;
    if (client === undefined) return;
    for (const resource of new Set(resources)) rememberClient(resource, client);
  }

  /** Hands items on; a refusal (memory_limiter) counts them refused and goes back to the transport. */
  private pass<T>(
    signal: OtlpSignal,
    transport: OtlpTransport,
    consumer: Consumer<T> | undefined,
    items: T[],
    weight = items.length,
  ): void {
    try {
      consumer?.consume(items);
    } catch (error) {
      if (!(error instanceof DataRefusedError)) throw error;
      this.counter('refused', signal, transport).add(weight);
      this.throttled.log(
        `refused-${signal}`,
        `receiver ${this.context.id}: ${error.message}: ${weight} ${UNITS[signal]} refused`,
      );
      throw error;
    }
  }

  private partial(
    signal: OtlpSignal,
    transport: OtlpTransport,
    rejected: number,
    problem: string | undefined,
  ): PartialSuccess | undefined {
    if (rejected === 0) return undefined;
    const message = problem ?? `${rejected} ${UNITS[signal]} refused`;
    this.throttled.log(
      `rejected-${signal}`,
      `receiver ${this.context.id}: refused ${rejected} ${UNITS[signal]} over ${transport}: ${message}`,
    );
    return { rejected, message };
  }

  private count(signal: OtlpSignal, transport: OtlpTransport, accepted: number, refused: number): void {
    this.counter('accepted', signal, transport).add(accepted);
    if (refused > 0) this.counter('refused', signal, transport).add(refused);
  }

  private counter(outcome: 'accepted' | 'refused', signal: OtlpSignal, transport: OtlpTransport): Counter {
    const key = `${outcome}:${signal}:${transport}`;
    let counter = this.counters.get(key);
    if (counter === undefined) {
      const help =
        outcome === 'accepted'
          ? `${UNITS[signal]} received and passed on`
          : `${UNITS[signal]} refused (malformed or not representable)`;
      counter = this.context.metrics.counter(`otelcol_receiver_${outcome}_${UNITS[signal]}`, help, {
        receiver: this.context.id,
        transport,
      });
      this.counters.set(key, counter);
    }
    return counter;
  }
}
