import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollectorSupervisor, type CollectorResource } from '../../src/collector/supervisor.js';
import { startCollectorAwsSandbox, type CollectorAwsSandbox } from '../helpers/collector-aws.js';
import { framed, memoryLogger, segment, sendDatagrams } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

const xrayConfig = (region: string) => `receivers:
  awsxray:
    endpoint: 0.0.0.0:2000
    transport: udp
processors:
  batch/traces: {timeout: 50ms, send_batch_size: 50}
exporters:
  awsxray: {region: ${region}}
service:
  pipelines:
    traces: {receivers: [awsxray], processors: [batch/traces], exporters: [awsxray]}
`;

const resource = (name: string, config: string): CollectorResource => ({
  metadata: { name, namespace: 'aws-otel-eks', uid: name },
  spec: { mode: 'deployment', config },
});

describe('collector supervisor: one running collector per OpenTelemetryCollector resource', () => {
  let sandbox: CollectorAwsSandbox;
  let supervisor: CollectorSupervisor;
  const logger = memoryLogger();

  beforeAll(async () => {
    sandbox = await startCollectorAwsSandbox();
    supervisor = new CollectorSupervisor({ env: sandbox.env, logger, shutdownTimeoutMs: 2_000 });
  });
  afterAll(async () => {
    await supervisor?.close();
    await sandbox?.close();
  });

  it('runs two collectors that both ask for 0.0.0.0:2000, each delivering to X-Ray', async () => {
    await supervisor.reconcile([
      resource('observability', xrayConfig('us-east-1')),
      resource('second', xrayConfig('us-east-1')),
    ]);
    const first = supervisor.status('observability', 'aws-otel-eks');
    const second = supervisor.status('second', 'aws-otel-eks');
    expect(first).toMatchObject({ running: true, receivers: { awsxray: expect.stringMatching(/^127\.0\.0\.1:\d+$/) } });
    expect(second?.receivers.awsxray).not.toBe(first?.receivers.awsxray);
    await sendDatagrams(first?.receivers.awsxray ?? '', framed([segment()]));
    await sendDatagrams(second?.receivers.awsxray ?? '', framed([segment()]));
    await eventually(
      () => sandbox.xray.segmentCount(),
      (count) => count === 2,
    );
  });

  it('restarts a collector whose config changed, reports a bad one, and stops removed ones', async () => {
    await supervisor.reconcile([
      resource('observability', xrayConfig('eu-west-1')),
      resource('broken', xrayConfig('moon-1')),
    ]);
    expect(supervisor.status('second', 'aws-otel-eks')).toBeUndefined();
    expect(supervisor.status('observability', 'aws-otel-eks')?.running).toBe(true);
    const broken = supervisor.status('broken', 'aws-otel-eks');
    expect(broken?.running).toBe(false);
    expect(broken?.error).toContain('exporters.awsxray.region');
    await supervisor.reconcile([]);
    expect(supervisor.status('observability', 'aws-otel-eks')).toBeUndefined();
    expect(logger.lines.some((line) => line.includes('collector aws-otel-eks/observability: stopped'))).toBe(true);
  });
});
