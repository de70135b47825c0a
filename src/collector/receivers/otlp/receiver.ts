/**
 * receiver `otlp`: OTLP over gRPC (default 0.0.0.0:4317) and HTTP (default 0.0.0.0:4318) for traces, metrics and
 * logs.
 * Spans travel as span items (exporters convert them with their own settings: the awsxray exporter to segment
 * documents), metric points become Prometheus-style samples, the items of the prometheus receiver, and log records
 * travel as log items.
 */
import type { ComponentContext, ReceiverInstance } from '../../model.js';
import { loadOtlpCodec } from './codec.js';
import { OtlpExportHandler, type OtlpConsumers } from './export-handler.js';
import { startOtlpGrpcServer, type OtlpGrpcServer } from './grpc-server.js';
import { startOtlpHttpServer, type OtlpHttpServer } from './http-server.js';
import type { OtlpReceiverSettings } from './settings.js';

export class OtlpReceiver implements ReceiverInstance {
  private grpc: OtlpGrpcServer | undefined;
  private http: OtlpHttpServer | undefined;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: OtlpReceiverSettings,
    private readonly consumers: OtlpConsumers,
  ) {}

  async start(): Promise<void> {
    const codec = await loadOtlpCodec();
    const handler = new OtlpExportHandler(this.context, codec, this.consumers);
    const { logger } = this.context;
    try {
      if (this.settings.grpc !== undefined) {
        this.grpc = await startOtlpGrpcServer(this.settings.grpc, codec, handler, logger);
        logger.info(`receiver ${this.context.id} listening on grpc ${this.grpc.address}`);
      }
      if (this.settings.http !== undefined) {
        this.http = await startOtlpHttpServer(this.settings.http, codec, handler, logger);
        logger.info(`receiver ${this.context.id} listening on http ${this.http.address}`);
      }
    } catch (error) {
      await this.shutdown();
      throw error;
    }
  }

  /** The HTTP endpoint when served, else the gRPC one. */
  address(): string | undefined {
    return this.http?.address ?? this.grpc?.address;
  }

  addresses(): { grpc?: string; http?: string } {
    return {
      ...(this.grpc === undefined ? {} : { grpc: this.grpc.address }),
      ...(this.http === undefined ? {} : { http: this.http.address }),
    };
  }

  async shutdown(): Promise<void> {
    const servers = [this.grpc, this.http];
    this.grpc = undefined;
    this.http = undefined;
    await Promise.all(servers.map((server) => server?.close()));
  }
}
