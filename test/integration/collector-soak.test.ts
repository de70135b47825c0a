/**
 * Soak: `adot collector run` (a real process, from dist/) scrapes one hostile target at a time for a few seconds,
 * exporting with prometheusremotewrite to a sink, and its peak resident memory (VmHWM of /proc/PID/status, which the
 * kernel keeps for the whole life of the process) stays under a stated bound:
 * - a target whose every scrape fails with 50,000 series never seen before: half of them over sample_limit, the
 *   other half on a malformed last line, after every series was read: series seen during failed scrapes are let go
 *   (kept, the dozen such scrapes of a run would hold some 600,000 series);
 * - a target with 100,000 new series in every scrape: the previous scrape's series are released;
 * - a target whose exposition is one line of 500 MB: never read whole (lines are cut at 1 MiB and the scrape fails).
 * Each run prints its figures. Linux only (/proc).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localServers } from '../helpers/local-http.js';

const ADOT = resolve('bin/adot.js');
/**
 * What each target may cost the collector at its peak, in MiB of resident memory (an idle collector holds some
 * 60-70). Measured on Node 20 before these limits: failing 180, long-line 162, churn 167 (in the same few seconds;
 * those grow without end); after: about 90, 76 and 150.
 */
const BOUND_MIB = { failing: 140, churn: 224, 'long-line': 120 } as const;

let dir: string;
const servers = localServers();
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adot-soak-'));
});
afterEach(async () => {
  servers.close();
  await rm(dir, { recursive: true, force: true });
});

function statusField(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith(`${field}:`));
  return Number(/(\d+) kB/.exec(line ?? '')?.[1] ?? NaN) / 1024;
}

/**
 * Runs the collector against `target` for `seconds` and returns its peak and final resident memory (MiB), after
 * checking that it is still alive and stops cleanly on SIGTERM.
 */
async function soak(
  name: keyof typeof BOUND_MIB,
  target: string,
  scrape: { interval: string; limits?: string },
  seconds: number,
): Promise<{ peakMib: number; finalMib: number; stderr: string; ownMetrics: string }> {
  const backend = await servers.sink();
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    [
      'receivers:',
      '  prometheus:',
      '    config:',
      '      scrape_configs:',
      `        - job_name: ${name}`,
      `          scrape_interval: ${scrape.interval}`,
      `          scrape_timeout: ${scrape.interval}`,
      ...(scrape.limits === undefined ? [] : [`          ${scrape.limits}`]),
      `          static_configs: [{targets: ["${target}"]}]`,
      'exporters:',
      '  prometheusremotewrite:',
      `    endpoint: http://${backend.address}/api/v1/write`,
      'service:',
      '  telemetry: {metrics: {address: "127.0.0.1:0"}}',
      '  pipelines:',
      '    metrics: {receivers: [prometheus], exporters: [prometheusremotewrite]}',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [ADOT, 'collector', 'run', '--config', file, '--shutdown-timeout', '2s'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '' },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    await new Promise((done) => setTimeout(done, seconds * 1000));
    expect(child.exitCode, stderr).toBe(null);
    const peakMib = statusField(child.pid!, 'VmHWM');
    const finalMib = statusField(child.pid!, 'VmRSS');
    const ownMetricsUrl = /own metrics on (http:\/\/\S+)/.exec(stderr)?.[1];
    const ownMetrics = ownMetricsUrl === undefined ? '' : await (await fetch(ownMetricsUrl)).text();
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    console.log(
      `soak ${name}: peak RSS ${peakMib.toFixed(0)} MiB, at the end ${finalMib.toFixed(0)} MiB ` +
        `(bound ${BOUND_MIB[name]} MiB), ${seconds} s, ${backend.writes()} remote writes`,
    );
    return { peakMib, finalMib, stderr, ownMetrics };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

describe.runIf(process.platform === 'linux')('collector soak: hostile scrape targets, bounded memory', () => {
  it('a target whose scrapes fail with 50,000 new series each: nothing of them is kept', async () => {
    let scrapes = 0;
    const target = await servers.serve((_request, response) => {
      const scrape = scrapes++;
      // even scrapes: 50,000 series over a sample_limit of 60,000 with the 10,000 more; odd: a malformed last line
      const count = scrape % 2 === 0 ? 60_001 : 50_000;
      const lines = ['# TYPE soak_bad_series gauge'];
      for (let series = 0; series < count; series++) lines.push(`soak_bad_series{id="${scrape}-${series}"} 1`);
      if (scrape % 2 === 1) lines.push('soak_bad_series{id="broken" 1');
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`${lines.join('\n')}\n`);
    });
    const { peakMib, ownMetrics } = await soak(
      'failing',
      target,
      // 1 s, not less: under a loaded CI machine a 60,001-series scrape can outlast a 500 ms scrape_timeout and fail
      // as a timeout before sample_limit is reached, which is not the path this test is about
      { interval: '1s', limits: 'sample_limit: 60000' },
      12,
    );
    console.log(`soak failing: ${scrapes} scrapes of 50,000 to 60,000 new series, each failed`);
    expect(scrapes).toBeGreaterThanOrEqual(8);
    const count = (pattern: RegExp) => Number(pattern.exec(ownMetrics)?.[1] ?? 0);
    expect(count(/^otelcol_receiver_scrapes_exceeded_limit\{[^}]*limit="sample_limit"[^}]*\} (\d+)/m)).toBeGreaterThan(
      0,
    );
    expect(count(/^otelcol_receiver_failed_scrapes\{[^}]*\} (\d+)/m)).toBeGreaterThanOrEqual(scrapes - 1);
    expect(peakMib).toBeLessThan(BOUND_MIB.failing);
  }, 60_000);

  it('a target with 100,000 new series in every scrape: the previous scrape’s series are released', async () => {
    let scrapes = 0;
    const target = await servers.serve((_request, response) => {
      const scrape = scrapes++;
      const lines = ['# TYPE soak_churn gauge'];
      for (let series = 0; series < 100_000; series++) lines.push(`soak_churn{id="${scrape}-${series}"} ${series}`);
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`${lines.join('\n')}\n`);
    });
    const { peakMib } = await soak('churn', target, { interval: '1s' }, 8);
    console.log(`soak churn: ${scrapes} scrapes of 100,000 new series`);
    expect(scrapes).toBeGreaterThanOrEqual(4);
    expect(peakMib).toBeLessThan(BOUND_MIB.churn);
  }, 60_000);

  it('a target whose exposition is one 500 MB line: it is never read whole', async () => {
    let written = 0;
    let scrapes = 0;
    const piece = Buffer.alloc(1024 * 1024, 'a');
    const target = await servers.serve((_request, response) => {
      scrapes += 1;
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('soak_long_line{label="');
      let left = 500;
      const more = (): void => {
        while (left > 0 && !response.destroyed) {
          left -= 1;
          written += piece.length;
          if (!response.write(piece)) {
            response.once('drain', more);
            return;
          }
        }
        if (!response.destroyed) response.end('"} 1\n');
      };
      response.once('close', () => (left = 0));
      more();
    });
    const { peakMib, stderr } = await soak('long-line', target, { interval: '1s' }, 5);
    console.log(`soak long-line: ${scrapes} scrapes, ${(written / 1024 / 1024).toFixed(0)} MiB written by the target`);
    expect(scrapes).toBeGreaterThanOrEqual(3);
    // each scrape stopped reading long before the end of the line
    expect(written).toBeLessThan(scrapes * 100 * 1024 * 1024);
    expect(stderr).toMatch(/an exposition line is longer than 1048576 bytes/);
    expect(peakMib).toBeLessThan(BOUND_MIB['long-line']);
  }, 60_000);
});
