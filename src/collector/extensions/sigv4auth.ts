/**
 * extension `sigv4auth`: signs outgoing requests with AWS Signature V4 (service aps for Amazon Managed Service
 * for Prometheus) through @smithy/signature-v4; credentials from the environment when exported there, else the
 * SDK's default chain (profile, IRSA web identity, container and instance roles).
 */
import { SettingsError, type Settings } from '../config/settings.js';
import { isAwsRegion } from '../../core/collector-config.js';
import { collectorAwsClientSettings } from '../aws/client-settings.js';
import type { ComponentContext, ExtensionInstance, HttpAuthenticator, OutgoingRequest } from '../model.js';

export interface SigV4Settings {
  region: string;
  service: string;
}

export function readSigV4Settings(settings: Settings): SigV4Settings {
  settings.allowOnly(['region', 'service', 'assume_role']);
  if (settings.has('assume_role')) {
    const role = settings.nested('assume_role').allowOnly(['arn', 'sts_region', 'session_name']);
    if (role.string('arn', '') !== '') {
      throw new SettingsError(
        role.at('arn'),
        'assuming a role is not supported by the bundled collector runtime',
        "Run with the role's credentials instead (AWS_PROFILE or exported keys)",
      );
    }
  }
  const region = settings.requiredString('region');
  if (!isAwsRegion(region)) throw new SettingsError(settings.at('region'), `"${region}" is not an AWS region`);
  return { region, service: settings.string('service', 'aps') };
}

export class SigV4AuthExtension implements ExtensionInstance, HttpAuthenticator {
  readonly authenticator: HttpAuthenticator = this;
  private signer: { sign(request: unknown): Promise<{ headers: Record<string, string> }> } | undefined;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: SigV4Settings,
  ) {}

  async start(): Promise<void> {
    const [{ SignatureV4 }, { Hash }] = await Promise.all([
      import('@smithy/signature-v4'),
      import('@smithy/hash-node'),
    ]);
    const fromEnv = collectorAwsClientSettings({
      serviceEnvName: 'AMP',
      region: this.settings.region,
      env: this.context.env,
    }).credentials;
    const credentials = fromEnv ?? (await import('@aws-sdk/credential-providers')).fromNodeProviderChain();
    this.signer = new SignatureV4({
      service: this.settings.service,
      region: this.settings.region,
      credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
  }

  async shutdown(): Promise<void> {}

  async authorize(request: OutgoingRequest): Promise<Record<string, string>> {
    if (this.signer === undefined) throw new Error(`extension ${this.context.id} is not started`);
    const { url } = request;
    const signed = await this.signer.sign({
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    });
    return signed.headers;
  }
}
