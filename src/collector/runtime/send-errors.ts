/** How a send failed, as the collector's exporterhelper tells failures apart. */

/** A failure that sending again cannot fix (a 4xx other than 429, a document the backend refuses). */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/**
 * A transient failure whose backend said when to try again (an HTTP Retry-After): the next attempt waits at least
 * `delayMs`, as the collector's exporterhelper treats a throttleRetry error (opentelemetry-collector
 * exporter/exporterhelper retry sender: the delay is max(the backoff's next interval, the throttle delay); whether to
 * give up is decided on the backoff's own interval against max_elapsed_time, and the throttle delay is not capped by
 * max_interval).
 */
export class ThrottleError extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ThrottleError';
  }
}

/** What a partially successful send left over: items to send again, and items the backend refused for good. */
export interface SendOutcome<T> {
  retry?: T[];
  rejected?: { items: T[]; reason: string };
}
