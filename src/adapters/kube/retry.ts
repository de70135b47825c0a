import type { Clock } from '../../ports.js';
import { httpStatusOf, networkCodeOf } from './errors.js';

export interface RetryOptions {
  clock: Clock;
  signal?: AbortSignal;
  /** attempts in all, including the first */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

const RETRIED_STATUSES = new Set([429, 500, 502, 503, 504]);
const RETRIED_NETWORK_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'EAI_AGAIN']);

export function isRetryable(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) return RETRIED_STATUSES.has(status);
  const code = networkCodeOf(error);
  return code !== undefined && RETRIED_NETWORK_CODES.has(code);
}

/**
 * @kubernetes/client-node has no retry of its own (unlike the AWS SDK), and the API server answers 429 under
 * priority-and-fairness load and 5xx during control-plane upgrades. Every call we make is idempotent (get, list,
 * server-side apply, delete, reviews), so retry those answers and dropped connections with capped, jittered
 * exponential backoff on the injected clock.
 */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 3_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error) || options.signal?.aborted) throw error;
      const backoff = Math.min(cap, base * 2 ** (attempt - 1));
      await options.clock.sleep(backoff / 2 + Math.random() * (backoff / 2), options.signal);
    }
  }
}
