import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SelfMetrics } from './self-metrics.js';

export interface TelemetryServer {
  /** host:port it listens on */
  address: string;
  close(): Promise<void>;
}

/** Serves the collector's own metrics at /metrics (Prometheus text format). */
export async function startTelemetryServer(metrics: SelfMetrics, host: string, port: number): Promise<TelemetryServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' || path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: the collector serves /metrics\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(metrics.exposition());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    address: formatHostPort(address.address, address.port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
