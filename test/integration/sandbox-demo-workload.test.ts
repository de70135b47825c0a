import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import { eventually } from '../helpers/eventually.js';
import { cliSandboxes, fastSeed } from '../helpers/install-sandbox.js';
import { sandboxClientConfig } from '../helpers/sandbox.js';

const start = cliSandboxes('adot-sandbox-demo-workload-');
const LOG_GROUP = '/aws/containerinsights/demo/prometheus';
/** a pod of the collector's Deployment: <deployment>-<pod-template-hash>-<suffix> */
const COLLECTOR_POD = /^observability-collector-[a-z0-9]{10}-[a-z0-9]{5}$/;
const WORKSPACE = 'ws-12345678-abcd-1234-abcd-123456789012';
/** scrape and flush every second instead of every 15 s / 60 s, with the template's own --set keys */
const FAST = ['--identity', 'irsa', '--set', 'prometheus.scrape_interval=1s', '--set', 'metrics.batch.timeout=1s'];
/** the metric_name_selectors of the ADOT docs' CloudWatch configuration */
const DOCUMENTED_SELECTORS = [/apiserver_request_.*/, /container_memory_.*/, /container_threads/, /otelcol_process_.*/];

interface EmfEvent {
  _aws?: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [field: string]: unknown;
}

async function logEvents(sandbox: RunningSandbox): Promise<EmfEvent[]> {
  const logs = new CloudWatchLogsClient(sandboxClientConfig(sandbox));
  const events: EmfEvent[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: LOG_GROUP, nextToken }));
      events.push(...(page.events ?? []).map((event) => JSON.parse(event.message ?? '{}') as EmfEvent));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  } catch {
    return []; // the log group does not exist before the first delivery
  } finally {
    logs.destroy();
  }
  return events;
}

/** metric name -> the first EMF event that declares it as a CloudWatch metric */
function declaredMetrics(events: EmfEvent[]): Map<string, EmfEvent> {
  const declared = new Map<string, EmfEvent>();
  for (const event of events) {
    for (const directive of event._aws?.CloudWatchMetrics ?? []) {
      for (const metric of directive.Metrics) if (!declared.has(metric.Name)) declared.set(metric.Name, event);
    }
  }
  return declared;
}

describe('sandbox demo-workload: the amp and cloudwatch targets find data', () => {
  it('the Endpoints point at a metrics server on 127.0.0.1 that lives exactly as long as the sandbox', async () => {
    const { sandbox } = await start(fastSeed('fresh'));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(sandbox.kubeconfig());
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const endpoints = await core.readNamespacedEndpoints({ name: 'metrics-demo', namespace: 'demo-workload' });
    const ip = endpoints.subsets?.[0]?.addresses?.[0]?.ip;
    const port = endpoints.subsets?.[0]?.ports?.[0]?.port;
    expect(ip).toBe('127.0.0.1');
    const pod = await core.readNamespacedPod({ name: 'metrics-demo-0', namespace: 'demo-workload' });
    expect(pod.metadata?.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(port),
      'prometheus.io/path': '/metrics',
    });
    const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await metrics.text()).toContain(
      'container_threads{container="app",namespace="demo-workload",pod="metrics-demo-0"}',
    );
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);

    await sandbox.stop();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('a seed without the preset holds none of its objects', async () => {
    const { sandbox } = await start(fastSeed('no-cert-manager'));
    const names = sandbox
      .store(sandbox.defaultCluster)
      .all()
      .map((object) => object.metadata.namespace ?? object.metadata.name);
    expect(names).not.toContain('demo-workload');
  });

  it('cloudwatch: EMF events of the documented metrics, from the demo workload and the collector itself, with the declared dimensions', async () => {
    const { cli, sandbox } = await start(fastSeed('fresh'));
    const install = await cli(['install', '--target', 'cloudwatch', '--yes', '-o', 'json', ...FAST]);
    expect(install.code, install.stderr).toBe(0);

    const wanted = [
      'apiserver_request_total',
      'container_memory_working_set_bytes',
      'container_memory_rss',
      'container_threads',
      'otelcol_process_uptime',
      'otelcol_process_cpu_seconds',
      'otelcol_process_memory_rss',
      'otelcol_process_runtime_heap_alloc_bytes',
    ];
    const events = await eventually(
      () => logEvents(sandbox),
      (found) => wanted.every((name) => declaredMetrics(found).has(name)),
      30_000,
    );
    const declared = declaredMetrics(events);
    for (const name of wanted) {
      const event = declared.get(name) as EmfEvent;
      expect(event._aws?.CloudWatchMetrics).toEqual([
        {
          Namespace: 'ContainerInsights/Prometheus',
          Dimensions: [['EKS_Cluster', 'EKS_Namespace', 'EKS_PodName']],
          Metrics: expect.arrayContaining([{ Name: name }]) as unknown,
        },
      ]);
      expect(typeof event[name]).toBe('number');
      const source = name.startsWith('otelcol_')
        ? { EKS_Namespace: 'aws-otel-eks', EKS_PodName: expect.stringMatching(COLLECTOR_POD) }
        : { EKS_Namespace: 'demo-workload', EKS_PodName: 'metrics-demo-0' };
      expect(event, name).toMatchObject({ EKS_Cluster: 'demo', job: 'kubernetes-pods', ...source });
    }
    expect(declared.get('container_threads')).toMatchObject({
      namespace: 'demo-workload',
      pod: 'metrics-demo-0',
      container: 'app',
    });
    // only the documented metrics pass the filter; what the service-endpoints job scrapes has no EKS_PodName,
    // so it is logged without becoming a CloudWatch metric, as with the docs' configuration
    const metricNames = events.flatMap((event) =>
      Object.keys(event).filter((key) => typeof event[key] === 'number' && key !== 'Version'),
    );
    expect(metricNames.length).toBeGreaterThan(0);
    for (const name of metricNames)
      expect(
        DOCUMENTED_SELECTORS.some((pattern) => pattern.test(name)),
        name,
      ).toBe(true);
    // the service-endpoints job scrapes on its own schedule: its events may land after the pods job's
    const later = await eventually(
      () => logEvents(sandbox),
      (found) => found.some((event) => event._aws === undefined),
      20_000,
    );
    const undeclared = later.filter((event) => event._aws === undefined);
    expect(undeclared.length).toBeGreaterThan(0);
    for (const event of undeclared) {
      expect(event.EKS_PodName).toBeUndefined();
      expect(event.job).toBe('kubernetes-service-endpoints');
    }
  }, 60_000);

  it('amp: the demo workload (through both jobs) and the collector itself are remote-written', async () => {
    // remote write reaches only a workspace that exists, as in AMP
    const { cli, sandbox } = await start({ ...fastSeed('fresh'), amp: { workspaces: [{ id: WORKSPACE }] } });
    const install = await cli(['install', '--target', 'amp', '--amp-workspace-id', WORKSPACE, '--yes', ...FAST]);
    expect(install.code, install.stderr).toBe(0);

    const latest = (name: string) => sandbox.aps.latest(WORKSPACE, name);
    const threads = await eventually(
      () => latest('container_threads'),
      (found) => found.length >= 2,
      30_000,
    );
    expect(threads.map((sample) => sample.labels.job).sort()).toEqual([
      'kubernetes-pods',
      'kubernetes-service-endpoints',
    ]);
    expect(threads.find((sample) => sample.labels.job === 'kubernetes-pods')?.labels).toMatchObject({
      kubernetes_namespace: 'demo-workload',
      kubernetes_pod_name: 'metrics-demo-0',
      namespace: 'demo-workload',
      pod: 'metrics-demo-0',
      container: 'app',
    });
    expect(threads.find((sample) => sample.labels.job === 'kubernetes-service-endpoints')?.labels).toMatchObject({
      kubernetes_namespace: 'demo-workload',
      kubernetes_name: 'metrics-demo',
    });
    // no filter on the amp pipeline: the workload's other series arrive too
    const cpu = await eventually(
      () => latest('process_cpu_seconds_total'),
      (found) => found.length > 0,
      10_000,
    );
    expect(cpu[0]?.value).toBeGreaterThan(0);
    const uptime = await eventually(
      () => latest('otelcol_process_uptime'),
      (found) => found.length > 0,
      10_000,
    );
    expect(uptime[0]?.labels).toMatchObject({
      job: 'kubernetes-pods',
      kubernetes_namespace: 'aws-otel-eks',
      kubernetes_pod_name: expect.stringMatching(COLLECTOR_POD),
    });
    expect(uptime[0]?.value).toBeGreaterThan(0);
  }, 60_000);
});
