/** Exponential backoff with jitter, as the collector's retry_on_failure: interval doubles up to max_interval. */
export interface RetrySettings {
  enabled: boolean;
  initialIntervalMs: number;
  maxIntervalMs: number;
  /** 0 = retry forever */
  maxElapsedMs: number;
  multiplier: number;
  randomizationFactor: number;
}

export const DEFAULT_RETRY: RetrySettings = {
  enabled: true,
  initialIntervalMs: 5_000,
  maxIntervalMs: 30_000,
  maxElapsedMs: 300_000,
  multiplier: 1.5,
  randomizationFactor: 0.5,
};

/** The wait before retry number `attempt` (1-based). */
export function backoffDelay(settings: RetrySettings, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(settings.maxIntervalMs, settings.initialIntervalMs * settings.multiplier ** (attempt - 1));
  const spread = base * settings.randomizationFactor;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** Resolves after `ms`, or early (with false) when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
