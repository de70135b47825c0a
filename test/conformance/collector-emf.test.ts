import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector } from '../../src/collector/runtime/collector.js';
import type { AwsServer } from '../../src/sandbox/aws/index.js';
import { logsService, LogsState } from '../../src/sandbox/aws/logs/index.js';
import { awsJson, runAwsCli } from '../helpers/aws-cli.js';
import { startMotoServer, type MotoServer } from '../helpers/aws-moto.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';
import { COLLECTOR_TEST_ACCOUNT, COLLECTOR_TEST_REGION, startAwsEndpoint } from '../helpers/collector-aws.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src/sandbox/seed/identity.js';

function config(target: string): string {
  return `
receivers:
  prometheus:
    config:
      global: {scrape_interval: 200ms, scrape_timeout: 150ms}
      scrape_configs:
        - job_name: shop
          static_configs:
            - targets: ['${target}']
              labels: {kubernetes_namespace: shop, kubernetes_pod_name: web-1}
processors:
  filter/include:
    metrics:
      include:
        match_type: strict
        metric_names: [orders_total]
  metricstransform/labelling:
    transforms:
      - include: .*
        match_type: regexp
        action: update
        operations:
          - {action: add_label, new_label: EKS_Cluster, new_value: demo}
          - {action: update_label, label: kubernetes_pod_name, new_label: EKS_PodName}
          - {action: update_label, label: kubernetes_namespace, new_label: EKS_Namespace}
exporters:
  awsemf:
    region: us-east-1
    namespace: ContainerInsights/Prometheus
    log_group_name: /aws/containerinsights/demo/prometheus
    dimension_rollup_option: NoDimensionRollup
    metric_declarations:
      - dimensions: [[EKS_Cluster, EKS_Namespace, EKS_PodName]]
        metric_name_selectors: ['^orders_total$$']
service:
  telemetry: {metrics: {level: none}}
  pipelines:
    metrics:
      receivers: [prometheus]
      processors: [filter/include, metricstransform/labelling]
      exporters: [awsemf]
`;
}

interface CliEvents {
  events: { timestamp: number; message: string }[];
}

/** The same aws CLI calls, normalised to what both backends must agree on. */
async function cliTranscript(endpoint: string): Promise<unknown[]> {
  const now = Date.now();
  const group = ['--log-group-name', '/conformance/app'];
  const transcript: unknown[] = [];
  const errorCode = async (args: string[]) => /\((\w+)\)/.exec((await runAwsCli(endpoint, args)).stderr)?.[1];
  await awsJson(endpoint, ['logs', 'create-log-group', ...group]);
  transcript.push(await errorCode(['logs', 'create-log-group', ...group]));
  await awsJson(endpoint, ['logs', 'create-log-stream', ...group, '--log-stream-name', 's1']);
  transcript.push(
    await errorCode([
      'logs',
      'put-log-events',
      ...group,
      '--log-stream-name',
      'missing',
      '--log-events',
      `timestamp=${now},message=x`,
    ]),
  );
  await awsJson(endpoint, [
    'logs',
    'put-log-events',
    ...group,
    '--log-stream-name',
    's1',
    '--log-events',
    `timestamp=${now},message=first event`,
    `timestamp=${now + 1},message=second event`,
  ]);
  const read = await awsJson<CliEvents>(endpoint, [
    'logs',
    'get-log-events',
    ...group,
    '--log-stream-name',
    's1',
    '--start-from-head',
  ]);
  transcript.push(read.events.map((event) => [event.timestamp - now, event.message]));
  const streams = await awsJson<{ logStreams: { logStreamName: string }[] }>(endpoint, [
    'logs',
    'describe-log-streams',
    ...group,
  ]);
  transcript.push(streams.logStreams.map((stream) => stream.logStreamName));
  const groups = await awsJson<{ logGroups: { logGroupName: string }[] }>(endpoint, [
    'logs',
    'describe-log-groups',
    '--log-group-name-prefix',
    '/conformance/',
  ]);
  transcript.push(groups.logGroups.map((item) => item.logGroupName));
  const filtered = await awsJson<CliEvents>(endpoint, [
    'logs',
    'filter-log-events',
    ...group,
    '--filter-pattern',
    'second',
  ]);
  transcript.push(filtered.events.map((event) => event.message));
  await awsJson(endpoint, ['logs', 'delete-log-group', ...group]);
  transcript.push(await errorCode(['logs', 'describe-log-streams', ...group]));
  return transcript;
}

describe('CloudWatch Logs: the sandbox against moto, through the aws CLI', () => {
  let moto: MotoServer;
  let sandbox: AwsServer;
  let exposition: Server;
  let target: string;

  beforeAll(async () => {
    const account = COLLECTOR_TEST_ACCOUNT;
    const region = COLLECTOR_TEST_REGION;
    [moto, sandbox] = await Promise.all([
      startMotoServer(),
      startAwsEndpoint([logsService(new LogsState(account, region))]),
    ]);
    let orders = 0;
    exposition = createServer((_request, response) => {
      orders += 2;
      response
        .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
        .end(`# TYPE orders_total counter\norders_total ${orders}\nother 1\n`);
    });
    await new Promise<void>((resolve) => exposition.listen(0, '127.0.0.1', resolve));
    target = `127.0.0.1:${(exposition.address() as AddressInfo).port}`;
  }, 30_000);

  afterAll(async () => {
    await Promise.all([
      moto?.close(),
      sandbox?.close(),
      new Promise<void>((resolve) => {
        exposition?.close(() => resolve());
        exposition?.closeAllConnections();
      }),
    ]);
  });

  it('answers the calls awsemf and its users make as moto does', async () => {
    const [fromMoto, fromSandbox] = await Promise.all([cliTranscript(moto.url), cliTranscript(sandbox.url)]);
    expect(fromMoto).toEqual([
      'ResourceAlreadyExistsException',
      'ResourceNotFoundException',
      [
        [0, 'first event'],
        [1, 'second event'],
      ],
      ['s1'],
      ['/conformance/app'],
      ['second event'],
      'ResourceNotFoundException',
    ]);
    expect(fromSandbox).toEqual(fromMoto);
  }, 60_000);

  it("the collector's awsemf exporter writes EMF into moto, and aws logs get-log-events reads it back", async () => {
    const env = {
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: SANDBOX_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SANDBOX_SECRET_ACCESS_KEY,
      AWS_REGION: 'us-east-1',
    };
    const { config: prepared } = prepareConfigText(config(target), 'otel.yaml', env);
    const collector = await startCollector({ config: prepared, env, logger: memoryLogger(), shutdownTimeoutMs: 5_000 });
    try {
      const read = () =>
        runAwsCli(moto.url, [
          'logs',
          'get-log-events',
          '--log-group-name',
          '/aws/containerinsights/demo/prometheus',
          '--log-stream-name',
          'otel-stream',
          '--start-from-head',
        ]).then((result) => (result.code === 0 ? (JSON.parse(result.stdout) as CliEvents).events : []));
      const events = await eventually(read, (found) => found.length >= 2, 20_000);
      for (const event of events) {
        const document = JSON.parse(event.message) as Record<string, unknown> & {
          _aws: { Timestamp: number; CloudWatchMetrics: unknown[] };
        };
        expect(document._aws.Timestamp).toBe(event.timestamp);
        expect(document._aws.CloudWatchMetrics).toEqual([
          {
            Namespace: 'ContainerInsights/Prometheus',
            Dimensions: [['EKS_Cluster', 'EKS_Namespace', 'EKS_PodName']],
            // no Unit: a scraped metric has none, and awsemf writes a Unit only for a metric that has one
            Metrics: [{ Name: 'orders_total' }],
          },
        ]);
        expect(document).toMatchObject({
          EKS_Cluster: 'demo',
          EKS_Namespace: 'shop',
          EKS_PodName: 'web-1',
          orders_total: 2,
        });
        expect(document.other).toBeUndefined();
      }
    } finally {
      await collector.shutdown();
    }
  }, 60_000);
});
