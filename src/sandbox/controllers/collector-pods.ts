import type { CollectorStatus } from '../../collector/supervisor.js';
import type { InjectedCredentials } from '../pods/pod-credentials.js';
import type { KubeObject } from '../types.js';
import { collectorConfig } from './collector-ports.js';
import { podMetadata } from './emulated-pods.js';
import { array, record, specOf, stringRecord } from './objects.js';

/**
 * The metrics port the OpenTelemetry operator gives a collector whose configuration names none
 * (opentelemetry-operator apis/v1beta1/config.go, defaultServicePort); the collector's own default before that.
 */
const DEFAULT_METRICS_PORT = 8888;
const PROMETHEUS_PORT_ANNOTATION = 'prometheus.io/port';

/** which pod of its workload a Pod object stands for, and what EKS injected into it */
export interface CollectorPodIdentityFacts {
  name: string;
  uid: string;
  startTime: string;
  nodeName?: string;
  injected?: InjectedCredentials;
}

/**
 * The Pod of a collector the sandbox runs, so that Kubernetes service discovery (the kubernetes-pods scrape job)
 * finds it as it finds a real collector pod: the workload's pod template (labels, annotations, containers), the
 * node it was scheduled on, the variables and projected token volumes EKS injected for its service account, Running
 * and Ready at the address the collector really listens on; owned by its workload (there are no ReplicaSets here).
 * A `prometheus.io/port` annotation naming the collector's metrics port (service.telemetry.metrics.address, 8888
 * unless set) names the port its metrics are really served on instead, as the Endpoints carry the receivers' real
 * ports.
 */
export function collectorPod(
  workload: KubeObject,
  status: CollectorStatus,
  config: unknown,
  pod: CollectorPodIdentityFacts,
): KubeObject {
  const template = record(specOf(workload).template);
  const templateSpec = record(template.spec);
  const metadata = record(template.metadata);
  const telemetry = status.telemetryAddress === undefined ? undefined : splitHostPort(status.telemetryAddress);
  const ip = telemetry?.host ?? '127.0.0.1';
  const startTime = pod.startTime;
  const annotations = stringRecord(metadata.annotations);
  if (telemetry !== undefined && annotations[PROMETHEUS_PORT_ANNOTATION] === String(configuredMetricsPort(config))) {
    annotations[PROMETHEUS_PORT_ANNOTATION] = String(telemetry.port);
  }
  const containers = array(templateSpec.containers).map(record);
  const injected = pod.injected;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: podMetadata(workload, pod, stringRecord(metadata.labels), annotations),
    spec: {
      ...(typeof templateSpec.serviceAccountName === 'string'
        ? { serviceAccountName: templateSpec.serviceAccountName }
        : {}),
      ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
      containers: containers.map((container) => ({
        name: container.name,
        image: container.image,
        ...(Array.isArray(container.ports) ? { ports: container.ports } : {}),
        ...withInjected(array(container.env), injected?.podEnv, 'env'),
        ...withInjected(array(container.volumeMounts), injected?.volumeMounts, 'volumeMounts'),
      })),
      ...withInjected(array(templateSpec.volumes), injected?.volumes, 'volumes'),
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

/** the template's list with what the webhook appends (entries of a name already there are left alone) */
function withInjected(
  existing: unknown[],
  added: readonly unknown[] | undefined,
  key: string,
): Record<string, unknown[]> {
  const names = new Set(existing.map((entry) => record(entry).name));
  const all = [...existing, ...(added ?? []).filter((entry) => !names.has(record(entry).name))];
  return all.length === 0 ? {} : { [key]: all };
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
