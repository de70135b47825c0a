import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import type { AwsServer } from '../../src/sandbox/aws/index.js';
import { logsService, LogsState } from '../../src/sandbox/aws/logs/index.js';
import type { SeedFault } from '../../src/sandbox/types.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';
import { COLLECTOR_TEST_ACCOUNT, COLLECTOR_TEST_REGION, startAwsEndpoint } from '../helpers/collector-aws.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src/sandbox/seed/identity.js';

const LOG_GROUP = '/aws/containerinsights/demo/prometheus';

interface Exposition {
  address: string;
  close(): Promise<void>;
}

/**
 * A pod's /metrics: a counter the template's filter keeps (apiserver_request_.*) that grows on every scrape, and a
 * gauge and a histogram it must drop.
 */
async function startExposition(sampleTime?: (scrape: number) => number): Promise<Exposition> {
  let scrapes = 0;
  const server: Server = createServer((request, response) => {
    scrapes += 1;
    response
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      .end(
        [
          '# TYPE apiserver_request_total counter',
          `apiserver_request_total{verb="GET",code="200"} ${scrapes * 5}${sampleTime === undefined ? '' : ` ${sampleTime(scrapes)}`}`,
          '# TYPE memory_bytes gauge',
          'memory_bytes 1024',
          '# TYPE rt_seconds histogram',
          `rt_seconds_bucket{le="1"} ${scrapes}`,
          `rt_seconds_bucket{le="+Inf"} ${scrapes}`,
          `rt_seconds_sum ${scrapes * 0.5}`,
          `rt_seconds_count ${scrapes}`,
          '',
        ].join('\n'),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * templates/collector/cloudwatch.yaml as the template renders it for cluster demo, with the prometheus receiver
 * scraping the test's exposition statically (labelled as the kubernetes-pods job would) and short intervals.
 */
async function cloudwatchTemplateConfig(target: string, exporter: Record<string, unknown> = {}): Promise<string> {
  const text = (await readFile(new URL('../../templates/collector/cloudwatch.yaml', import.meta.url), 'utf8'))
    .replaceAll('{{clusterName}}', 'demo')
    .replaceAll('{{region}}', 'us-east-1');
  const config = parse(text) as Record<string, Record<string, Record<string, unknown>>>;
  config.receivers = {
    prometheus: {
      config: {
        global: { scrape_interval: '200ms', scrape_timeout: '150ms' },
        scrape_configs: [
          {
            job_name: 'kubernetes-pods',
            static_configs: [
              { targets: [target], labels: { kubernetes_namespace: 'shop', kubernetes_pod_name: 'web-1' } },
            ],
          },
        ],
      },
    },
  };
  config.processors!['batch/metrics'] = { timeout: '100ms' };
  config.exporters!.awsemf = {
    ...config.exporters!.awsemf,
    retry_on_failure: { initial_interval: '20ms', max_interval: '50ms', max_elapsed_time: '5s' },
    ...exporter,
  };
  (config.service as Record<string, unknown>).telemetry = { metrics: { address: '127.0.0.1:0' } };
  return stringify(config);
}

interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }[];
  };
  [field: string]: unknown;
}

/** Checks a log event against the EMF specification's rules and returns it parsed. */
function validEmf(message: string, timestamp: number): EmfDocument {
  const document = JSON.parse(message) as EmfDocument;
  expect(typeof document._aws.Timestamp).toBe('number');
  expect(document._aws.Timestamp).toBe(timestamp);
  expect(Array.isArray(document._aws.CloudWatchMetrics)).toBe(true);
  for (const directive of document._aws.CloudWatchMetrics) {
    expect(typeof directive.Namespace).toBe('string');
    expect(directive.Namespace.length).toBeGreaterThan(0);
    expect(directive.Metrics.length).toBeGreaterThan(0);
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const set of directive.Dimensions) {
      expect(set.length).toBeLessThanOrEqual(30);
      for (const name of set) expect(typeof document[name]).toBe('string');
    }
    for (const metric of directive.Metrics) {
      const value = document[metric.Name];
      expect(typeof value === 'number' || (typeof value === 'object' && value !== null && 'Count' in value)).toBe(true);
    }
  }
  return document;
}

describe('collector: prometheus -> filter -> metricstransform -> awsemf -> sandbox CloudWatch Logs', () => {
  let server: AwsServer;
  let state: LogsState;
  let exposition: Exposition;
  let collector: RunningCollector | undefined;
  let logs: CloudWatchLogsClient;
  let env: Record<string, string>;
  const logger = memoryLogger();

  async function startSandbox(faults: SeedFault[] = []): Promise<void> {
    const region = COLLECTOR_TEST_REGION;
    state = new LogsState(COLLECTOR_TEST_ACCOUNT, region);
    server = await startAwsEndpoint([logsService(state)], { faults, randomSeed: 11 });
    const credentials = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY };
    env = {
      AWS_ENDPOINT_URL: server.url,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: region,
    };
    logs = new CloudWatchLogsClient({ endpoint: server.url, region, credentials, maxAttempts: 1 });
  }

  async function run(exporter: Record<string, unknown> = {}): Promise<RunningCollector> {
    const { config } = prepareConfigText(
      await cloudwatchTemplateConfig(exposition.address, exporter),
      'cloudwatch.yaml',
      env,
    );
    collector = await startCollector({ config, env, logger, shutdownTimeoutMs: 5_000 });
    return collector;
  }

  async function storedEvents(): Promise<{ timestamp: number; message: string }[]> {
    try {
      const answer = await logs.send(
        new GetLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: 'otel-stream', startFromHead: true }),
      );
      return (answer.events ?? []).map((event) => ({ timestamp: event.timestamp ?? 0, message: event.message ?? '' }));
    } catch {
      return [];
    }
  }

  beforeEach(async () => {
    exposition = await startExposition();
  });

  afterEach(async () => {
    await collector?.shutdown();
    collector = undefined;
    logs?.destroy();
    await server?.close();
    await exposition.close();
  });

  it('creates the log group and stream, and GetLogEvents returns valid EMF for the selected metric only', async () => {
    await startSandbox();
    const running = await run();
    const events = await eventually(storedEvents, (found) => found.length >= 2, 15_000);
    for (const event of events) {
      const document = validEmf(event.message, event.timestamp);
      expect(document._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'ContainerInsights/Prometheus',
          Dimensions: [['EKS_Cluster', 'EKS_Namespace', 'EKS_PodName']],
          // no Unit: a scraped metric has none, and awsemf writes a Unit only for a metric that has one
          Metrics: [{ Name: 'apiserver_request_total' }],
        },
      ]);
      expect(document).toMatchObject({
        EKS_Cluster: 'demo',
        EKS_Namespace: 'shop',
        EKS_PodName: 'web-1',
        job: 'kubernetes-pods',
        instance: exposition.address,
        code: '200',
        verb: 'GET',
        Version: '1',
      });
      // awsemf writes prom_metric_type only for resources marked receiver: prometheus (a resource processor)
      expect(document.prom_metric_type).toBeUndefined();
      // one scrape later the counter grew by 5: deltas, not the cumulative value
      expect(document.apiserver_request_total).toBe(5);
      expect(Object.keys(document)).not.toContain('memory_bytes');
      expect(Object.keys(document)).not.toContain('kubernetes_pod_name');
    }
    const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: LOG_GROUP }));
    expect(streams.logStreams?.map((stream) => stream.logStreamName)).toEqual(['otel-stream']);
    const operations = server.requests().map((request) => request.operation);
    expect(operations).toContain('CreateLogGroup');
    expect(operations).toContain('CreateLogStream');
    expect(running.metrics.value('otelcol_exporter_sent_log_records', { exporter: 'awsemf' })).toBeGreaterThanOrEqual(
      2,
    );
    expect(
      running.metrics.value('otelcol_processor_filter_datapoints_filtered', { filter: 'filter/include' }),
    ).toBeGreaterThan(0);
  });

  it('retries throttled calls until they go through', async () => {
    await startSandbox([{ service: 'logs', operation: 'PutLogEvents', status: 429, rate: 0.5 }]);
    const running = await run();
    await eventually(storedEvents, (found) => found.length >= 3, 15_000);
    const puts = server.requests().filter((request) => request.operation === 'PutLogEvents');
    expect(puts.some((request) => request.status === 400)).toBe(true);
    expect(
      running.metrics.value('otelcol_exporter_dropped_log_records', { exporter: 'awsemf', reason: 'permanent_error' }),
    ).toBe(0);
  });

  it('drops, counts and logs events a non-retryable error refuses, without retrying them', async () => {
    await startSandbox([{ service: 'logs', operation: 'PutLogEvents', status: 400, rate: 1 }]);
    const running = await run();
    await eventually(
      () =>
        running.metrics.value('otelcol_exporter_dropped_log_records', {
          exporter: 'awsemf',
          reason: 'permanent_error',
        }),
      (dropped) => dropped >= 2,
      15_000,
    );
    const puts = server.requests().filter((request) => request.operation === 'PutLogEvents').length;
    const dropped = running.metrics.value('otelcol_exporter_dropped_log_records', {
      exporter: 'awsemf',
      reason: 'permanent_error',
    });
    // one attempt per batch: every call failed and none was sent again
    expect(puts).toBeLessThanOrEqual(dropped + 1);
    expect(logger.lines.some((line) => line.includes('not retryable: InvalidParameterException'))).toBe(true);
  });

  it('counts events the service skips as too old (rejectedLogEventsInfo) as dropped', async () => {
    // this pod stamps its samples 15 days in the past
    await exposition.close();
    exposition = await startExposition((scrape) => Date.now() - 15 * 24 * 3600 * 1000 + scrape);
    await startSandbox();
    const running = await run();
    await eventually(
      () =>
        running.metrics.value('otelcol_exporter_dropped_log_records', {
          exporter: 'awsemf',
          reason: 'permanent_error',
        }),
      (dropped) => dropped >= 2,
      15_000,
    );
    expect(await storedEvents()).toEqual([]);
    expect(running.metrics.value('otelcol_exporter_sent_log_records', { exporter: 'awsemf' })).toBe(0);
    expect(logger.lines.some((line) => line.includes('rejectedLogEventsInfo {"tooOldLogEventEndIndex":0}'))).toBe(true);
  });
});
