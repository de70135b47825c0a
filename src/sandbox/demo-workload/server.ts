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
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the demo workload serves /metrics\n');
      return;
    }
    const seconds = Math.max(0, (now() - started) / 1000);
    response
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      .end(demoWorkloadExposition(options.identity, seconds));
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
