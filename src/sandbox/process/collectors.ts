import type { Kube, KubeObject } from '../../ports.js';
import { LISTENERS_ANNOTATION } from '../controllers/collector-runtime.js';

/** One port a collector of the sandbox really listens on. */
export interface CollectorListener {
  /** the Service port name (awsxray, otlp-grpc, otlp-http …), or the receiver id when only the annotation knows it */
  name: string;
  /** host:port on this machine */
  address: string;
  /** tcp or udp, when the Endpoints say */
  protocol?: string;
}

/** A collector Service of one sandbox cluster and where its collector listens. */
export interface SandboxCollector {
  cluster: string;
  namespace: string;
  /** the Service, `<collector>-collector` */
  name: string;
  listeners: CollectorListener[];
}

/**
 * The collectors running in one sandbox cluster, read the way a person would with
 * `kubectl get endpoints -A`: every Service the sandbox annotated with its listeners, the ports from its Endpoints
 * (the addresses clients connect to), completed by the annotation for receivers the Endpoints do not list.
 */
export async function listSandboxCollectors(cluster: string, kube: Kube): Promise<SandboxCollector[]> {
  const [services, endpoints] = await Promise.all([kube.list('v1', 'Service'), kube.list('v1', 'Endpoints')]);
  const collectors: SandboxCollector[] = [];
  for (const service of services) {
    const annotation = service.metadata.annotations?.[LISTENERS_ANNOTATION];
    if (annotation === undefined) continue;
    const namespace = service.metadata.namespace ?? 'default';
    const endpoint = endpoints.find(
      (candidate) => candidate.metadata.name === service.metadata.name && candidate.metadata.namespace === namespace,
    );
    collectors.push({
      cluster,
      namespace,
      name: service.metadata.name,
      listeners: listenersOf(endpoint, annotation),
    });
  }
  return collectors.sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
}

function listenersOf(endpoints: KubeObject | undefined, annotation: string): CollectorListener[] {
  const listeners: CollectorListener[] = [];
  const subsets = (endpoints?.subsets ?? []) as {
    addresses?: { ip?: string }[];
    ports?: { name?: string; port?: number; protocol?: string }[];
  }[];
  for (const subset of subsets) {
    const ip = subset.addresses?.[0]?.ip;
    if (ip === undefined) continue;
    for (const port of subset.ports ?? []) {
      if (port.port === undefined) continue;
      listeners.push({
        name: port.name ?? String(port.port),
        address: `${ip}:${port.port}`,
        protocol: (port.protocol ?? 'TCP').toLowerCase(),
      });
    }
  }
  let receivers: Record<string, unknown> = {};
  try {
    receivers = JSON.parse(annotation) as Record<string, unknown>;
  } catch {
    // a hand-edited annotation: the Endpoints alone then
  }
  for (const [receiver, address] of Object.entries(receivers)) {
    if (typeof address !== 'string' || listeners.some((listener) => listener.address === address)) continue;
    listeners.push({ name: receiver, address });
  }
  return listeners;
}

/** `observability-collector (aws-otel-eks): awsxray 127.0.0.1:41234/udp, otlp-http 127.0.0.1:40111/tcp` */
export function describeSandboxCollector(collector: SandboxCollector): string {
  const listeners = collector.listeners.map(
    (listener) =>
      `${listener.name} ${listener.address}${listener.protocol === undefined ? '' : `/${listener.protocol}`}`,
  );
  return `${collector.name} (${collector.namespace}): ${listeners.join(', ') || 'no listeners'}`;
}
