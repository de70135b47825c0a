/**
 * extension `health_check` (opentelemetry-collector-contrib extension/healthcheckextension, the v1 extension the
 * ADOT collector ships): an HTTP server on `endpoint` (default localhost:13133) answering GET `path` (default "/")
 * with 200 `{"status":"Server available","upSince":…,"uptime":…}` once every pipeline runs, and 503
 * `{"status":"Server not available",…}` before that and from the moment the collector starts shutting down; with
 * `response_body` the configured `healthy` / `unhealthy` texts instead. Other paths answer 404.
 * `check_collector_pipeline` (deprecated upstream, it never worked reliably) is accepted only disabled.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseEndpoint, SettingsError, type Settings } from '../config/settings.js';
import type { ComponentContext, ExtensionInstance } from '../model.js';
import { formatHostPort } from '../telemetry/server.js';

export interface HealthCheckSettings {
  host: string;
  port: number;
  path: string;
  responseBody?: { healthy: string; unhealthy: string };
}

export function readHealthCheckSettings(settings: Settings): HealthCheckSettings {
  settings.allowOnly([
    'endpoint',
    'path',
    'response_body',
    'check_collector_pipeline',
    'tls',
    'cors',
    'auth',
    'max_request_body_size',
    'include_metadata',
    'response_headers',
  ]);
  for (const key of ['tls', 'cors', 'auth']) {
    if (settings.has(key))
      throw new SettingsError(settings.at(key), `"${key}" is not supported by the bundled collector runtime`);
  }
  const endpoint = settings.string('endpoint', 'localhost:13133');
  if (endpoint === '') throw new SettingsError(settings.at('endpoint'), 'bad config: endpoint must be specified');
  const { host, port } = parseEndpoint(endpoint, settings.at('endpoint'));
  const path = settings.string('path', '/');
  if (!path.startsWith('/')) throw new SettingsError(settings.at('path'), 'bad config: path must start with /');
  const pipeline = settings
    .nested('check_collector_pipeline')
    .allowOnly(['enabled', 'interval', 'exporter_failure_threshold']);
  if (pipeline.boolean('enabled', false)) {
    throw new SettingsError(
      pipeline.at('enabled'),
      'check_collector_pipeline is not supported by the bundled collector runtime (deprecated upstream)',
    );
  }
  const body = settings.has('response_body')
    ? settings.nested('response_body').allowOnly(['healthy', 'unhealthy'])
    : undefined;
  return {
    host: host === 'localhost' ? '127.0.0.1' : host,
    port,
    path,
    ...(body === undefined
      ? {}
      : { responseBody: { healthy: body.string('healthy', ''), unhealthy: body.string('unhealthy', '') } }),
  };
}

/** Go's fmt %v of a time.Duration (1.5s, 2m3.25s, 1h0m0s, 350ms …), as the extension reports uptime. */
export function goDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${Number(ms.toFixed(6))}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = Number(((ms % 60_000) / 1000).toFixed(9));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

export class HealthCheckExtension implements ExtensionInstance {
  private server: Server | undefined;
  private bound: string | undefined;
  private upSince: Date | undefined;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: HealthCheckSettings,
  ) {}

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      // Go's ServeMux: "/" matches every path, any other pattern only itself
      if (this.settings.path !== '/' && path !== this.settings.path) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
        return;
      }
      const healthy = this.upSince !== undefined;
      const custom = this.settings.responseBody;
      if (custom !== undefined) {
        response.writeHead(healthy ? 200 : 503).end(healthy ? custom.healthy : custom.unhealthy);
        return;
      }
      const body = healthy
        ? {
            status: 'Server available',
            upSince: this.upSince?.toISOString(),
            uptime: goDuration(Date.now() - (this.upSince?.getTime() ?? 0)),
          }
        : { status: 'Server not available', upSince: '0001-01-01T00:00:00Z', uptime: '' };
      response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.settings.port, this.settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.server = server;
    this.bound = formatHostPort(address.address, address.port);
    this.context.logger.info(`extension ${this.context.id} listening on http://${this.bound}${this.settings.path}`);
  }

  address(): string | undefined {
    return this.bound;
  }

  ready(): void {
    this.upSince ??= new Date();
  }

  notReady(): void {
    this.upSince = undefined;
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
