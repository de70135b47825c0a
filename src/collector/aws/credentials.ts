/**
 * Where a collector's AWS credentials come from: its OWN environment (the `env` it was started with), in the order
 * of the AWS SDKs' default credential provider chain
 * (https://docs.aws.amazon.com/sdkref/latest/guide/standardized-credentials.html): access keys in the environment,
 * then web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE: IRSA), then container credentials
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: EKS Pod
 * Identity). The SDK's own providers do the work (fromTokenFile, fromHttp), given their parameters explicitly, because
 * the sandbox runs many collectors in one process and process.env is nobody's pod. What comes after those three in the
 * SDK's chain (profiles, instance metadata) is the SDK's default chain itself, used only where the collector's
 * environment is the process's (`adot collector run`); the sandbox's collectors have no such fallback, as a pod has no
 * AWS config files and, with IMDS hop limit 1, no instance role.
 *
 * One provider per collector, shared by its components, refreshed five minutes before the credentials expire, the
 * SDK's own rule (@aws-sdk/credential-provider-node, credentialsTreatedAsExpired: 300000 ms).
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export type CredentialProvider = AwsCredentialIdentityProvider;

/** After the environment's own sources: the SDK's default chain (a real pod or host), or nothing (the sandbox). */
export type CredentialFallback = 'sdk-default-chain' | 'none';

/** @aws-sdk/credential-provider-node: credentials expiring within five minutes are fetched again */
const REFRESH_BEFORE_EXPIRY_MS = 300_000;

/** Which source of the chain the environment configures, first match wins (the chain stops at the first). */
export type CredentialSource = 'environment' | 'web-identity' | 'container' | 'fallback';

type Env = Record<string, string | undefined>;

export function credentialSourceOf(env: Env): CredentialSource {
  if (env['AWS_ACCESS_KEY_ID'] && env['AWS_SECRET_ACCESS_KEY'] && !env['AWS_PROFILE']) return 'environment';
  if (env['AWS_WEB_IDENTITY_TOKEN_FILE'] && env['AWS_ROLE_ARN']) return 'web-identity';
  if (env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] || env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']) return 'container';
  return 'fallback';
}

/** The endpoint of a service as the SDK finds it in the environment: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL. */
export function environmentEndpoint(env: Env, serviceEnvName: string): string | undefined {
  if ((env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '').toLowerCase() === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${serviceEnvName}`] || env['AWS_ENDPOINT_URL'] || undefined;
}

/** The credentials of a collector started with this environment (see above); nothing is fetched until asked. */
export function collectorCredentialProvider(
  env: Env,
  fallback: CredentialFallback = 'sdk-default-chain',
): CredentialProvider {
  const source = credentialSourceOf(env);
  if (source === 'environment') {
    const sessionToken = env['AWS_SESSION_TOKEN'];
    const identity: AwsCredentialIdentity = {
      accessKeyId: env['AWS_ACCESS_KEY_ID'] ?? '',
      secretAccessKey: env['AWS_SECRET_ACCESS_KEY'] ?? '',
      ...(sessionToken ? { sessionToken } : {}),
    };
    return async () => identity;
  }
  return memoized(sourceProvider(env, source, fallback));
}

function sourceProvider(env: Env, source: CredentialSource, fallback: CredentialFallback): CredentialProvider {
  return async (properties) => {
    const providers = await import('@aws-sdk/credential-providers');
    if (source === 'web-identity') {
      const region = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || undefined;
      const endpoint = environmentEndpoint(env, 'STS');
      const roleSessionName = env['AWS_ROLE_SESSION_NAME'] || undefined;
      return providers.fromTokenFile({
        webIdentityTokenFile: env['AWS_WEB_IDENTITY_TOKEN_FILE'] ?? '',
        roleArn: env['AWS_ROLE_ARN'] ?? '',
        ...(roleSessionName === undefined ? {} : { roleSessionName }),
        clientConfig: { ...(region === undefined ? {} : { region }), ...(endpoint === undefined ? {} : { endpoint }) },
      })(properties);
    }
    if (source === 'container') {
      const fullUri = env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] || undefined;
      const relativeUri = env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] || undefined;
      const tokenFile = env['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'] || undefined;
      const token = env['AWS_CONTAINER_AUTHORIZATION_TOKEN'] || undefined;
      return providers.fromHttp({
        ...(fullUri === undefined ? {} : { awsContainerCredentialsFullUri: fullUri }),
        ...(relativeUri === undefined ? {} : { awsContainerCredentialsRelativeUri: relativeUri }),
        ...(tokenFile === undefined ? {} : { awsContainerAuthorizationTokenFile: tokenFile }),
        ...(token === undefined ? {} : { awsContainerAuthorizationToken: token }),
      })(properties);
    }
    if (fallback === 'sdk-default-chain') return providers.fromNodeProviderChain()(properties);
    // the SDK's own words when its chain finds nothing (@aws-sdk/credential-provider-node, defaultProvider)
    const error = new Error(
      'Could not load credentials from any providers: the environment has no AWS_ACCESS_KEY_ID, no AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE (IRSA) and no AWS_CONTAINER_CREDENTIALS_FULL_URI (EKS Pod Identity)',
    );
    error.name = 'CredentialsProviderError';
    throw error;
  };
}

/** Caches the credentials until five minutes before they expire; concurrent callers share one fetch; failures are not cached. */
export function memoized(provider: CredentialProvider, now: () => number = Date.now): CredentialProvider {
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;
  return async (properties) => {
    const expiration = cached?.expiration?.getTime();
    const fresh = cached !== undefined && (expiration === undefined || expiration - now() > REFRESH_BEFORE_EXPIRY_MS);
    if (fresh) return cached as AwsCredentialIdentity;
    pending ??= provider(properties)
      .then((credentials) => {
        cached = credentials;
        return credentials;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
