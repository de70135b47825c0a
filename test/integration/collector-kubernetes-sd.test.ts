import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import { startDemoApp, type DemoApp } from '../helpers/collector-prometheus.js';
import { startFakeRemoteWriteReceiver, type FakeRemoteWriteReceiver } from '../helpers/collector-remote-write.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';
import { startTestCluster, type TestCluster } from '../helpers/kube-cluster.js';

interface ScrapeConfig {
  job_name: string;
  kubernetes_sd_configs: Record<string, unknown>[];
}

/** The template's own kubernetes-pods and kubernetes-service-endpoints jobs, pointed at the test cluster. */
async function templateJobs(kubeconfigFile: string): Promise<ScrapeConfig[]> {
  const template = parse(
    await readFile(new URL('../../templates/collector/prometheus.yaml', import.meta.url), 'utf8'),
  ) as {
    receivers: { prometheus: { config: { scrape_configs: ScrapeConfig[] } } };
  };
  return template.receivers.prometheus.config.scrape_configs
    .filter((job) => job.job_name === 'kubernetes-pods' || job.job_name === 'kubernetes-service-endpoints')
    .map((job) => ({
      ...job,
      scrape_interval: '200ms',
      scrape_timeout: '150ms',
      kubernetes_sd_configs: job.kubernetes_sd_configs.map((sd) => ({ ...sd, kubeconfig_file: kubeconfigFile })),
    }));
}

describe('collector: kubernetes_sd_configs against the sandbox Kubernetes API', () => {
  let cluster: TestCluster;
  let app: DemoApp;
  let receiver: FakeRemoteWriteReceiver;
  let collector: RunningCollector;
  let dir: string;

  beforeAll(async () => {
    [cluster, app, receiver] = await Promise.all([startTestCluster(), startDemoApp(), startFakeRemoteWriteReceiver()]);
    dir = await mkdtemp(join(tmpdir(), 'adot-k8s-sd-'));
    const kubeconfigFile = join(dir, 'kubeconfig');
    await writeFile(kubeconfigFile, cluster.kubeconfig());
    const port = app.address.split(':')[1] ?? '';
    cluster.store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    cluster.store.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'cart-1',
        namespace: 'shop',
        labels: { app: 'cart' },
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': port },
      },
      spec: { containers: [{ name: 'app', image: 'cart:1', ports: [{ containerPort: 8080 }] }] },
      status: { phase: 'Running', podIP: '127.0.0.1' },
    });
    cluster.store.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'quiet-1', namespace: 'shop' },
      spec: { containers: [{ name: 'app', image: 'quiet:1' }] },
      status: { phase: 'Running', podIP: '127.0.0.2' },
    });
    cluster.store.put({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'cart',
        namespace: 'shop',
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': port },
      },
      spec: { clusterIP: '172.20.0.9', ports: [{ name: 'http', port: 80 }] },
    });
    cluster.store.put({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'cart', namespace: 'shop' },
      subsets: [
        {
          addresses: [{ ip: '127.0.0.1', targetRef: { kind: 'Pod', name: 'cart-1', namespace: 'shop' } }],
          ports: [{ name: 'http', port: 80 }],
        },
      ],
    });
    const config = {
      receivers: { prometheus: { config: { scrape_configs: await templateJobs(kubeconfigFile) } } },
      exporters: { prometheusremotewrite: { endpoint: receiver.url } },
      service: {
        telemetry: { metrics: { level: 'none' } },
        pipelines: { metrics: { receivers: ['prometheus'], exporters: ['prometheusremotewrite'] } },
      },
    };
    const { config: prepared } = prepareConfigText(stringify(config), 'otel.yaml', {});
    collector = await startCollector({ config: prepared, env: {}, logger: memoryLogger() });
  }, 30_000);

  afterAll(async () => {
    await collector?.shutdown();
    await Promise.all([cluster?.close(), app?.close(), receiver?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  const targets = () =>
    collector.metrics.value('otelcol_receiver_scrape_targets', { receiver: 'prometheus', transport: 'http' });
  const upSeries = () =>
    receiver.writes.flatMap((write) =>
      write.series
        .map((series) => Object.fromEntries(series.labels.map((label) => [label.name, label.value])))
        .filter((labels) => labels.__name__ === 'up'),
    );

  it("discovers the annotated pod and service through the template's relabeling, and scrapes them", async () => {
    await eventually(targets, (count) => count === 2);
    const ups = await eventually(upSeries, (series) => new Set(series.map((labels) => labels.job)).size === 2);
    const pod = ups.find((labels) => labels.job === 'kubernetes-pods');
    expect(pod).toMatchObject({
      instance: app.address,
      kubernetes_namespace: 'shop',
      kubernetes_pod_name: 'cart-1',
      app: 'cart',
    });
    const service = ups.find((labels) => labels.job === 'kubernetes-service-endpoints');
    expect(service).toMatchObject({ instance: app.address, kubernetes_namespace: 'shop', kubernetes_name: 'cart' });
    // the scraped series and `up` may go out on different remote write shards and land in either order
    await eventually(
      () =>
        receiver.writes.some((write) =>
          write.series.some((series) =>
            series.labels.some((label) => label.name === '__name__' && label.value === 'http_requests_total'),
          ),
        ),
      (sent) => sent,
    );
  });

  it('follows changes: a deleted pod stops being scraped, a new one starts', async () => {
    cluster.store.remove('v1', 'Pod', 'cart-1', 'shop');
    await eventually(targets, (count) => count === 1);
    const port = app.address.split(':')[1] ?? '';
    cluster.store.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'cart-2',
        namespace: 'shop',
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': port },
      },
      spec: { containers: [{ name: 'app', image: 'cart:1' }] },
      status: { phase: 'Running', podIP: '127.0.0.1' },
    });
    await eventually(targets, (count) => count === 2);
    await eventually(upSeries, (series) => series.some((labels) => labels.kubernetes_pod_name === 'cart-2'));
  });
});
