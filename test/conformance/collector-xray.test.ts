import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector } from '../../src/collector/runtime/collector.js';
import { awsJson } from '../helpers/aws-cli.js';
import { startMotoServer, type MotoServer } from '../helpers/aws-moto.js';
import { startCollectorAwsSandbox, type CollectorAwsSandbox } from '../helpers/collector-aws.js';
import { framed, memoryLogger, segment, sendDatagrams } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src/sandbox/seed/identity.js';

const config = `
receivers:
  awsxray:
    endpoint: 127.0.0.1:0
    proxy_server: {endpoint: 127.0.0.1:0}
processors:
  batch/traces:
    timeout: 50ms
    send_batch_size: 50
exporters:
  awsxray:
    region: us-east-1
service:
  telemetry:
    metrics:
      level: none
  pipelines:
    traces:
      receivers: [awsxray]
      processors: [batch/traces]
      exporters: [awsxray]
`;

interface Summaries {
  TraceSummaries: { Id: string; Duration?: number }[];
}

/** Runs the collector against `endpoint`, sends segments, and returns their trace ids once all were sent. */
async function deliver(endpoint: string, count: number): Promise<string[]> {
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: SANDBOX_ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SANDBOX_SECRET_ACCESS_KEY,
  };
  const { config: prepared } = prepareConfigText(config, 'otel.yaml', env);
  const collector = await startCollector({ config: prepared, env, logger: memoryLogger() });
  const segments = Array.from({ length: count }, () => segment());
  try {
    await sendDatagrams(collector.receiverAddress('awsxray') ?? '', framed(segments));
    await eventually(
      () => collector.metrics.value('otelcol_exporter_sent_spans', { exporter: 'awsxray' }),
      (sent) => sent === count,
    );
  } finally {
    await collector.shutdown();
  }
  return segments.map((item) => item.trace_id as string);
}

function window(): string[] {
  const now = Math.floor(Date.now() / 1000);
  return ['--start-time', String(now - 600), '--end-time', String(now + 60)];
}

describe('collector conformance: the AWS CLI reads what the collector wrote', () => {
  let moto: MotoServer;
  let sandbox: CollectorAwsSandbox;

  beforeAll(async () => {
    [moto, sandbox] = await Promise.all([startMotoServer(), startCollectorAwsSandbox()]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([moto?.close(), sandbox?.close()]);
  });

  it("into moto_server's X-Ray: aws xray get-trace-summaries finds the traces", async () => {
    const traceIds = await deliver(moto.url, 60);
    const found = await awsJson<Summaries>(moto.url, ['xray', 'get-trace-summaries', ...window()]);
    const ids = found.TraceSummaries.map((summary) => summary.Id);
    for (const id of traceIds) expect(ids).toContain(id);
  });

  it("into the sandbox's X-Ray: aws xray get-trace-summaries and batch-get-traces find them", async () => {
    const [traceId] = await deliver(sandbox.server.url, 3);
    const found = await awsJson<Summaries>(sandbox.server.url, ['xray', 'get-trace-summaries', ...window()]);
    expect(found.TraceSummaries.map((summary) => summary.Id)).toContain(traceId);
    const traces = await awsJson<{ Traces: { Id: string; Segments: { Document: string }[] }[] }>(sandbox.server.url, [
      'xray',
      'batch-get-traces',
      '--trace-ids',
      traceId as string,
    ]);
    expect(traces.Traces[0]?.Id).toBe(traceId);
    expect(JSON.parse(traces.Traces[0]?.Segments[0]?.Document ?? '{}')).toMatchObject({
      trace_id: traceId,
      name: 'checkout',
    });
  });

  it('the sandbox answers a bad document in UnprocessedTraceSegments, as X-Ray does', async () => {
    const answer = await awsJson<{ UnprocessedTraceSegments: { Id?: string; ErrorCode: string }[] }>(
      sandbox.server.url,
      [
        'xray',
        'put-trace-segments',
        '--trace-segment-documents',
        JSON.stringify(segment()),
        JSON.stringify({ ...segment(), id: 'bad', name: 'x' }),
      ],
    );
    expect(answer.UnprocessedTraceSegments).toEqual([
      { Id: 'bad', ErrorCode: 'InvalidSegment', Message: expect.any(String) },
    ]);
  });
});
