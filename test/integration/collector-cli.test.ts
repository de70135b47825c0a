import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startCollectorAwsSandbox, type CollectorAwsSandbox } from '../helpers/collector-aws.js';
import { framed, segment, sendDatagrams } from '../helpers/collector-segments.js';

describe('adot collector run', () => {
  let dir: string;
  let sandbox: CollectorAwsSandbox;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adot-collector-cli-'));
    sandbox = await startCollectorAwsSandbox();
  });
  afterEach(async () => {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an invalid configuration with exit 2 and the path of the bad key', async () => {
    const file = join(dir, 'otel.yaml');
    await writeFile(
      file,
      'receivers:\n  awsxray: {}\nexporters:\n  awsxray:\n    region: moon-1\nservice:\n  pipelines:\n    traces:\n      receivers: [awsxray]\n      exporters: [awsxray]\n',
    );
    const result = await runCli(['collector', 'run', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('exporters.awsxray.region');
    expect(result.stderr).not.toContain('    at ');
  });

  it('needs --config or --target (exit 2), and not both', async () => {
    expect((await runCli(['collector', 'run'])).code).toBe(2);
    const both = await runCli(['collector', 'run', '--config', 'x.yaml', '--target', 'xray']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--config and --target cannot be used together');
  });

  it('runs until interrupted, delivering what it received, then exits 0', async () => {
    const file = join(dir, 'otel.yaml');
    const port = await freeUdpPort();
    await writeFile(
      file,
      [
        'receivers:',
        '  awsxray:',
        '    endpoint: ${env:XRAY_LISTEN}',
        '    proxy_server: {endpoint: "127.0.0.1:0"}',
        'processors:',
        '  batch: {timeout: 1h}',
        'exporters:',
        '  awsxray: {region: us-east-1}',
        'service:',
        '  telemetry: {metrics: {address: "127.0.0.1:0"}}',
        '  pipelines:',
        '    traces: {receivers: [awsxray], processors: [batch], exporters: [awsxray]}',
      ].join('\n'),
    );
    const controller = new AbortController();
    const running = runCli(['collector', 'run', '--config', file], {
      env: { ...sandbox.env, XRAY_LISTEN: `127.0.0.1:${port}` },
      signal: controller.signal,
    });
    const segments = [segment(), segment()];
    // the receiver's start is not observable from outside: send the same two segments a few times (X-Ray keeps
    // one copy per segment id), all while the batch (timeout 1h) holds them until the interruption flushes it
    for (let round = 0; round < 8; round++) {
      await sendDatagrams(`127.0.0.1:${port}`, framed(segments));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sandbox.xray.segmentCount()).toBe(0);
    controller.abort();
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('collector stopped');
    expect(sandbox.xray.segmentCount()).toBe(2);
  });
});

async function freeUdpPort(): Promise<number> {
  const { createSocket } = await import('node:dgram');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}
