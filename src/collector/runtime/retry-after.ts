/**
 * A backend's Retry-After, as the collector's exporters read it (opentelemetry-collector
 * exporter/otlphttpexporter/otlp.go, v0.151.0): only on 429 Too Many Requests and 503 Service Unavailable, the first
 * value as delay-seconds, else as an HTTP-date (RFC 1123, Go's time.RFC1123); the wait becomes a throttle error that
 * holds the next attempt back at least that long.
 */
import { ThrottleError } from './send-errors.js';

/** The wait a Retry-After value asks for in ms; undefined when absent or unreadable (the backoff alone applies). */
export function retryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // time.RFC1123: "Mon, 02 Jan 2006 15:04:05 MST" (any zone abbreviation; HTTP dates are GMT)
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [A-Z]{3,4}$/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** A throttle error for a 429 or 503 that says when to come back; undefined for any other answer. */
export function throttleFor(
  status: number,
  retryAfter: string | string[] | undefined,
  reason: string,
  nowMs = Date.now(),
): ThrottleError | undefined {
  if (status !== 429 && status !== 503) return undefined;
  const value = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  const delayMs = retryAfterMs(value, nowMs);
  return delayMs === undefined ? undefined : new ThrottleError(`${reason} (Retry-After ${value})`, delayMs);
}
