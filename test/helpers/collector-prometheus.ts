import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';

export interface PrometheusServer {
  url: string;
  /** instant query through the HTTP API */
  query(expression: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** the active targets' labels (when scrape_configs were given) */
  targets(): Promise<{ labels: Record<string, string>; discoveredLabels: Record<string, string> }[]>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts Debian's /usr/bin/prometheus on a loopback port with a throw-away TSDB and the remote-write receiver on
 * (`/api/v1/write`); `configYaml` is its prometheus.yml. close() ends that process and removes its directory.
 */
export async function startPrometheus(
  configYaml = 'global: {scrape_interval: 15s}\n',
  deadlineMs = 20_000,
): Promise<PrometheusServer> {
  const dir = await mkdtemp(join(tmpdir(), 'adot-prometheus-'));
  await writeFile(join(dir, 'prometheus.yml'), configYaml);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`prometheus exited with ${code}: ${stderr}`)));
  });
  exited.catch(() => undefined);
  const url = `http://127.0.0.1:${port}`;
  const answered = eventually(
    () => fetch(`${url}/-/ready`).then((response) => response.ok),
    (ok) => ok,
    deadlineMs,
  );
  // a server that exits while starting fails at once, not at the deadline
  await Promise.race([answered, exited]).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`prometheus was not ready within ${deadlineMs} ms: ${stderr}; ${String(error)}`);
  });
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`);
    const body = (await response.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`prometheus ${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  return {
    url,
    query: async (expression) =>
      (
        await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `/api/v1/query?query=${encodeURIComponent(expression)}`,
        )
      ).result,
    targets: async () =>
      (
        await api<{ activeTargets: { labels: Record<string, string>; discoveredLabels: Record<string, string> }[] }>(
          '/api/v1/targets',
        )
      ).activeTargets,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await gone;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface DemoApp {
  /** host:port */
  address: string;
  requests(): number;
  close(): Promise<void>;
}

/** An app exposing http_requests_total (incremented by its own traffic) and a histogram, as /metrics. */
export async function startDemoApp(): Promise<DemoApp> {
  let count = 0;
  const timer = setInterval(() => (count += 3), 100);
  const server: Server = createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    count += 1;
    response
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      .end(
        [
          '# HELP http_requests_total Requests served.',
          '# TYPE http_requests_total counter',
          `http_requests_total{method="GET",code="200"} ${count}`,
          `http_requests_total{method="POST",code="500"} ${Math.floor(count / 10)}`,
          '# TYPE request_seconds histogram',
          `request_seconds_bucket{le="0.1"} ${count}`,
          `request_seconds_bucket{le="+Inf"} ${count + 2}`,
          `request_seconds_sum ${count * 0.05}`,
          `request_seconds_count ${count + 2}`,
          '',
        ].join('\n'),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
