/** The ports a collector configuration's receivers listen on (what the operator exposes on the Service). */
import { pipelineComponents } from './pipelines.js';
import { componentType, isRecord, type CollectorConfig } from './types.js';

export interface ReceiverPort {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

/** The port of an `host:port` endpoint (`0.0.0.0:2000`, `[::]:4317`, `${env:POD_IP}:4317`), else the default. */
function endpointPort(settings: unknown, fallback: number): number {
  const endpoint = isRecord(settings) ? settings.endpoint : undefined;
  if (typeof endpoint !== 'string') return fallback;
  const match = /:(\d{1,5})$/.exec(endpoint.trim());
  const port = match ? Number(match[1]) : NaN;
  return port >= 1 && port <= 65535 ? port : fallback;
}

function portName(receiverId: string, suffix?: string): string {
  const base = [receiverId, suffix].filter(Boolean).join('-');
  return base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 15)
    .replace(/-+$/, '');
}

const protocolDefaults: Record<string, { protocol: string; port: number; transport: 'TCP' | 'UDP' }[]> = {
  otlp: [
    { protocol: 'grpc', port: 4317, transport: 'TCP' },
    { protocol: 'http', port: 4318, transport: 'TCP' },
  ],
  jaeger: [
    { protocol: 'grpc', port: 14250, transport: 'TCP' },
    { protocol: 'thrift_http', port: 14268, transport: 'TCP' },
    { protocol: 'thrift_compact', port: 6831, transport: 'UDP' },
    { protocol: 'thrift_binary', port: 6832, transport: 'UDP' },
  ],
};

const singlePortDefaults: Record<string, { port: number; transport: 'TCP' | 'UDP' }> = {
  awsxray: { port: 2000, transport: 'UDP' },
  statsd: { port: 8125, transport: 'UDP' },
  zipkin: { port: 9411, transport: 'TCP' },
};

/** The ports the receivers in use listen on (scrapers such as prometheus listen on none). */
export function receiverPorts(config: CollectorConfig): ReceiverPort[] {
  const ports: ReceiverPort[] = [];
  for (const id of pipelineComponents(config).receivers) {
    const type = componentType(id);
    const settings = config.receivers[id];
    const single = singlePortDefaults[type];
    if (single) {
      ports.push({
        name: portName(id),
        port: endpointPort(settings, single.port),
        protocol: single.transport,
      });
      continue;
    }
    const protocols = protocolDefaults[type];
    if (!protocols) continue;
    const configured = isRecord(settings) && isRecord(settings.protocols) ? settings.protocols : {};
    for (const entry of protocols) {
      if (!Object.hasOwn(configured, entry.protocol)) continue;
      ports.push({
        name: portName(id, entry.protocol.replace('thrift_', '')),
        port: endpointPort(configured[entry.protocol], entry.port),
        protocol: entry.transport,
      });
    }
  }
  return ports;
}
