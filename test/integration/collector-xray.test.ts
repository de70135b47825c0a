import { BatchGetTracesCommand, GetTraceSummariesCommand, XRayClient } from '@aws-sdk/client-xray';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import { startCollectorAwsSandbox, type CollectorAwsSandbox } from '../helpers/collector-aws.js';
import { framed, memoryLogger, segment, sendDatagrams } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

function config(extra: { batchTimeout?: string; fileExporter?: string } = {}): string {
  return `
receivers:
  awsxray:
    endpoint: 127.0.0.1:0
    transport: udp
    proxy_server: {endpoint: 127.0.0.1:0}
processors:
  batch/traces:
    timeout: ${extra.batchTimeout ?? '100ms'}
    send_batch_size: 50
exporters:
  awsxray:
    region: us-east-1
    retry_on_failure:
      initial_interval: 20ms
      max_interval: 100ms
${extra.fileExporter === undefined ? '' : `  file:\n    path: ${extra.fileExporter}\n`}
service:
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    traces:
      receivers: [awsxray]
      processors: [batch/traces]
      exporters: [awsxray]
${extra.fileExporter === undefined ? '' : `    traces/file:\n      receivers: [awsxray]\n      exporters: [file]\n`}`;
}

describe('collector: UDP segments -> awsxray exporter -> sandbox X-Ray', () => {
  let sandbox: CollectorAwsSandbox;
  let collector: RunningCollector | undefined;
  let xray: XRayClient;
  let dir: string;
  const logger = memoryLogger();

  beforeEach(async () => {
    sandbox = await startCollectorAwsSandbox({});
    xray = new XRayClient({ ...sandbox.clientConfig, maxAttempts: 1 });
    dir = await mkdtemp(join(tmpdir(), 'adot-collector-'));
  });

  afterEach(async () => {
    await collector?.shutdown();
    collector = undefined;
    xray.destroy();
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(text: string): Promise<RunningCollector> {
    const { config: prepared } = prepareConfigText(text, 'otel.yaml', sandbox.env);
    collector = await startCollector({ config: prepared, env: sandbox.env, logger, shutdownTimeoutMs: 5_000 });
    return collector;
  }

  it('delivers every segment, and GetTraceSummaries / BatchGetTraces find them through the real SDK', async () => {
    const running = await start(config());
    const root = segment({ name: 'frontend' });
    const child = segment({ name: 'backend', trace_id: root.trace_id, parent_id: root.id });
    const others = Array.from({ length: 120 }, () => segment());
    await sendDatagrams(running.receiverAddress('awsxray') ?? '', framed([root, child, ...others]));

    await eventually(
      () => sandbox.xray.segmentCount(),
      (count) => count === 122,
    );
    const now = new Date();
    const summaries = await xray.send(
      new GetTraceSummariesCommand({
        StartTime: new Date(now.getTime() - 300_000),
        EndTime: new Date(now.getTime() + 60_000),
      }),
    );
    const summary = summaries.TraceSummaries?.find((item) => item.Id === root.trace_id);
    expect(summary?.EntryPoint?.Name).toBe('frontend');
    expect(summary?.Http?.HttpStatus).toBe(200);
    const traces = await xray.send(new BatchGetTracesCommand({ TraceIds: [root.trace_id as string] }));
    const documents = traces.Traces?.[0]?.Segments?.map(
      (item) => JSON.parse(item.Document ?? '{}') as { name: string },
    );
    expect(documents?.map((item) => item.name).sort()).toEqual(['backend', 'frontend']);

    // no call carried more than 50 documents, and the counts add up
    const puts = sandbox.server.requests().filter((request) => request.operation === 'PutTraceSegments');
    expect(puts.length).toBeGreaterThanOrEqual(3);
    expect(puts.every((request) => request.status === 200)).toBe(true);
    const metrics = await (await fetch(`http://${running.telemetryAddress}/metrics`)).text();
    expect(metrics).toContain('otelcol_receiver_accepted_spans{receiver="awsxray",transport="udp"} 122');
    expect(metrics).toContain('otelcol_exporter_sent_spans{exporter="awsxray"} 122');
  });

  it('drops and counts malformed datagrams, and a receiver shared by two pipelines feeds both', async () => {
    const file = join(dir, 'traces.jsonl');
    const running = await start(config({ fileExporter: file }));
    const good = [segment(), segment()];
    const bad = [Buffer.from('not a datagram'), Buffer.from('{"format":"json","version":1}\n{"name":"x"}')];
    await sendDatagrams(running.receiverAddress('awsxray') ?? '', [...framed(good), ...bad]);
    await eventually(
      () => sandbox.xray.segmentCount(),
      (count) => count === 2,
    );
    expect(running.metrics.value('otelcol_receiver_refused_spans', { receiver: 'awsxray', transport: 'udp' })).toBe(2);
    expect(logger.lines.some((line) => line.includes('dropped a malformed datagram'))).toBe(true);
    await running.shutdown();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id).sort()).toEqual(
      good.map((item) => item.id).sort(),
    );
  });

  it('flushes held batches on shutdown', async () => {
    const running = await start(config({ batchTimeout: '1h' }));
    await sendDatagrams(running.receiverAddress('awsxray') ?? '', framed([segment(), segment(), segment()]));
    await eventually(
      () => running.metrics.value('otelcol_receiver_accepted_spans', { receiver: 'awsxray', transport: 'udp' }),
      (count) => count === 3,
    );
    expect(sandbox.xray.segmentCount()).toBe(0);
    await running.shutdown();
    expect(sandbox.xray.segmentCount()).toBe(3);
  });
});

describe('collector: X-Ray faults', () => {
  it('retries throttling and 5xx answers until every segment is delivered', async () => {
    const sandbox = await startCollectorAwsSandbox({
      faults: [{ service: 'xray', operation: 'PutTraceSegments', status: 500, rate: 0.5 }],
    });
    const { config: prepared } = prepareConfigText(config(), 'otel.yaml', sandbox.env);
    const running = await startCollector({
      config: prepared,
      env: sandbox.env,
      logger: memoryLogger(),
      shutdownTimeoutMs: 5_000,
    });
    try {
      await sendDatagrams(
        running.receiverAddress('awsxray') ?? '',
        framed(Array.from({ length: 200 }, () => segment())),
      );
      await eventually(
        () => sandbox.xray.segmentCount(),
        (count) => count === 200,
        20_000,
      );
      const statuses = sandbox.server.requests().map((request) => request.status);
      expect(statuses).toContain(500);
      expect(
        running.metrics.value('otelcol_exporter_dropped_spans', { exporter: 'awsxray', reason: 'retries_exhausted' }),
      ).toBe(0);
    } finally {
      await running.shutdown();
      await sandbox.close();
    }
  });
});
