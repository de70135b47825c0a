import { parseEndpoint, Settings, SettingsError } from '../config/settings.js';

export interface TelemetrySettings {
  /** undefined = the metrics endpoint is off (metrics.level: none) */
  metrics?: { host: string; port: number };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:8888';

/** service.telemetry: metrics.address (default 127.0.0.1:8888, port 0 = ephemeral), metrics.level, logs.level. */
export function readTelemetrySettings(raw: unknown): TelemetrySettings {
  const telemetry = new Settings(raw, 'service.telemetry').allowOnly(['metrics', 'logs', 'resource', 'traces']);
  const metrics = telemetry.nested('metrics').allowOnly(['address', 'level', 'readers']);
  const logs = telemetry
    .nested('logs')
    .allowOnly(['level', 'encoding', 'development', 'output_paths', 'error_output_paths']);
  const level = metrics.string('level', 'basic');
  const logLevel = logs.string('level', 'info').toLowerCase();
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new SettingsError(logs.at('level'), 'must be debug, info, warn or error');
  }
  return {
    ...(level === 'none'
      ? {}
      : { metrics: parseEndpoint(metrics.string('address', DEFAULT_METRICS_ADDRESS), metrics.at('address')) }),
    logLevel: logLevel as TelemetrySettings['logLevel'],
  };
}
