/**
 * What the sandbox's demo workload serves at /metrics (Prometheus text format 0.0.4): series of the names the ADOT
 * docs' CloudWatch configuration selects, each with the labels and help text of the component that really exposes
 * it, plus a process's standard metrics that only the amp target keeps. The values are made up: counters grow at a
 * steady rate from the server's start, gauges wander around a plausible level, so every scrape differs.
 *
 * - apiserver_request_total: the Kubernetes API server's (labels code, component, resource, scope, verb, version;
 *   https://kubernetes.io/docs/reference/instrumentation/metrics/)
 * - container_memory_working_set_bytes, container_memory_rss, container_threads: cAdvisor's, as the kubelet serves
 *   them per container (labels container, namespace, pod; https://github.com/google/cadvisor/blob/master/docs/storage/prometheus.md)
 * - process_cpu_seconds_total, process_resident_memory_bytes: the Prometheus client libraries' process collector
 *   (https://prometheus.io/docs/instrumenting/writing_clientlibs/#process-metrics)
 */

export interface DemoWorkloadIdentity {
  namespace: string;
  pod: string;
  container: string;
}

interface Family {
  name: string;
  type: 'counter' | 'gauge';
  help: string;
  series: { labels: Record<string, string>; value: (seconds: number) => number }[];
}

const MIB = 1024 * 1024;

/** a level that drifts by up to ±spread with a period of a few minutes */
function wandering(level: number, spread: number, periodSeconds: number) {
  return (seconds: number) => Math.round(level + spread * Math.sin((2 * Math.PI * seconds) / periodSeconds));
}

function growing(start: number, perSecond: number) {
  return (seconds: number) => Math.floor(start + perSecond * seconds);
}

function families(identity: DemoWorkloadIdentity): Family[] {
  const container = { container: identity.container, namespace: identity.namespace, pod: identity.pod };
  const request = (verb: string, scope: string, code: string) => ({
    code,
    component: 'apiserver',
    resource: 'pods',
    scope,
    verb,
    version: 'v1',
  });
  return [
    {
      name: 'apiserver_request_total',
      type: 'counter',
      help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      series: [
        { labels: request('LIST', 'namespace', '200'), value: growing(1_200, 2) },
        { labels: request('GET', 'resource', '200'), value: growing(5_400, 9) },
        { labels: request('GET', 'resource', '404'), value: growing(37, 0.25) },
      ],
    },
    {
      name: 'container_memory_working_set_bytes',
      type: 'gauge',
      help: 'Current working set in bytes.',
      series: [{ labels: container, value: wandering(48 * MIB, 6 * MIB, 300) }],
    },
    {
      name: 'container_memory_rss',
      type: 'gauge',
      help: 'Size of RSS in bytes.',
      series: [{ labels: container, value: wandering(41 * MIB, 5 * MIB, 300) }],
    },
    {
      name: 'container_threads',
      type: 'gauge',
      help: 'Number of threads running inside the container',
      series: [{ labels: container, value: wandering(14, 2, 120) }],
    },
    {
      name: 'process_cpu_seconds_total',
      type: 'counter',
      help: 'Total user and system CPU time spent in seconds.',
      series: [{ labels: {}, value: (seconds) => Math.round((3.5 + 0.02 * seconds) * 100) / 100 }],
    },
    {
      name: 'process_resident_memory_bytes',
      type: 'gauge',
      help: 'Resident memory size in bytes.',
      series: [{ labels: {}, value: wandering(39 * MIB, 5 * MIB, 300) }],
    },
  ];
}

function renderLabels(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([name, value]) => `${name}="${value}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** The exposition `seconds` after the workload started. */
export function demoWorkloadExposition(identity: DemoWorkloadIdentity, seconds: number): string {
  const lines: string[] = [];
  for (const family of families(identity)) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const series of family.series) {
      lines.push(`${family.name}${renderLabels(series.labels)} ${series.value(seconds)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
