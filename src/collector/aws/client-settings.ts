/**
 * How the collector's AWS clients are configured: region from the component, endpoint from the component or the
 * SDK's own variables (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL), credentials from the environment when
 * exported there, else the SDK's default chain (profile, web identity for IRSA, container and instance roles).
 */
export interface CollectorAwsClientSettings {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function collectorAwsClientSettings(options: {
  /** the SDK's service id in environment-variable form: XRAY, CLOUDWATCH_LOGS */
  serviceEnvName: string;
  region: string;
  endpoint?: string;
  env: Record<string, string | undefined>;
}): CollectorAwsClientSettings {
  const { env } = options;
  const settings: CollectorAwsClientSettings = { region: options.region };
  const ignoreEndpoints = (env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '').toLowerCase() === 'true';
  const endpoint =
    options.endpoint ||
    (ignoreEndpoints ? undefined : env[`AWS_ENDPOINT_URL_${options.serviceEnvName}`] || env['AWS_ENDPOINT_URL']);
  if (endpoint) settings.endpoint = endpoint;
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (accessKeyId && secretAccessKey && env['AWS_PROFILE'] === undefined) {
    const sessionToken = env['AWS_SESSION_TOKEN'];
    settings.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  return settings;
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
