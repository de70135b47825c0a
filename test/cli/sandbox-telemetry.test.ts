import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive, parseEnvFile } from '../../src/sandbox/process/files.js';
import { runCli } from '../helpers/cli.js';
import { framed, segment, sendDatagrams } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

const dir = mkdtempSync(join(tmpdir(), 'adot-sandbox-telemetry-cli-'));
const sandboxDir = join(dir, 'state');

afterAll(async () => {
  await runCli(['sandbox', 'stop', '--dir', sandboxDir]);
  rmSync(dir, { recursive: true, force: true });
});

interface StatusJson {
  pid: number;
  collectors: { name: string; namespace: string; listeners: { name: string; address: string; protocol?: string }[] }[];
}

/** The real AWS CLI, with nothing but the sandbox's env file (and no user configuration). */
function aws(env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      'aws',
      [...args, '--output', 'json'],
      {
        env: {
          PATH: process.env['PATH'] ?? '/usr/bin:/bin',
          HOME: dir,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_PAGER: '',
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') reject(error);
        else resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

describe('adot sandbox start, then install --target xray: segments reach the sandbox X-Ray (detached, real CLIs)', () => {
  it('start → install → status shows the listeners → a UDP segment → aws xray finds it → stop leaves nothing', async () => {
    const started = await runCli(['sandbox', 'start', '--dir', sandboxDir], { cwd: dir });
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('adot sandbox status');
    const env = parseEnvFile(readFileSync(join(sandboxDir, 'env'), 'utf8'));

    const install = await runCli(['install', '--target', 'xray', '--yes'], { env });
    expect(install.code, install.stderr).toBe(0);

    const text = await runCli(['sandbox', 'status', '--dir', sandboxDir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/observability-collector \(aws-otel-eks\): awsxray 127\.0\.0\.1:\d+\/udp/);
    const status = JSON.parse(
      (await runCli(['sandbox', 'status', '--dir', sandboxDir, '-o', 'json'])).stdout,
    ) as StatusJson;
    const xrayListener = status.collectors[0]?.listeners.find((listener) => listener.name === 'awsxray');
    expect(xrayListener?.protocol).toBe('udp');

    const sent = segment();
    await sendDatagrams(xrayListener?.address ?? '', framed([sent]));
    const now = Math.floor(Date.now() / 1000);
    const window = ['--start-time', String(now - 300), '--end-time', String(now + 60)];
    const ids = await eventually(
      async () => {
        const found = await aws(env, ['xray', 'get-trace-summaries', ...window]);
        expect(found.code, found.stderr).toBe(0);
        return (JSON.parse(found.stdout) as { TraceSummaries: { Id: string }[] }).TraceSummaries.map((s) => s.Id);
      },
      (found) => found.includes(sent.trace_id as string),
      30_000, // each look is an AWS CLI process
    );
    expect(ids).toContain(sent.trace_id);

    const stopped = await runCli(['sandbox', 'stop', '--dir', sandboxDir, '-o', 'json']);
    expect(stopped.code, stopped.stderr).toBe(0);
    // gone, or a zombie its parent has not reaped yet: stop waits for exactly that (a zombie serves nothing)
    expect(isProcessAlive(status.pid)).toBe(false);
    // the collector lived in the sandbox process: its UDP port is closed with it
    const [host, port] = (xrayListener?.address ?? '').split(':');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(Number(port), host, () => resolve());
    });
    socket.close();
    const log = readFileSync(join(sandboxDir, 'sandbox.log'), 'utf8');
    expect(log).toMatch(/collector aws-otel-eks\/observability \(pod [\w-]+\): collector started/);
    expect(log).toMatch(/collector aws-otel-eks\/observability \(pod [\w-]+\): collector stopped/);
  }, 60_000);
});
