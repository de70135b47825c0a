/** How the SDK clients are configured: only what was given; everything else comes from the SDK's own chain. */
export interface AwsClientSettings {
  region?: string;
  profile?: string;
  /** an endpoint override for this service (AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL, or the sandbox) */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Ctrl-C: aborts the request in flight and the SDK's wait before a retry (its retry middleware races the delay) */
  signal?: AbortSignal;
}

/** The options every `send` and paginator of an adapter passes, so that one abort signal reaches every call. */
export function sdkCallOptions(settings: AwsClientSettings): { abortSignal?: AbortSignal } {
  return settings.signal === undefined ? {} : { abortSignal: settings.signal };
}

/** Throttling and 5xx answers are retried by the SDK's standard strategy; 5 attempts in all. */
export const MAX_ATTEMPTS = 5;

export function sdkClientConfig(settings: AwsClientSettings): {
  region?: string;
  profile?: string;
  endpoint?: string;
  credentials?: AwsClientSettings['credentials'];
  maxAttempts: number;
  retryMode: string;
} {
  return {
    ...(settings.region === undefined ? {} : { region: settings.region }),
    ...(settings.profile === undefined ? {} : { profile: settings.profile }),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
    maxAttempts: MAX_ATTEMPTS,
    retryMode: 'standard',
  };
}
