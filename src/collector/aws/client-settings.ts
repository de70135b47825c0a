/**
 * How the collector's AWS clients are configured: region from the component, endpoint from the component or the
 * SDK's own variables (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL), credentials from the collector's own
 * credential provider (credentials.ts: the SDK's chain over the collector's environment).
 */
import { collectorCredentialProvider, environmentEndpoint, type CredentialProvider } from './credentials.js';

export interface CollectorAwsClientSettings {
  region: string;
  endpoint?: string;
  credentials: CredentialProvider;
}

/** providers made for contexts that carry none (components built outside a running collector), one per environment */
const providersByEnv = new WeakMap<object, CredentialProvider>();

export function collectorAwsClientSettings(options: {
  /** the SDK's service id in environment-variable form: XRAY, CLOUDWATCH_LOGS */
  serviceEnvName: string;
  region: string;
  endpoint?: string;
  env: Record<string, string | undefined>;
  /** the collector's provider (ComponentContext.awsCredentials); default: one made from env */
  credentials?: CredentialProvider | undefined;
}): CollectorAwsClientSettings {
  const { env } = options;
  const endpoint = options.endpoint || environmentEndpoint(env, options.serviceEnvName);
  let credentials = options.credentials ?? providersByEnv.get(env);
  if (credentials === undefined) {
    credentials = collectorCredentialProvider(env);
    providersByEnv.set(env, credentials);
  }
  return { region: options.region, ...(endpoint ? { endpoint } : {}), credentials };
}

/** Whether an SDK error is worth retrying: throttling, 5xx, timeouts and network failures. */
export function isRetryableSdkError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return true;
  const record = error as {
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
    name?: string;
    $fault?: string;
  };
  if (record.$retryable !== undefined) return true;
  const status = record.$metadata?.httpStatusCode;
  if (status === undefined) return true; // no answer at all: network error or timeout
  return status === 429 || status >= 500 || /Throttl/i.test(record.name ?? '');
}
