/**
 * The awsxray receiver's `proxy_server`: a TCP HTTP server (default 0.0.0.0:2000) that relays what X-Ray SDKs send
 * to the daemon address over TCP (GetSamplingRules as POST /GetSamplingRules, GetSamplingTargets as
 * POST /SamplingTargets, or any other X-Ray call) to X-Ray, signed with SigV4 for service xray, as
 * opentelemetry-collector-contrib internal/aws/proxy does (server.go: a reverse proxy that drops the Connection
 * header, points the request at the X-Ray endpoint and signs it; conn.go: the region from `region`, else
 * AWS_DEFAULT_REGION, else AWS_REGION, else instance metadata unless `local_mode`; credentials of `role_arn` when
 * set; `aws_endpoint` instead of the region's endpoint). The answer, status and body, goes back to the SDK as X-Ray
 * gave it.
 *
 * Differences: no instance or ECS metadata here, so without a region from the configuration or the environment the
 * proxy still listens but answers every call 502 with the reason (upstream refuses to start the receiver);
 * `proxy_address` and TLS settings other than `tls.insecure` are refused.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseEndpoint, SettingsError, type Settings } from '../config/settings.js';
import { isAwsRegion } from '../../core/collector-config.js';
import { collectorAwsClientSettings } from '../aws/client-settings.js';
import { SigV4AuthExtension } from '../extensions/sigv4auth.js';
import type { ComponentContext } from '../model.js';
import { formatHostPort } from '../telemetry/server.js';

export interface XRayProxySettings {
  host: string;
  port: number;
  region?: string;
  roleArn?: string;
  awsEndpoint?: string;
  localMode: boolean;
}

export function readXRayProxySettings(settings: Settings): XRayProxySettings {
  settings.allowOnly([
    'endpoint',
    'proxy_address',
    'tls',
    'region',
    'role_arn',
    'aws_endpoint',
    'local_mode',
    'imds_retries',
  ]);
  const proxyAddress = settings.string('proxy_address', '');
  if (proxyAddress !== '') {
    throw new SettingsError(
      settings.at('proxy_address'),
      'relaying through another proxy is not supported by the bundled collector runtime',
    );
  }
  settings.nested('tls').allowOnly(['insecure']);
  const region = settings.string('region', '');
  if (region !== '' && !isAwsRegion(region))
    throw new SettingsError(settings.at('region'), `"${region}" is not an AWS region`);
  const roleArn = settings.string('role_arn', '');
  if (roleArn !== '' && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(roleArn)) {
    throw new SettingsError(settings.at('role_arn'), `"${roleArn}" is not an IAM role ARN`);
  }
  const awsEndpoint = settings.string('aws_endpoint', '');
  if (awsEndpoint !== '') {
    try {
      new URL(awsEndpoint);
    } catch {
      throw new SettingsError(settings.at('aws_endpoint'), `"${awsEndpoint}" is not a URL`);
    }
  }
  settings.integer('imds_retries', 1, 0);
  return {
    ...parseEndpoint(settings.string('endpoint', '0.0.0.0:2000'), settings.at('endpoint')),
    ...(region === '' ? {} : { region }),
    ...(roleArn === '' ? {} : { roleArn }),
    ...(awsEndpoint === '' ? {} : { awsEndpoint }),
    localMode: settings.boolean('local_mode', false),
  };
}

/** Headers that belong to one connection (RFC 9110 section 7.6.1) and are never relayed. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
]);

export class XRayProxyServer {
  private server: Server | undefined;
  private bound: string | undefined;
  private signer: SigV4AuthExtension | undefined;
  private target: URL | undefined;
  private problem: string | undefined;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: XRayProxySettings,
  ) {}

  async start(): Promise<void> {
    const { env } = this.context;
    const region = this.settings.region ?? (env['AWS_DEFAULT_REGION'] || env['AWS_REGION'] || undefined);
    if (region === undefined) {
      this.problem = this.settings.localMode
        ? 'region not specified and local mode enabled; cannot fetch from metadata services'
        : 'could not fetch region from the configuration (proxy_server.region) or the environment (AWS_DEFAULT_REGION, AWS_REGION)';
      this.context.logger.warn(`receiver ${this.context.id}: proxy_server: ${this.problem}; X-Ray calls will fail`);
    } else {
      const endpoint = collectorAwsClientSettings({
        serviceEnvName: 'XRAY',
        region,
        ...(this.settings.awsEndpoint === undefined ? {} : { endpoint: this.settings.awsEndpoint }),
        env,
      }).endpoint;
      this.target = new URL(endpoint ?? `https://xray.${region}.amazonaws.com`);
      this.signer = new SigV4AuthExtension(this.context, {
        region,
        service: 'xray',
        ...(this.settings.roleArn === undefined
          ? {}
          : { assumeRole: { arn: this.settings.roleArn, stsRegion: region } }),
      });
      await this.signer.start();
    }
    const server = createServer((request, response) => {
      this.relay(request, response).catch((error: unknown) => {
        this.answer(response, 502, `the X-Ray proxy could not relay the call: ${(error as Error).message}`);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.settings.port, this.settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address !== null && typeof address === 'object') this.bound = formatHostPort(address.address, address.port);
    this.server = server;
    this.context.logger.info(`receiver ${this.context.id}: X-Ray proxy listening on tcp ${this.bound ?? ''}`);
  }

  address(): string | undefined {
    return this.bound;
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async relay(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (this.signer === undefined || this.target === undefined) {
      this.answer(response, 502, this.problem ?? 'the X-Ray proxy is not started');
      return;
    }
    const url = new URL(request.url ?? '/', this.target);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('x-amz-') || name === 'authorization')
        continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const signed = await this.signer.authorize({ method: request.method ?? 'POST', url, headers, body });
    const { host: _host, ...sent } = signed;
    const answer = await fetch(url, {
      method: request.method ?? 'POST',
      headers: sent,
      ...(body.length === 0 ? {} : { body }),
    });
    const payload = Buffer.from(await answer.arrayBuffer());
    const relayed: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') relayed[name] = value;
    });
    response.writeHead(answer.status, { ...relayed, 'content-length': String(payload.length) }).end(payload);
  }

  private answer(response: ServerResponse, status: number, message: string): void {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const body = JSON.stringify({ message });
    response
      .writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) })
      .end(body);
  }
}
