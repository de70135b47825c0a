import { parse as parseYaml } from 'yaml';
import { array, record } from './objects.js';

/**
 * The Service ports the OpenTelemetry operator derives from a collector's receivers (and spec.ports), as its
 * receiver parsers do: each known receiver's default port unless its endpoint names another one.
 */
export interface ServicePort {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP';
  targetPort: number;
  appProtocol?: string;
  /** the receiver (and, for multi-protocol receivers, its protocol) behind the port; absent for spec.ports */
  source?: PortSource;
}

export interface PortSource {
  receiver: string;
  protocol?: string;
}

/** spec.config is a YAML string in v1alpha1 and an object in v1beta1; unreadable config yields no receivers */
export function collectorConfig(config: unknown): Record<string, unknown> {
  if (typeof config !== 'string') return record(config);
  try {
    return record(parseYaml(config));
  } catch {
    return {};
  }
}

function endpointPort(settings: unknown, fallback: number): number {
  const endpoint = record(settings).endpoint;
  const match = typeof endpoint === 'string' ? /:(\d+)$/.exec(endpoint) : null;
  return match?.[1] !== undefined ? Number(match[1]) : fallback;
}

function portName(receiver: string, suffix?: string): string {
  const base = receiver.replace(/[^a-z0-9-]/gi, '-').toLowerCase();
  return (suffix === undefined ? base : `${base}-${suffix}`).slice(0, 15).replace(/-+$/, '');
}

function receiverPorts(receiver: string, settings: unknown): ServicePort[] {
  const type = receiver.split('/')[0] ?? receiver;
  const port = (
    name: string,
    number: number,
    protocol: 'TCP' | 'UDP',
    appProtocol?: string,
    receiverProtocol?: string,
  ): ServicePort => ({
    name,
    port: number,
    protocol,
    targetPort: number,
    ...(appProtocol ? { appProtocol } : {}),
    source: { receiver, ...(receiverProtocol === undefined ? {} : { protocol: receiverProtocol }) },
  });
  const protocols = record(record(settings).protocols);
  switch (type) {
    case 'awsxray':
      return [port(portName(receiver), endpointPort(settings, 2000), 'UDP')];
    case 'otlp': {
      const ports: ServicePort[] = [];
      if ('grpc' in protocols)
        ports.push(port(portName(receiver, 'grpc'), endpointPort(protocols.grpc, 4317), 'TCP', 'grpc', 'grpc'));
      if ('http' in protocols)
        ports.push(port(portName(receiver, 'http'), endpointPort(protocols.http, 4318), 'TCP', 'http', 'http'));
      return ports;
    }
    case 'statsd':
      return [port(portName(receiver), endpointPort(settings, 8125), 'UDP')];
    case 'zipkin':
      return [port(portName(receiver), endpointPort(settings, 9411), 'TCP')];
    case 'jaeger': {
      const defaults: [string, string, number, 'TCP' | 'UDP'][] = [
        ['grpc', 'grpc', 14250, 'TCP'],
        ['thrift_http', 'thrift-http', 14268, 'TCP'],
        ['thrift_compact', 'thrift-compact', 6831, 'UDP'],
        ['thrift_binary', 'thrift-binary', 6832, 'UDP'],
      ];
      return defaults
        .filter(([key]) => key in protocols)
        .map(([key, suffix, number, protocol]) =>
          port(portName(receiver, suffix), endpointPort(protocols[key], number), protocol, undefined, key),
        );
    }
    default:
      return [];
  }
}

/** receiver ports first, then spec.ports not already covered (same port and protocol) */
export function collectorServicePorts(config: unknown, extraPorts: unknown): ServicePort[] {
  const ports: ServicePort[] = [];
  const add = (candidate: ServicePort) => {
    if (ports.some((existing) => existing.port === candidate.port && existing.protocol === candidate.protocol)) return;
    if (ports.some((existing) => existing.name === candidate.name))
      candidate = { ...candidate, name: `port-${candidate.port}` };
    ports.push(candidate);
  };
  for (const [receiver, settings] of Object.entries(record(collectorConfig(config).receivers))) {
    receiverPorts(receiver, settings).forEach(add);
  }
  for (const extra of array(extraPorts).map(record)) {
    if (typeof extra.port !== 'number') continue;
    const protocol = extra.protocol === 'UDP' ? 'UDP' : 'TCP';
    const targetPort = typeof extra.targetPort === 'number' ? extra.targetPort : extra.port;
    add({
      name: typeof extra.name === 'string' ? extra.name : `port-${extra.port}`,
      port: extra.port,
      protocol,
      targetPort,
    });
  }
  return ports;
}
