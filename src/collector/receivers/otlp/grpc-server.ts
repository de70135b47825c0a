/**
 * OTLP/gRPC: the TraceService, MetricsService and LogsService Export methods, each registered only when a pipeline takes its
 * signal (others answer UNIMPLEMENTED). Messages pass through @grpc/grpc-js as bytes and are decoded with the
 * same descriptor as OTLP/HTTP, so an undecodable request gets INVALID_ARGUMENT rather than a transport error.
 */
import type { Server, ServiceDefinition, ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from '../../telemetry/logger.js';
import { formatHostPort } from '../../telemetry/server.js';
import { OtlpDecodeError, type OtlpCodec, type OtlpSignal } from './codec.js';
import { LOGS_SERVICE, METRICS_SERVICE, TRACE_SERVICE } from './descriptor.js';
import { DataRefusedError } from '../../model.js';
import type { OtlpExportHandler } from './export-handler.js';
import type { OtlpGrpcSettings } from './settings.js';

export interface OtlpGrpcServer {
  address: string;
  close(): Promise<void>;
}

const SERVICES: Record<OtlpSignal, string> = { traces: TRACE_SERVICE, metrics: METRICS_SERVICE, logs: LOGS_SERVICE };
/** How long shutdown waits for calls in progress before cancelling them. */
const GRACEFUL_SHUTDOWN_MS = 2_000;

const passBytes = (value: Buffer): Buffer => value;

/** The service definition of one OTLP collector service: a unary Export carrying raw protobuf bytes. */
export function exportServiceDefinition(signal: OtlpSignal): ServiceDefinition {
  return {
    Export: {
      path: `/${SERVICES[signal]}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: passBytes,
      requestDeserialize: passBytes,
      responseSerialize: passBytes,
      responseDeserialize: passBytes,
      originalName: 'export',
    },
  };
}

export async function startOtlpGrpcServer(
  settings: OtlpGrpcSettings,
  codec: OtlpCodec,
  handler: OtlpExportHandler,
  logger: Logger,
): Promise<OtlpGrpcServer> {
  const grpc = await import('@grpc/grpc-js');
  const server: Server = new grpc.Server({
    'grpc.max_receive_message_length': settings.maxReceiveMessageBytes,
    ...(settings.maxConcurrentStreams > 0 ? { 'grpc.max_concurrent_streams': settings.maxConcurrentStreams } : {}),
  });
  for (const signal of ['traces', 'metrics', 'logs'] as const) {
    if (!handler.accepts(signal)) continue;
    server.addService(exportServiceDefinition(signal), {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        try {
          const partial = handler.handle(signal, call.request, 'protobuf', 'grpc', peerAddress(call.getPeer()));
          callback(null, Buffer.from(codec.encodeResponse(signal, 'protobuf', partial)));
        } catch (error) {
          if (error instanceof OtlpDecodeError) {
            callback({ code: grpc.status.INVALID_ARGUMENT, details: error.message });
          } else if (error instanceof DataRefusedError) {
            callback({ code: grpc.status.UNAVAILABLE, details: error.message });
          } else {
            logger.error(`OTLP/gRPC ${SERVICES[signal]}/Export: ${(error as Error).message}`);
            callback({ code: grpc.status.INTERNAL, details: 'internal error' });
          }
        }
      },
    });
  }
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${settings.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    address: formatHostPort(settings.host, port),
    close: async () => {
      const timer = setTimeout(() => server.forceShutdown(), GRACEFUL_SHUTDOWN_MS);
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      clearTimeout(timer);
    },
  };
}

/** The client's IP from a grpc-js peer (`ipv4:10.0.0.5:51234`, `ipv6:[::1]:51234`, or `10.0.0.5:51234`). */
function peerAddress(peer: string): string | undefined {
  const match = /^(?:ipv[46]:)?(?:\[([^\]]+)\]|([^:]+)):\d+$/.exec(peer);
  const address = match?.[1] ?? match?.[2];
  return address?.replace(/^::ffff:/, '');
}
