import type { DemoWorkloadIdentity } from '../demo-workload/series.js';
import type { KubeObject } from '../types.js';

/**
 * The `demo-workload` preset: a workload for the metrics targets to scrape, backed by the sandbox's demo metrics
 * server (src/sandbox/demo-workload). It opts in to both scrape jobs of the templates that find applications:
 * - a Pod annotated prometheus.io/scrape, port and path (job kubernetes-pods, which gives its series the
 *   kubernetes_namespace and kubernetes_pod_name labels the CloudWatch template turns into EKS_Namespace and
 *   EKS_PodName);
 * - a Service with the same annotations and its Endpoints (job kubernetes-service-endpoints). The Service has no
 *   selector, so its Endpoints are the preset's own (as for any selector-less Service) and point at the Pod.
 * Pod and Endpoints carry the address and port the server really listens on. The Pod is bound to a node of the
 * cluster (the first one), as a running Pod always is: per-node scrape rules (a DaemonSet's keep on
 * `__meta_kubernetes_pod_node_name`) find it on that node.
 */
export const DEMO_WORKLOAD_PRESET = 'demo-workload';

export const DEMO_WORKLOAD: DemoWorkloadIdentity & { service: string } = {
  namespace: 'demo-workload',
  pod: 'metrics-demo-0',
  container: 'app',
  service: 'metrics-demo',
};

/** where the demo metrics server listens, and the node its Pod is on (the cluster's first, when it has nodes) */
export interface DemoWorkloadAddress {
  host: string;
  port: number;
  nodeName?: string;
}

const LABELS = { 'app.kubernetes.io/name': 'metrics-demo' };
const PORT_NAME = 'metrics';

function scrapeAnnotations(port: number): Record<string, string> {
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' };
}

export function demoWorkloadObjects({ host, port, nodeName }: DemoWorkloadAddress): KubeObject[] {
  const { namespace, pod, container, service } = DEMO_WORKLOAD;
  const startTime = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: pod, namespace, labels: LABELS, annotations: scrapeAnnotations(port) },
      spec: {
        ...(nodeName === undefined ? {} : { nodeName }),
        containers: [
          { name: container, image: 'metrics-demo:sandbox', ports: [{ name: PORT_NAME, containerPort: port }] },
        ],
      },
      status: {
        phase: 'Running',
        podIP: host,
        podIPs: [{ ip: host }],
        hostIP: host,
        startTime,
        conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
          type,
          status: 'True',
          lastTransitionTime: startTime,
        })),
        containerStatuses: [
          {
            name: container,
            image: 'metrics-demo:sandbox',
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: startTime } },
          },
        ],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: service, namespace, labels: LABELS, annotations: scrapeAnnotations(port) },
      spec: { type: 'ClusterIP', ports: [{ name: PORT_NAME, port, protocol: 'TCP', targetPort: port }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: service, namespace, labels: LABELS },
      subsets: [
        {
          addresses: [
            {
              ip: host,
              ...(nodeName === undefined ? {} : { nodeName }),
              targetRef: { kind: 'Pod', namespace, name: pod },
            },
          ],
          ports: [{ name: PORT_NAME, port, protocol: 'TCP' }],
        },
      ],
    },
  ];
}
