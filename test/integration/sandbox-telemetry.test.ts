import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Endpoints } from '@kubernetes/client-node';
import { FilterLogEventsCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import { framed, segment, sendDatagrams } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';
import { cliSandboxes, fastSeed } from '../helpers/install-sandbox.js';
import { sandboxClientConfig } from '../helpers/sandbox.js';

/** the blog's world: add-on v0.45.0, whose operator stores OpenTelemetryCollectors as v1alpha1 (read below) */
const SCENARIO = 'blog-2022';

const start = cliSandboxes('adot-sandbox-telemetry-');
const NAMESPACE = 'aws-otel-eks';
const SERVICE = 'observability-collector';

function kubeClients(sandbox: RunningSandbox): { core: CoreV1Api; apps: AppsV1Api } {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(sandbox.kubeconfig());
  return { core: kubeConfig.makeApiClient(CoreV1Api), apps: kubeConfig.makeApiClient(AppsV1Api) };
}

/** host:port of a named port of the collector's Endpoints, once the sandbox publishes it */
async function endpointAddress(core: CoreV1Api, portName: string): Promise<string> {
  const read = async (): Promise<V1Endpoints | undefined> =>
    core.readNamespacedEndpoints({ name: SERVICE, namespace: NAMESPACE }).catch(() => undefined);
  const portOf = (endpoints: V1Endpoints | undefined) =>
    endpoints?.subsets?.[0]?.ports?.find((port) => port.name === portName)?.port;
  const endpoints = await eventually(read, (value) => portOf(value) !== undefined, 10_000);
  return `${endpoints?.subsets?.[0]?.addresses?.[0]?.ip ?? ''}:${portOf(endpoints) ?? ''}`;
}

const WORKSPACE = 'ws-12345678-abcd-1234-abcd-123456789012';

/** An application exposing a counter in the Prometheus text format, on loopback. */
async function startMetricsApp(): Promise<{ port: number; close(): Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((_request, response) => {
    requests += 5;
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(
      `# HELP http_requests_total Requests served.\n# TYPE http_requests_total counter\nhttp_requests_total{code="200"} ${requests}\n`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A running pod of the application, opted in to scraping as the kubernetes-pods job of the templates expects. */
function putScrapedPod(sandbox: RunningSandbox, port: number): void {
  sandbox.store(sandbox.defaultCluster).put({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-0',
      namespace: 'default',
      labels: { app: 'web' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port) },
    },
    spec: { containers: [{ name: 'web', image: 'web:1', ports: [{ name: 'metrics', containerPort: port }] }] },
    status: { phase: 'Running', podIP: '127.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

/** What a person tuning the installed collector would do: scrape and flush every second instead of 15 s / 60 s. */
function scrapeEverySecond(sandbox: RunningSandbox): void {
  const store = sandbox.store(sandbox.defaultCluster);
  const collector = store.get('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'observability', NAMESPACE);
  if (collector === undefined) throw new Error('install created no collector');
  const spec = collector.spec as { config: string };
  const config = spec.config
    .replace(/scrape_interval: \S+/g, 'scrape_interval: 1s')
    .replace(/scrape_timeout: \S+/g, 'scrape_timeout: 1s')
    .replace(/timeout: 60s/g, 'timeout: 1s');
  expect(config).not.toBe(spec.config);
  store.put({ ...collector, spec: { ...spec, config } });
}

const apps: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

describe('sandbox: the collectors the emulated operator deploys really run', () => {
  it('xray: install, then a UDP segment sent to the Endpoints address is found in the sandbox X-Ray', async () => {
    const { cli, sandbox } = await start(fastSeed(SCENARIO));
    const install = await cli(['install', '--target', 'xray', '--yes', '-o', 'json']);
    expect(install.code, install.stderr).toBe(0);

    const { core } = kubeClients(sandbox);
    const address = await endpointAddress(core, 'awsxray');
    expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
    const service = await core.readNamespacedService({ name: SERVICE, namespace: NAMESPACE });
    const listeners = JSON.parse(service.metadata?.annotations?.['sandbox.adot.dev/listeners'] ?? '{}') as Record<
      string,
      string
    >;
    expect(listeners.awsxray).toBe(address);
    expect(listeners.otlp).toMatch(/^127\.0\.0\.1:\d+$/);
    // both OTLP listeners are published, each at its own real port
    const otlpGrpc = await endpointAddress(core, 'otlp-grpc');
    const otlpHttp = await endpointAddress(core, 'otlp-http');
    expect(otlpGrpc).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(otlpHttp).toBe(listeners.otlp);
    expect(new Set([address, otlpGrpc, otlpHttp]).size).toBe(3);

    const sent = segment();
    await sendDatagrams(address, framed([sent]));
    const xray = new XRayClient(sandboxClientConfig(sandbox));
    try {
      const now = Date.now();
      const summaries = await eventually(
        async () =>
          (
            await xray.send(
              new GetTraceSummariesCommand({ StartTime: new Date(now - 300_000), EndTime: new Date(now + 60_000) }),
            )
          ).TraceSummaries ?? [],
        (found) => found.some((summary) => summary.Id === sent.trace_id),
        10_000,
      );
      expect(summaries.map((summary) => summary.Id)).toContain(sent.trace_id);
      const traces = await xray.send(new BatchGetTracesCommand({ TraceIds: [sent.trace_id as string] }));
      const document = JSON.parse(traces.Traces?.[0]?.Segments?.[0]?.Document ?? '{}') as { id?: string };
      expect(document.id).toBe(sent.id);
    } finally {
      xray.destroy();
    }
  });

  it('a collector that cannot start keeps its Deployment unavailable with the reason; fixing it starts it', async () => {
    const { cli, sandbox } = await start(fastSeed(SCENARIO));
    const install = await cli(['install', '--target', 'xray', '--yes', '-o', 'json']);
    expect(install.code, install.stderr).toBe(0);
    const store = sandbox.store(sandbox.defaultCluster);
    const collector = store.get('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'observability', NAMESPACE);
    if (collector === undefined) throw new Error('install created no collector');
    const good = (collector.spec as { config: string }).config;
    store.put({
      ...collector,
      spec: {
        ...(collector.spec as object),
        config: good.replace(/region: (.*)/, 'region: $1\n    no_such_setting: 1'),
      },
    });

    const { apps, core } = kubeClients(sandbox);
    const reason = await eventually(
      async () => {
        const deployment = await apps.readNamespacedDeployment({ name: SERVICE, namespace: NAMESPACE });
        return deployment.status?.conditions?.find((condition) => condition.type === 'Available');
      },
      (condition) => condition?.status === 'False',
      10_000,
    );
    expect(reason?.message).toContain('exporters.awsxray.no_such_setting');
    expect(sandbox.collectorStatus(sandbox.defaultCluster, 'observability', NAMESPACE)?.running).toBe(false);
    const doctor = await cli(['doctor', '-o', 'json']);
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string; message: string }[] }).checks;
    const rollout = checks.find((check) => check.id === 'collector.deployment');
    expect(rollout?.status, JSON.stringify(checks, null, 1)).toBe('fail');
    expect(rollout?.message).toContain('exporters.awsxray.no_such_setting');

    const current = store.get('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'observability', NAMESPACE);
    store.put({ ...(current as typeof collector), spec: { ...(current?.spec as object), config: good } });
    expect(await endpointAddress(core, 'awsxray')).toMatch(/^127\.0\.0\.1:\d+$/);
    await eventually(
      () => sandbox.collectorStatus(sandbox.defaultCluster, 'observability', NAMESPACE)?.running,
      (running) => running === true,
    );
  });

  it('deleting the collector stops its runtime and clears its listeners', async () => {
    const { cli, sandbox } = await start(fastSeed(SCENARIO));
    const install = await cli(['install', '--target', 'xray', '--yes', '-o', 'json']);
    expect(install.code, install.stderr).toBe(0);
    const { core } = kubeClients(sandbox);
    await endpointAddress(core, 'awsxray');
    sandbox
      .store(sandbox.defaultCluster)
      .remove('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'observability', NAMESPACE);
    await eventually(
      () => sandbox.collectorStatus(sandbox.defaultCluster, 'observability', NAMESPACE),
      (status) => status === undefined,
    );
  });

  it('amp: scraped series are remote-written to the sandbox aps emulation, and its query endpoint answers', async () => {
    // remote write reaches only a workspace that exists, as in AMP
    const { cli, sandbox } = await start({ ...fastSeed(SCENARIO), amp: { workspaces: [{ id: WORKSPACE }] } });
    const app = await startMetricsApp();
    apps.push(app);
    putScrapedPod(sandbox, app.port);
    const install = await cli(['install', '--target', 'amp', '--amp-workspace-id', WORKSPACE, '--yes', '-o', 'json']);
    expect(install.code, install.stderr).toBe(0);
    scrapeEverySecond(sandbox);

    const latest = await eventually(
      () => sandbox.aps.latest(WORKSPACE, 'http_requests_total'),
      (found) => found.length > 0,
      15_000,
    );
    expect(latest[0]?.labels).toMatchObject({
      code: '200',
      kubernetes_namespace: 'default',
      kubernetes_pod_name: 'web-0',
      instance: `127.0.0.1:${app.port}`,
    });
    expect(latest[0]?.value).toBeGreaterThan(0);

    const url = new URL(`${sandbox.awsEndpoint}/workspaces/${WORKSPACE}/api/v1/query`);
    const signer = new SignatureV4({
      service: 'aps',
      region: sandbox.region,
      credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: { query: 'http_requests_total' },
      headers: { host: url.host },
    });
    const response = await fetch(`${url.href}?query=http_requests_total`, { headers: signed.headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      status: string;
      data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('vector');
    expect(body.data.result[0]?.metric.__name__).toBe('http_requests_total');
    expect(Number(body.data.result[0]?.value[1])).toBeGreaterThan(0);
  });

  it('cloudwatch: scraped counters arrive as EMF events under /aws/containerinsights/demo/prometheus', async () => {
    const { cli, sandbox } = await start(fastSeed(SCENARIO));
    const app = await startMetricsApp();
    apps.push(app);
    putScrapedPod(sandbox, app.port);
    // the template selects the metrics of the ADOT docs; --set cloudwatch.metric_names selects this pod's counter
    const install = await cli([
      'install',
      '--target',
      'cloudwatch',
      '--set',
      'cloudwatch.metric_names=^http_requests_total$',
      '--yes',
      '-o',
      'json',
    ]);
    expect(install.code, install.stderr).toBe(0);
    scrapeEverySecond(sandbox);

    const logs = new CloudWatchLogsClient(sandboxClientConfig(sandbox));
    try {
      const events = await eventually(
        async () =>
          (
            await logs
              .send(new FilterLogEventsCommand({ logGroupName: '/aws/containerinsights/demo/prometheus' }))
              .catch(() => ({ events: [] }))
          ).events ?? [],
        (found) => found.length > 0,
        15_000,
      );
      const emf = JSON.parse(events[0]?.message ?? '{}') as Record<string, unknown> & {
        _aws?: { CloudWatchMetrics?: { Namespace: string; Dimensions: string[][] }[] };
      };
      expect(emf._aws?.CloudWatchMetrics?.[0]?.Namespace).toBe('ContainerInsights/Prometheus');
      expect(emf._aws?.CloudWatchMetrics?.[0]?.Dimensions).toEqual([['EKS_Cluster', 'EKS_Namespace', 'EKS_PodName']]);
      expect(emf).toMatchObject({ EKS_Cluster: 'demo', EKS_Namespace: 'default', EKS_PodName: 'web-0' });
      expect(typeof emf.http_requests_total).toBe('number');
    } finally {
      logs.destroy();
    }
  });
});
