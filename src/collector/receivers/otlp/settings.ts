/**
 * The otlp receiver's settings, as the collector reads them: `protocols.grpc` (default endpoint 0.0.0.0:4317,
 * max_recv_msg_size_mib 4) and `protocols.http` (default 0.0.0.0:4318, max_request_body_size 20 MiB, the
 * /v1/traces, /v1/metrics and /v1/logs paths). A protocol key present without settings (`grpc:`) enables it.
 */
import { parseEndpoint, SettingsError, type Settings } from '../../config/settings.js';

export interface OtlpGrpcSettings {
  host: string;
  port: number;
  maxReceiveMessageBytes: number;
  /** 0 = the gRPC default */
  maxConcurrentStreams: number;
}

export interface OtlpHttpSettings {
  host: string;
  port: number;
  maxRequestBodyBytes: number;
  tracesPath: string;
  metricsPath: string;
  logsPath: string;
}

export interface OtlpReceiverSettings {
  grpc?: OtlpGrpcSettings;
  http?: OtlpHttpSettings;
}

const MIB = 1024 * 1024;
/** Transport security and authentication are refused rather than silently ignored. */
const UNSUPPORTED = ['tls', 'auth', 'cors'];

function refuseUnsupported(settings: Settings): void {
  for (const key of UNSUPPORTED) {
    if (settings.raw(key) !== undefined) {
      throw new SettingsError(
        settings.at(key),
        `"${key}" is not supported by the bundled collector runtime`,
        'Terminate TLS in front of it, or remove the key',
      );
    }
  }
}

function readGrpc(settings: Settings): OtlpGrpcSettings {
  refuseUnsupported(settings);
  settings.allowOnly([
    'endpoint',
    'transport',
    'max_recv_msg_size_mib',
    'max_concurrent_streams',
    'include_metadata',
    ...UNSUPPORTED,
  ]);
  const transport = settings.string('transport', 'tcp');
  if (transport !== 'tcp')
    throw new SettingsError(settings.at('transport'), `"${transport}" is not supported: use tcp`);
  settings.boolean('include_metadata', false);
  return {
    ...parseEndpoint(settings.string('endpoint', '0.0.0.0:4317'), settings.at('endpoint')),
    maxReceiveMessageBytes: settings.integer('max_recv_msg_size_mib', 4, 1) * MIB,
    maxConcurrentStreams: settings.integer('max_concurrent_streams', 0, 0),
  };
}

function urlPath(settings: Settings, key: string, fallback: string): string {
  const path = settings.string(key, fallback);
  if (!path.startsWith('/')) throw new SettingsError(settings.at(key), `"${path}" must start with /`);
  return path;
}

function readHttp(settings: Settings): OtlpHttpSettings {
  refuseUnsupported(settings);
  settings.allowOnly([
    'endpoint',
    'max_request_body_size',
    'traces_url_path',
    'metrics_url_path',
    'logs_url_path',
    'include_metadata',
    ...UNSUPPORTED,
  ]);
  settings.boolean('include_metadata', false);
  return {
    ...parseEndpoint(settings.string('endpoint', '0.0.0.0:4318'), settings.at('endpoint')),
    maxRequestBodyBytes: settings.integer('max_request_body_size', 20 * MIB, 1),
    tracesPath: urlPath(settings, 'traces_url_path', '/v1/traces'),
    metricsPath: urlPath(settings, 'metrics_url_path', '/v1/metrics'),
    logsPath: urlPath(settings, 'logs_url_path', '/v1/logs'),
  };
}

export function readOtlpReceiverSettings(settings: Settings): OtlpReceiverSettings {
  settings.allowOnly(['protocols']);
  const protocols = settings.nested('protocols').allowOnly(['grpc', 'http']);
  const grpcEnabled = protocols.raw('grpc') !== undefined;
  const httpEnabled = protocols.raw('http') !== undefined;
  if (!grpcEnabled && !httpEnabled) {
    throw new SettingsError(
      settings.at('protocols'),
      'must enable at least one protocol',
      'e.g. protocols: {grpc: {endpoint: 0.0.0.0:4317}, http: {endpoint: 0.0.0.0:4318}}',
    );
  }
  return {
    ...(grpcEnabled ? { grpc: readGrpc(protocols.nested('grpc')) } : {}),
    ...(httpEnabled ? { http: readHttp(protocols.nested('http')) } : {}),
  };
}
