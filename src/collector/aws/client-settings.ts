/**
 * How the collector's AWS clients are configured: region from the component, endpoint from the component or the
 * SDK's own variables (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL), credentials from the collector's own
 * credential provider (credentials.ts: the SDK's chain over the collector's environment).
 */
import { throttleFor } from '../runtime/retry-after.js';
import { PermanentError } from '../runtime/send-errors.js';
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

/**
 * An SDK failure as the queued sender takes it: a 429 or 503 whose answer has a Retry-After (on the error's hidden
 * `$response`) waits at least that long, as the collector's exporters treat a throttle; other transient failures are
 * retried with backoff; anything else is permanent.
 */
export function sdkSendFailure(error: unknown): Error {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const answer = (typeof error === 'object' && error !== null ? error : {}) as {
    $metadata?: { httpStatusCode?: number };
    $response?: { headers?: Record<string, string | undefined> };
  };
  const status = answer.$metadata?.httpStatusCode;
  const headers = answer.$response?.headers ?? {};
  const retryAfter = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const throttle = status === undefined ? undefined : throttleFor(status, retryAfter, message);
  if (throttle !== undefined) return throttle;
  if (isRetryableSdkError(error)) return new Error(message, { cause: error });
  return new PermanentError(message, { cause: error });
}
