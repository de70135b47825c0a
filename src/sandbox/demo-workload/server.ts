import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoWorkloadExposition, type DemoWorkloadIdentity } from './series.js';

export interface DemoWorkloadServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface DemoWorkloadServerOptions {
  /** loopback address to listen on */
  host: string;
  /** the namespace, pod and container its container metrics describe (the demo-workload preset's Pod) */
  identity: DemoWorkloadIdentity;
  /** milliseconds since the epoch (default Date.now) */
  now?: () => number;
  /** one line per request served, in the Combined Log Format (what the workload prints on standard output) */
  accessLog?: (line: string) => void;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Apache's Combined Log Format, `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`
 * (https://httpd.apache.org/docs/2.4/logs.html#combined), the time in UTC.
 */
export function combinedLogLine(entry: {
  remoteAddress: string;
  method: string;
  url: string;
  httpVersion: string;
  status: number;
  bytes: number;
  referer?: string;
  userAgent?: string;
  time: Date;
}): string {
  const t = entry.time;
  const pad = (value: number) => String(value).padStart(2, '0');
  const stamp = `${pad(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}:${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())} +0000`;
  const quoted = (value: string | undefined) =>
    value === undefined || value === '' ? '-' : value.replace(/"/g, '\\"');
  return (
    `${entry.remoteAddress} - - [${stamp}] "${entry.method} ${entry.url} HTTP/${entry.httpVersion}" ${entry.status} ` +
    `${entry.bytes === 0 ? '-' : entry.bytes} "${quoted(entry.referer)}" "${quoted(entry.userAgent)}"`
  );
}

/**
 * The process behind the demo-workload preset's Pod and Service: GET /metrics answers the demo series
 * (series.ts) in the Prometheus text format; anything else is 404. Listens on a free port of `host`.
 */
export async function startDemoWorkloadServer(options: DemoWorkloadServerOptions): Promise<DemoWorkloadServer> {
  const now = options.now ?? Date.now;
  const started = now();
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const answer = (status: number, contentType: string, body: string) => {
      response.writeHead(status, { 'content-type': contentType }).end(body);
      options.accessLog?.(
        combinedLogLine({
          remoteAddress: request.socket.remoteAddress ?? '-',
          method: request.method ?? '-',
          url: request.url ?? '/',
          httpVersion: request.httpVersion,
          status,
          bytes: Buffer.byteLength(body),
          ...(request.headers.referer === undefined ? {} : { referer: request.headers.referer }),
          ...(request.headers['user-agent'] === undefined ? {} : { userAgent: request.headers['user-agent'] }),
          time: new Date(now()),
        }),
      );
    };
    if (request.method !== 'GET' || path !== '/metrics') {
      answer(404, 'text/plain', 'Not found: the demo workload serves /metrics\n');
      return;
    }
    const seconds = Math.max(0, (now() - started) / 1000);
    answer(200, 'text/plain; version=0.0.4; charset=utf-8', demoWorkloadExposition(options.identity, seconds));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: options.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
