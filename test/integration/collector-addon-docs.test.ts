/**
 * The collector configurations the ADOT documentation publishes for the EKS add-on
 * (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/, pages config-amp, config-cloudwatch,
 * config-xray, config-advanced, target-allocator, k8s-attr-processor, config-container-logs, config-otlp-ingest,
 * config-prometheus-metrics; the k8s-attr-processor page's third configuration in k8s-attr-processor-sampling), each mirrored by a resource in test/fixtures/addon-docs/ written for these tests:
 * `adot collector validate` judges each as the bundled runtime would, and each runs as the sandbox runs a collector
 * resource (the supervisor, with the resource's spec.env and its pod's facts) and delivers to the sandbox's AWS
 * emulations. The same configurations installed, applied with kubectl and checked by doctor in a sandbox's cluster,
 * with their pods' own credentials: test/cli/addon-docs-configs.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectorSupervisor, type CollectorResource } from '../../src/collector/supervisor.js';
import { postGauge } from '../helpers/docs-collector.js';
import { postSpan } from '../helpers/otlp-span.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import type { ClusterStore } from '../../src/sandbox/types.js';
import { runCli } from '../helpers/cli.js';
import { startDemoApp, type DemoApp } from '../helpers/collector-prometheus.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

const WORKSPACE = 'ws-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const NODE = 'ip-10-0-1-23.ec2.internal';
const CART_UID = '0f0e2b7a-1111-2222-3333-444455556666';
const WAIT_MS = 20_000;

interface Resource {
  metadata: { name: string; namespace?: string };
  spec: { mode: string; config: unknown; env?: unknown; targetAllocator?: { enabled?: unknown } };
}

async function fixture(name: string, edit: (text: string) => string = (text) => text): Promise<Resource> {
  const text = await readFile(new URL(`../fixtures/addon-docs/${name}.yaml`, import.meta.url), 'utf8');
  const resource = parseAllDocuments(text)
    .map((document) => document.toJS() as Resource & { kind?: string })
    .find((document) => document.kind === 'OpenTelemetryCollector');
  if (resource === undefined) throw new Error(`${name} holds no OpenTelemetryCollector`);
  return parse(edit(stringify(resource, { lineWidth: 0 }))) as Resource;
}

function configText(resource: Resource): string {
  return typeof resource.spec.config === 'string' ? resource.spec.config : stringify(resource.spec.config);
}

describe('the add-on documentation configurations on the bundled collector runtime', () => {
  let sandbox: RunningSandbox;
  let store: ClusterStore;
  let app: DemoApp;
  let supervisor: CollectorSupervisor;
  let dir: string;
  const logger = memoryLogger();

  beforeAll(async () => {
    // the workspaces the configurations write to exist, as remote write reaches only an existing workspace
    const seed = {
      ...scenarioSeed('fresh'),
      amp: { workspaces: [WORKSPACE, 'ws-daemonset-published', 'ws-daemonset-fixed'].map((id) => ({ id })) },
    };
    [sandbox, app] = await Promise.all([startSandbox({ seed }), startDemoApp()]);
    dir = await mkdtemp(join(tmpdir(), 'adot-addon-docs-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, sandbox.kubeconfig());
    store = sandbox.store(sandbox.defaultCluster);
    const port = app.address.split(':')[1] ?? '';
    store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    const pod = (name: string, uid: string, nodeName: string, podIP: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: 'shop',
        uid,
        labels: { app: 'cart' },
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': port },
      },
      spec: { nodeName, containers: [{ name: 'app', image: 'public.ecr.aws/shop/cart:1.4.2' }] },
      status: { phase: 'Running', podIP },
    });
    store.put(pod('cart-1', CART_UID, NODE, '127.0.0.1'));
    store.put(pod('cart-2', '9a9a9a9a-1111-2222-3333-444455556666', 'ip-10-0-9-9.ec2.internal', '127.0.0.1'));
    supervisor = new CollectorSupervisor({
      env: sandbox.env(kubeconfig),
      logger,
      shutdownTimeoutMs: 1_000,
      // what the sandbox does for remote writes to Amazon Managed Prometheus: its aps emulation answers them
      endpointRewrite: (endpoint) =>
        endpoint.replace(/^https:\/\/aps-workspaces\.[a-z0-9-]+\.amazonaws\.com/, sandbox.awsEndpoint),
    });
  }, 60_000);

  afterAll(async () => {
    await supervisor?.close();
    await Promise.all([sandbox?.stop(), app?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  /** `adot collector validate` on the resource's configuration, with --set-env for the given variables */
  async function validate(resource: Resource, setEnv: Record<string, string> = {}) {
    const file = join(dir, `${resource.metadata.name}-${randomBytes(3).toString('hex')}.yaml`);
    await writeFile(file, configText(resource));
    const flags = Object.entries(setEnv).flatMap(([name, value]) => ['--set-env', `${name}=${value}`]);
    const run = await runCli(['collector', 'validate', '--config', file, '-o', 'json', ...flags], {
      env: { KUBECONFIG: join(dir, 'kubeconfig') },
    });
    const document = JSON.parse(run.stdout) as {
      ok: boolean;
      problems: { path: string; message: string; severity: string }[];
    };
    return { code: run.code, ...document };
  }

  /** runs the resource as the sandbox's operator would, for a pod on NODE */
  async function run(resources: Resource[]) {
    const running: CollectorResource[] = resources.map((resource) => ({
      metadata: { name: resource.metadata.name, namespace: resource.metadata.namespace ?? 'default' },
      spec: resource.spec,
      pod: {
        name: `${resource.metadata.name}-7x2kq`,
        namespace: resource.metadata.namespace ?? 'default',
        nodeName: NODE,
        podIP: '10.0.1.57',
      },
    }));
    await supervisor.reconcile(running);
    for (const resource of running) {
      const status = supervisor.status(resource.metadata.name, resource.metadata.namespace);
      expect(status?.error).toBeUndefined();
      expect(status?.running).toBe(true);
    }
    return running.map((resource) => supervisor.status(resource.metadata.name, resource.metadata.namespace));
  }

  const series = (workspace = WORKSPACE) =>
    sandbox.aps.series(workspace).map((one) => one.labels as Record<string, string>);

  function logEvents(group: string): { message: string; logStreamName: string }[] {
    try {
      return sandbox.logs.filterLogEvents(group, {});
    } catch {
      return [];
    }
  }

  it('config-xray: otlp (grpc and http on 0.0.0.0) → awsxray; an empty processors section is fine', async () => {
    const resource = await fixture('config-xray');
    expect(await validate(resource)).toMatchObject({ code: 0, ok: true, problems: [] });
    const [status] = await run([resource]);
    const traceId = await postSpan(status?.protocols['otlp']?.['http'] ?? '', { 'service.name': 'cart' });
    await eventually(
      () => sandbox.xray.trace(traceId),
      (trace) => trace !== undefined,
      WAIT_MS,
    );
    expect(JSON.parse(sandbox.xray.trace(traceId)?.Segments[0]?.Document ?? '{}')).toMatchObject({ name: 'cart' });
  });

  it('config-amp: kubernetes_sd scrape jobs with $$ relabelling → prometheusremotewrite with sigv4auth', async () => {
    const resource = await fixture('config-amp');
    const checked = await validate(resource);
    expect(checked).toMatchObject({ code: 0, ok: true });
    // the page's `__param_$1` works on the add-on's collector, but is flagged as probably meant as `$$1`
    expect(checked.problems.map((problem) => [problem.path, problem.severity])).toEqual([
      ['receivers.prometheus.config.scrape_configs[5].relabel_configs[1].replacement', 'warning'],
    ]);
    await run([resource]);
    const up = await eventually(
      () => series().filter((labels) => labels['__name__'] === 'up' && labels['job'] === 'kubernetes-pods'),
      (found) => found.some((labels) => labels['kubernetes_pod_name'] === 'cart-1'),
      WAIT_MS,
    );
    expect(up.find((labels) => labels['kubernetes_pod_name'] === 'cart-1')).toMatchObject({
      kubernetes_namespace: 'shop',
      app: 'cart',
      instance: app.address,
    });
    await supervisor.reconcile([]);
  });

  it("config-cloudwatch: ${CLUSTER_NAME} from spec.env in a label and the log group; awsemf with the page's keys", async () => {
    const resource = await fixture('config-cloudwatch');
    const unset = await validate(resource);
    expect(unset.code).toBe(1);
    expect(unset.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.path)).toEqual([
      'processors.metricstransform/labelling.transforms[0].operations[0].new_value',
      'exporters.awsemf.log_group_name',
    ]);
    expect(await validate(resource, { CLUSTER_NAME: 'demo' })).toMatchObject({ code: 0, ok: true, problems: [] });
    await run([resource]);
    const events = await eventually(
      () =>
        logEvents('/aws/containerinsights/demo/prometheus').map(
          (event) => JSON.parse(event.message) as Record<string, unknown>,
        ),
      (found) => found.some((event) => event['_aws'] !== undefined && event['EKS_PodName'] === 'cart-1'),
      WAIT_MS,
    );
    const extracted = events.find((event) => event['_aws'] !== undefined && event['EKS_PodName'] === 'cart-1');
    expect(extracted).toMatchObject({ EKS_Cluster: 'demo', EKS_Namespace: 'shop' });
    expect(JSON.stringify(extracted?.['_aws'])).toContain(
      '"Dimensions":[["EKS_Cluster","EKS_Namespace","EKS_PodName"]]',
    );
    expect(JSON.stringify(extracted?.['_aws'])).toContain('ContainerInsights/Prometheus');
    await supervisor.reconcile([]);
  });

  it("config-advanced: a DaemonSet; the page's `regex: $K8S_NODE_NAME` stays literal and keeps nothing, ${env:K8S_NODE_NAME} keeps the pods of its node", async () => {
    const asPublished = await fixture('config-advanced', (text) =>
      text.replace(`workspaces/${WORKSPACE}`, 'workspaces/ws-daemonset-published'),
    );
    const checked = await validate(asPublished);
    expect(checked).toMatchObject({ code: 0, ok: true });
    expect(checked.problems.map((problem) => problem.severity)).toEqual(['warning', 'warning']);
    expect(checked.problems[0]?.message).toContain('stays the literal text "$K8S_NODE_NAME"');
    const fixed = await fixture('config-advanced', (text) =>
      text
        .replaceAll('regex: $K8S_NODE_NAME', 'regex: ${env:K8S_NODE_NAME}')
        .replace(`workspaces/${WORKSPACE}`, 'workspaces/ws-daemonset-fixed')
        .replace('name: my-collector-advanced', 'name: my-collector-advanced-fixed'),
    );
    expect(await validate(fixed, { K8S_NODE_NAME: NODE })).toMatchObject({ code: 0, problems: [] });
    await run([asPublished, fixed]);
    const kept = await eventually(
      () =>
        series('ws-daemonset-fixed').filter(
          (labels) => labels['__name__'] === 'up' && labels['job'] === 'kubernetes-pods',
        ),
      (found) => found.length > 0,
      WAIT_MS,
    );
    expect(new Set(kept.map((labels) => labels['kubernetes_pod_name']))).toEqual(new Set(['cart-1']));
    // the fixed collector has discovered and scraped by now: the one as published kept no target at all
    expect(series('ws-daemonset-published')).toEqual([]);
    await supervisor.reconcile([]);
  });

  it('target-allocator: ${AMP_REMOTE_WRITE_URL} and ${AWS_REGION}; sigv4auth must be listed in service.extensions', async () => {
    const published = await fixture('target-allocator', (text) => text.replace('DEMO_APP_ADDRESS', app.address));
    const refused = await validate(published, {
      AMP_REMOTE_WRITE_URL: `https://aps-workspaces.us-east-1.amazonaws.com/workspaces/${WORKSPACE}/api/v1/remote_write`,
      AWS_REGION: 'us-east-1',
    });
    expect(refused.code).toBe(1);
    expect(refused.problems.map((problem) => problem.path)).toEqual([
      'exporters.prometheusremotewrite.auth.authenticator',
    ]);
    const fixed = await fixture('target-allocator', (text) =>
      text
        .replace('DEMO_APP_ADDRESS', app.address)
        .replace('    service:\n', '    service:\n      extensions: [sigv4auth]\n'),
    );
    await run([fixed]);
    await eventually(
      () =>
        series().filter((labels) => labels['job'] === 'otel-collector' && labels['__name__'] === 'http_requests_total'),
      (found) => found.length > 0,
      WAIT_MS,
    );
    await supervisor.reconcile([]);
  });

  it("k8s-attr-processor: the page's `otlp: {grpc:, http:}` is refused; with protocols, k8sattributes finds the pod", async () => {
    const asPublished = await fixture('k8s-attr-processor', (text) =>
      text.replace(
        '  otlp:\n        protocols:\n          grpc:\n          http:',
        '  otlp:\n        grpc:\n        http:',
      ),
    );
    const refused = await validate(asPublished);
    expect(refused.code).toBe(1);
    expect(refused.problems[0]).toMatchObject({ path: 'receivers.otlp.grpc', message: 'unknown setting "grpc"' });
    const resource = await fixture('k8s-attr-processor');
    expect(await validate(resource)).toMatchObject({ code: 0, problems: [] });
    const [status] = await run([resource]);
    const traceId = await postSpan(status?.protocols['otlp']?.['http'] ?? '', {
      'service.name': 'cart',
      'cloud.platform': 'aws_eks',
      'k8s.pod.uid': CART_UID,
      'k8s.namespace.name': 'shop',
    });
    await eventually(
      () => sandbox.xray.trace(traceId),
      (trace) => trace !== undefined,
      WAIT_MS,
    );
    const document = JSON.parse(sandbox.xray.trace(traceId)?.Segments[0]?.Document ?? '{}') as {
      aws?: { eks?: unknown };
    };
    expect(document.aws?.eks).toMatchObject({ pod: 'cart-1' });
    await supervisor.reconcile([]);
  });

  it("k8s-attr-processor, third configuration: refused as published (otlp keys, `tailsampling`, the filter's match_type); fixed, the page's policy keeps only the named node's spans and the filter drops its metrics", async () => {
    const asPublished = await fixture('k8s-attr-processor-sampling', (text) =>
      text
        .replace(
          '  otlp:\n        protocols:\n          grpc:\n          http:',
          '  otlp:\n        grpc:\n        http:',
        )
        .replaceAll('tail_sampling', 'tailsampling')
        .replace(/\n *match_type: strict/, ''),
    );
    expect(configText(asPublished)).toContain('tailsampling:');
    expect(configText(asPublished)).not.toContain('match_type');
    const refused = await validate(asPublished);
    expect(refused.code).toBe(1);
    const byPath = new Map(refused.problems.map((problem) => [problem.path, problem]));
    expect(byPath.get('receivers.otlp.grpc')).toMatchObject({ message: 'unknown setting "grpc"' });
    expect(byPath.get('processors.tailsampling')).toMatchObject({
      message: 'Unknown processor type "tailsampling"',
      hint: expect.stringMatching(/^Did you mean tail_sampling\?/) as unknown,
    });
    expect(byPath.get('processors.filter.metrics.exclude.match_type')).toMatchObject({
      message: "unrecognized match_type: '', valid types are: [regexp strict]",
    });

    const published = await fixture('k8s-attr-processor-sampling');
    expect(await validate(published)).toMatchObject({ code: 0, problems: [] });
    // the node of cart-1 stands for the page's badnode-1234; decision_wait shortened from its default (30s, as in
    // the fixture) so that the spans' arrival is seen within the test's wait
    const resource = await fixture('k8s-attr-processor-sampling', (text) =>
      text
        .replaceAll('badnode-1234', NODE)
        .replace('      tail_sampling:\n', '      tail_sampling:\n        decision_wait: 1s\n'),
    );
    expect(configText(resource)).toContain('decision_wait: 1s');
    expect(await validate(resource)).toMatchObject({ code: 0, problems: [] });
    const [status] = await run([resource]);
    const address = status?.protocols['otlp']?.['http'] ?? '';
    const fromPod = (uid: string) => ({
      'service.name': 'cart',
      'cloud.platform': 'aws_eks',
      'k8s.pod.uid': uid,
      'k8s.namespace.name': 'shop',
    });
    // cart-2 runs on another node: posted first, so decided no later than cart-1's span
    const otherNode = await postSpan(address, fromPod('9a9a9a9a-1111-2222-3333-444455556666'));
    const namedNode = await postSpan(address, fromPod(CART_UID));
    await eventually(
      () => sandbox.xray.trace(namedNode),
      (trace) => trace !== undefined,
      WAIT_MS,
    );
    const document = JSON.parse(sandbox.xray.trace(namedNode)?.Segments[0]?.Document ?? '{}') as {
      aws?: { eks?: unknown };
    };
    expect(document.aws?.eks).toMatchObject({ pod: 'cart-1' });
    // upstream's string_attribute policy without invert_match samples what it matches and nothing else
    expect(sandbox.xray.trace(otherNode)).toBeUndefined();

    await postGauge(address, 'docs_sampling_named_node', fromPod(CART_UID));
    await postGauge(address, 'docs_sampling_other_node', fromPod('9a9a9a9a-1111-2222-3333-444455556666'));
    await eventually(
      () => series().filter((labels) => labels['__name__'] === 'docs_sampling_other_node'),
      (found) => found.length > 0,
      WAIT_MS,
    );
    // the filter dropped the named node's gauge when it arrived, before the other one was posted
    expect(series().filter((labels) => labels['__name__'] === 'docs_sampling_named_node')).toEqual([]);
    await supervisor.reconcile([]);
  });

  it('config-container-logs: filelog with the container operator on a DaemonSet → awscloudwatchlogs, ${env:NODE_NAME} as the stream', async () => {
    const logRoot = join(dir, 'var-log');
    const podDir = join(logRoot, 'pods', `shop_cart-1_${CART_UID}`, 'app');
    await mkdir(podDir, { recursive: true });
    const file = join(podDir, '0.log');
    await writeFile(file, '2024-05-01T10:00:00.000000000Z stdout F from before the collector\n');
    const resource = await fixture('config-container-logs', (text) => text.replaceAll('LOG_ROOT', logRoot));
    expect(await validate(resource, { CLUSTER_NAME: 'demo', NODE_NAME: NODE })).toMatchObject({
      code: 0,
      problems: [],
    });
    await run([resource]);
    const stamp = new Date().toISOString().replace(/\.\d+Z$/, '.123456789Z');
    await appendFile(file, `${stamp} stdout P checkout started, \n${stamp} stdout F card accepted\n`);
    const events = await eventually(
      () => logEvents('demo/container/logs'),
      (found) => found.length > 0,
      WAIT_MS,
    );
    expect(events.map((event) => event.logStreamName)).toEqual([NODE]);
    expect(JSON.parse(events[0]?.message ?? '{}')).toEqual({
      body: 'checkout started, card accepted',
      attributes: { 'log.file.path': file, 'log.iostream': 'stdout', logtag: 'P' },
      resource: {
        'k8s.container.name': 'app',
        'k8s.container.restart_count': '0',
        'k8s.namespace.name': 'shop',
        'k8s.pod.name': 'cart-1',
        'k8s.pod.uid': CART_UID,
      },
    });
    await supervisor.reconcile([]);
  });

  it("config-otlp-ingest and config-prometheus-metrics: the presets' pipelines (traces/xray; metrics/amp and metrics/emf)", async () => {
    const ingest = await fixture('config-otlp-ingest');
    const metrics = await fixture('config-prometheus-metrics');
    expect(await validate(ingest)).toMatchObject({ code: 0, problems: [] });
    expect(await validate(metrics)).toMatchObject({ code: 0, problems: [] });
    const [ingestStatus] = await run([ingest, metrics]);
    const traceId = await postSpan(ingestStatus?.protocols['otlp']?.['http'] ?? '', { 'service.name': 'checkout' });
    await eventually(
      () => sandbox.xray.trace(traceId),
      (trace) => trace !== undefined,
      WAIT_MS,
    );
    await eventually(
      () => series().filter((labels) => labels['job'] === 'kubernetes-pods'),
      (found) => found.length > 0,
      WAIT_MS,
    );
    await eventually(
      () => logEvents('/aws/containerinsights/demo/prometheus'),
      (found) => found.length > 0,
      WAIT_MS,
    );
    await supervisor.reconcile([]);
  });
});
