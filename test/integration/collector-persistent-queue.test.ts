/**
 * A persistent sending queue across a kill: `adot collector run` (a real process, from dist/) scrapes a target whose
 * samples carry their own timestamps and exports them with otlphttp through `sending_queue.storage: file_storage`
 * while the backend refuses everything (503); it is killed with SIGKILL, started again with the backend up, and
 * every sample arrives exactly once by series and timestamp. Then the shutdown account: SIGTERM with the backend
 * down and no storage drops and says so (exit 1); with storage it keeps and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadOtlpCodec } from '../../src/collector/receivers/otlp/codec.js';
import { eventually } from '../helpers/eventually.js';

const ADOT = resolve('bin/adot.js');
const PAGES = 6;
const SERIES_PER_PAGE = 40;
const BASE_MS = Date.UTC(2026, 0, 1);

interface Running {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

function startCollector(configFile: string): Running {
  const child = spawn(
    process.execPath,
    [ADOT, 'collector', 'run', '--config', configFile, '--shutdown-timeout', '1s'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '' },
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, stderr: () => stderr, exited };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The k-th page: SERIES_PER_PAGE counters, each with the page's own timestamp (honour_timestamps). */
function page(k: number): string {
  const lines = ['# TYPE restart_test_total counter'];
  for (let series = 0; series < SERIES_PER_PAGE; series++) {
    lines.push(`restart_test_total{series="${series}"} ${k} ${BASE_MS + k * 1000}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('collector: persistent sending queue (file_storage) across kill -9', () => {
  let dir: string;
  const servers: Server[] = [];
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adot-persistent-queue-'));
  });
  afterEach(async () => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  /** A target that serves PAGES pages, then fails every scrape (503). */
  async function target(): Promise<{ address: string; served: () => number }> {
    let served = 0;
    const server = createServer((_request, response) => {
      const k = served++;
      if (k < PAGES) response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(page(k));
      else response.writeHead(503).end();
    });
    servers.push(server);
    return { address: await listen(server), served: () => served };
  }

  /** An OTLP/HTTP metrics backend: refuses with 503 while down, else decodes and keeps every data point. */
  async function backend(): Promise<{ address: string; up: () => void; points: string[] }> {
    const codec = await loadOtlpCodec();
    const state = { down: true };
    const points: string[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (state.down) {
          response.writeHead(503).end('backend down');
          return;
        }
        const decoded = codec.decodeMetrics(Buffer.concat(chunks), 'protobuf');
        for (const resource of decoded.resourceMetrics) {
          for (const scope of resource.scopeMetrics) {
            for (const metric of scope.metrics) {
              if (metric.name !== 'restart_test_total') continue;
              for (const point of metric.sum?.dataPoints ?? []) {
                const series = point.attributes.find((attribute) => attribute.key === 'series')?.value?.stringValue;
                points.push(`${series}@${BigInt(point.timeUnixNano ?? '0') / 1_000_000n}`);
              }
            }
          }
        }
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    servers.push(server);
    return { address: await listen(server), up: () => (state.down = false), points };
  }

  async function config(targetAddress: string, backendAddress: string, storage: boolean): Promise<string> {
    const file = join(dir, storage ? 'otel-storage.yaml' : 'otel-memory.yaml');
    await writeFile(
      file,
      [
        'receivers:',
        '  prometheus:',
        '    config:',
        '      scrape_configs:',
        '        - job_name: restart',
        '          scrape_interval: 100ms',
        `          static_configs: [{targets: ["${targetAddress}"]}]`,
        'exporters:',
        '  otlphttp:',
        `    metrics_endpoint: http://${backendAddress}/v1/metrics`,
        '    compression: none',
        `    sending_queue: {num_consumers: 1${storage ? ', storage: file_storage' : ''}}`,
        '    retry_on_failure: {initial_interval: 50ms, max_interval: 100ms, max_elapsed_time: 0}',
        ...(storage
          ? ['extensions:', `  file_storage: {directory: "${join(dir, 'queue')}", create_directory: true}`]
          : []),
        'service:',
        '  telemetry: {metrics: {address: "127.0.0.1:0"}}',
        ...(storage ? ['  extensions: [file_storage]'] : []),
        '  pipelines:',
        '    metrics: {receivers: [prometheus], exporters: [otlphttp]}',
      ].join('\n'),
    );
    return file;
  }

  function expected(): string[] {
    const all: string[] = [];
    for (let k = 0; k < PAGES; k++) {
      for (let series = 0; series < SERIES_PER_PAGE; series++) all.push(`${series}@${BASE_MS + k * 1000}`);
    }
    return all.sort();
  }

  it('keeps unsent requests across a kill and delivers every sample exactly once after the restart', async () => {
    const scraped = await target();
    const remote = await backend();
    const file = await config(scraped.address, remote.address, true);

    const first = startCollector(file);
    children.push(first.child);
    // two failed scrapes after the last page: every page was consumed and written to the queue by then
    await eventually(scraped.served, (served) => served >= PAGES + 2, 20_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    expect(remote.points).toEqual([]);
    const queueDirectory = join(dir, 'queue', 'exporter_otlphttp__metrics');
    const kept = (await readdir(queueDirectory)).filter((name) => name.endsWith('.req')).length;
    expect(kept).toBeGreaterThan(0);

    remote.up();
    const restartedAt = Date.now();
    const second = startCollector(file);
    children.push(second.child);
    await eventually(
      () => remote.points.length,
      (count) => count >= PAGES * SERIES_PER_PAGE,
      20_000,
    );
    console.log(
      `restart: ${kept} request file(s) kept across SIGKILL; all ${PAGES * SERIES_PER_PAGE} points delivered ` +
        `${Date.now() - restartedAt} ms after the restart (start-up included), each exactly once`,
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.stderr()).toMatch(/request\(s\) \(\d+ metric_points\) left in .* by a previous run are sent first/);
    expect(second.stderr()).toContain('collector stopped: nothing dropped');
    // exactly once: no point twice, none missing
    expect([...remote.points].sort()).toEqual(expected());
    expect((await readdir(queueDirectory)).filter((name) => name.endsWith('.req'))).toEqual([]);
  }, 60_000);

  it('on SIGTERM with the backend down: without storage it drops, logs by pipeline and reason, exits 1', async () => {
    const scraped = await target();
    const remote = await backend();
    const running = startCollector(await config(scraped.address, remote.address, false));
    children.push(running.child);
    await eventually(scraped.served, (served) => served >= 3, 20_000);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(1);
    const stderr = running.stderr();
    expect(stderr).toMatch(/dropped \d+ metric_points \(pipeline metrics, exporter otlphttp\): shutdown/);
    expect(stderr).toMatch(/The collector dropped \d+ item\(s\) \(metric_points\) before it stopped/);
    expect(stderr).not.toContain('    at ');
  }, 60_000);

  it('on SIGTERM with the backend down: with storage it keeps what it could not send and exits 0', async () => {
    const scraped = await target();
    const remote = await backend();
    const running = startCollector(await config(scraped.address, remote.address, true));
    children.push(running.child);
    await eventually(scraped.served, (served) => served >= 3, 20_000);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.stderr()).toMatch(/kept \d+ request\(s\) \(\d+ metric_points\) in .* for the next start/);
    expect(running.stderr()).toContain('collector stopped: nothing dropped');
  }, 60_000);
});
