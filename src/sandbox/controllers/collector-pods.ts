import type { CollectorStatus } from '../../collector/supervisor.js';
import type { KubeObject } from '../types.js';
import { collectorConfig } from './collector-ports.js';
import { array, record, specOf, stringRecord } from './objects.js';

/**
 * The metrics port the OpenTelemetry operator gives a collector whose configuration names none
 * (opentelemetry-operator apis/v1beta1/config.go, defaultServicePort); the collector's own default before that.
 */
const DEFAULT_METRICS_PORT = 8888;
const PROMETHEUS_PORT_ANNOTATION = 'prometheus.io/port';

/** `<deployment>-0`, the name the endpoints controller already gives the replica in its targetRef */
export function collectorPodName(deployment: KubeObject): string {
  return `${deployment.metadata.name}-0`;
}

/**
 * The Pod of a collector the sandbox runs, so that Kubernetes service discovery (the kubernetes-pods scrape job)
 * finds it as it finds a real collector pod: the Deployment's pod template (labels, annotations, containers), Running
 * and Ready at the address the collector really listens on. One Pod whatever the replicas, as the sandbox runs one
 * collector per resource; owned by the Deployment (there are no ReplicaSets here). A `prometheus.io/port`
 * annotation naming the collector's metrics port (service.telemetry.metrics.address, 8888 unless set) names the
 * port its metrics are really served on instead, as the Endpoints carry the receivers' real ports.
 */
export function collectorPod(
  deployment: KubeObject,
  status: CollectorStatus,
  config: unknown,
  startTime: string,
): KubeObject {
  const template = record(specOf(deployment).template);
  const templateSpec = record(template.spec);
  const metadata = record(template.metadata);
  const telemetry = status.telemetryAddress === undefined ? undefined : splitHostPort(status.telemetryAddress);
  const ip = telemetry?.host ?? '127.0.0.1';
  const annotations = stringRecord(metadata.annotations);
  if (telemetry !== undefined && annotations[PROMETHEUS_PORT_ANNOTATION] === String(configuredMetricsPort(config))) {
    annotations[PROMETHEUS_PORT_ANNOTATION] = String(telemetry.port);
  }
  const containers = array(templateSpec.containers).map(record);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: collectorPodName(deployment),
      namespace: deployment.metadata.namespace ?? 'default',
      labels: stringRecord(metadata.labels),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deployment.metadata.name,
          uid: deployment.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: {
      ...(typeof templateSpec.serviceAccountName === 'string'
        ? { serviceAccountName: templateSpec.serviceAccountName }
        : {}),
      containers: containers.map((container) => ({
        name: container.name,
        image: container.image,
        ...(Array.isArray(container.ports) ? { ports: container.ports } : {}),
      })),
    },
    status: {
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      hostIP: ip,
      startTime,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: startTime,
      })),
      containerStatuses: containers.map((container) => ({
        name: container.name,
        image: container.image,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: startTime } },
      })),
    },
  };
}

function configuredMetricsPort(config: unknown): number {
  const address = record(record(record(collectorConfig(config).service).telemetry).metrics).address;
  const port = typeof address === 'string' ? splitHostPort(address)?.port : undefined;
  return port ?? DEFAULT_METRICS_PORT;
}

function splitHostPort(address: string): { host: string; port: number } | undefined {
  const match = /^(?:\[(.+)\]|(.*)):(\d+)$/.exec(address);
  if (match === null) return undefined;
  return { host: match[1] ?? match[2] ?? '', port: Number(match[3]) };
}
