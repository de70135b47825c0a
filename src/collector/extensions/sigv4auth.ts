/**
 * extension `sigv4auth`: signs outgoing requests with AWS Signature V4 through @smithy/signature-v4, as
 * opentelemetry-collector-contrib extension/sigv4authextension does: `region` and `service` from the configuration,
 * or inferred per request from the host it goes to (src/core/sigv4-inference.ts); credentials from the environment
 * when exported there, else the SDK's default chain (profile, IRSA web identity, container and instance roles); with
 * `assume_role.arn`, the session of that role, assumed through STS AssumeRole with those credentials (extension.go,
 * getCredsProviderFromConfig: stscreds.NewAssumeRoleProvider behind a credentials cache) in `sts_region`, which
 * defaults to `region` (config.go, Validate).
 */
import { SettingsError, type Settings } from '../config/settings.js';
import { isAwsRegion } from '../../core/collector-config.js';
import { inferSigV4Scope } from '../../core/sigv4-inference.js';
import { collectorAwsClientSettings } from '../aws/client-settings.js';
import { memoized, type CredentialProvider } from '../aws/credentials.js';
import type { ComponentContext, ExtensionInstance, HttpAuthenticator, OutgoingRequest } from '../model.js';
import { PermanentError } from '../runtime/queued-sender.js';

export interface AssumeRoleSettings {
  arn: string;
  sessionName?: string;
  stsRegion?: string;
}

export interface SigV4Settings {
  region?: string;
  service?: string;
  assumeRole?: AssumeRoleSettings;
}

export function readSigV4Settings(settings: Settings): SigV4Settings {
  settings.allowOnly(['region', 'service', 'assume_role']);
  const region = optional(settings.string('region'));
  if (region !== undefined && !isAwsRegion(region)) {
    throw new SettingsError(settings.at('region'), `"${region}" is not an AWS region`);
  }
  const service = optional(settings.string('service'));
  let assumeRole: AssumeRoleSettings | undefined;
  if (settings.has('assume_role')) {
    const role = settings.nested('assume_role').allowOnly(['arn', 'sts_region', 'session_name']);
    const arn = optional(role.string('arn'));
    const stsRegion = optional(role.string('sts_region')) ?? region;
    if (stsRegion !== undefined && !isAwsRegion(stsRegion)) {
      throw new SettingsError(role.at('sts_region'), `"${stsRegion}" is not an AWS region`);
    }
    if (arn !== undefined) {
      if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(arn)) {
        throw new SettingsError(
          role.at('arn'),
          `"${arn}" is not an IAM role ARN`,
          'e.g. arn:aws:iam::123456789012:role/amp-writer',
        );
      }
      if (stsRegion === undefined) {
        throw new SettingsError(role.at('sts_region'), 'is required to assume a role when region is not set');
      }
      const sessionName = optional(role.string('session_name'));
      assumeRole = { arn, stsRegion, ...(sessionName === undefined ? {} : { sessionName }) };
    }
  }
  return {
    ...(region === undefined ? {} : { region }),
    ...(service === undefined ? {} : { service }),
    ...(assumeRole === undefined ? {} : { assumeRole }),
  };
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

export class SigV4AuthExtension implements ExtensionInstance, HttpAuthenticator {
  readonly authenticator: HttpAuthenticator = this;
  private credentials: CredentialProvider | undefined;
  /** one signer per service and region a request needed */
  private readonly signers = new Map<
    string,
    { sign(request: unknown): Promise<{ headers: Record<string, string> }> }
  >();
  private signerClass: typeof import('@smithy/signature-v4').SignatureV4 | undefined;
  private hash: typeof import('@smithy/hash-node').Hash | undefined;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: SigV4Settings,
  ) {}

  async start(): Promise<void> {
    const [{ SignatureV4 }, { Hash }] = await Promise.all([
      import('@smithy/signature-v4'),
      import('@smithy/hash-node'),
    ]);
    this.signerClass = SignatureV4;
    this.hash = Hash;
    const base = collectorAwsClientSettings({
      serviceEnvName: 'AMP',
      region: this.settings.region ?? '',
      env: this.context.env,
      credentials: this.context.awsCredentials,
    }).credentials;
    const { assumeRole } = this.settings;
    this.credentials = assumeRole === undefined ? base : await this.assumedRoleCredentials(assumeRole, base);
  }

  /**
   * The role's session, cached until shortly before it expires (memoized). Assumed once here, as
   * sigv4auth's Validate (config.go) retrieves the credentials once, so that a role that cannot be assumed stops the start.
   */
  private async assumedRoleCredentials(
    role: AssumeRoleSettings,
    base: CredentialProvider,
  ): Promise<CredentialProvider> {
    const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
    const sts = collectorAwsClientSettings({
      serviceEnvName: 'STS',
      region: role.stsRegion ?? '',
      env: this.context.env,
    });
    const provider = memoized(
      fromTemporaryCredentials({
        params: {
          RoleArn: role.arn,
          // the AWS SDK for Go v2's default session name (credentials/stscreds/assume_role_provider.go)
          RoleSessionName: role.sessionName ?? `aws-go-sdk-${Date.now()}000000`,
        },
        masterCredentials: base,
        clientConfig: { region: sts.region, ...(sts.endpoint === undefined ? {} : { endpoint: sts.endpoint }) },
      }),
    );
    try {
      await provider();
    } catch (error) {
      throw new Error(
        `extension ${this.context.id}: could not assume role ${role.arn}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    return provider;
  }

  async shutdown(): Promise<void> {}

  async authorize(request: OutgoingRequest): Promise<Record<string, string>> {
    const { url } = request;
    const { service, region } = inferSigV4Scope(url.hostname, this.settings);
    if (service === undefined || region === undefined) {
      throw new PermanentError(
        `extension ${this.context.id}: cannot sign for ${url.host}: set region and service (they can be inferred only from AWS endpoint hosts)`,
      );
    }
    const signed = await this.signerFor(service, region).sign({
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

  private signerFor(service: string, region: string) {
    const key = `${service} ${region}`;
    let signer = this.signers.get(key);
    if (signer === undefined) {
      if (this.signerClass === undefined || this.hash === undefined || this.credentials === undefined) {
        throw new Error(`extension ${this.context.id} is not started`);
      }
      signer = new this.signerClass({
        service,
        region,
        credentials: this.credentials,
        sha256: this.hash.bind(null, 'sha256'),
      });
      this.signers.set(key, signer);
    }
    return signer;
  }
}
