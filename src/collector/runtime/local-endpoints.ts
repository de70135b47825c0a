/**
 * For running a collector configuration on one machine next to others (the sandbox runs one per collector
 * resource): every receiver endpoint, every listening extension (health_check) and the self-metrics address move to
 * 127.0.0.1 on an ephemeral port, so that two collectors that both say 0.0.0.0:2000 can run at once. The ports
 * actually bound are reported instead.
 */
import type { CollectorConfig } from '../../core/collector-config.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function loopback(settings: Record<string, unknown>): Record<string, unknown> {
  return typeof settings.endpoint === 'string' ? { ...settings, endpoint: '127.0.0.1:0' } : settings;
}

/** extensions that serve HTTP on an endpoint of their own */
const LISTENING_EXTENSIONS = ['health_check'];

export function withLocalEndpoints(config: CollectorConfig): CollectorConfig {
  const receivers: Record<string, unknown> = {};
  for (const [id, raw] of Object.entries(config.receivers)) {
    if (!isRecord(raw)) {
      receivers[id] = raw;
      continue;
    }
    let settings = loopback(raw);
    if (id.split('/')[0] === 'awsxray') {
      if (settings.endpoint === undefined) settings = { ...settings, endpoint: '127.0.0.1:0' };
      // the sampling proxy listens on TCP, by default on the same 0.0.0.0:2000
      const proxy = isRecord(settings.proxy_server) ? settings.proxy_server : {};
      settings = { ...settings, proxy_server: { ...proxy, endpoint: '127.0.0.1:0' } };
    }
    if (isRecord(settings.protocols)) {
      const protocols = Object.fromEntries(
        Object.entries(settings.protocols).map(([name, value]) => [
          name,
          isRecord(value) ? { ...value, endpoint: '127.0.0.1:0' } : { endpoint: '127.0.0.1:0' },
        ]),
      );
      settings = { ...settings, protocols };
    }
    receivers[id] = settings;
  }
  const extensions: Record<string, unknown> = {};
  for (const [id, raw] of Object.entries(config.extensions)) {
    const listens = LISTENING_EXTENSIONS.includes(id.split('/')[0] ?? id);
    extensions[id] = listens ? { ...(isRecord(raw) ? raw : {}), endpoint: '127.0.0.1:0' } : raw;
  }
  const telemetry = isRecord(config.service.telemetry) ? config.service.telemetry : {};
  const metrics = isRecord(telemetry.metrics) ? telemetry.metrics : {};
  return {
    ...config,
    receivers,
    extensions,
    service: {
      ...config.service,
      telemetry: { ...telemetry, metrics: metrics.level === 'none' ? metrics : { ...metrics, address: '127.0.0.1:0' } },
    },
  };
}
