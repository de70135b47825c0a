/**
 * The test suite's one polling helper: every "wait until" in test/ goes through it, with one set of defaults.
 * It is vitest's own `vi.waitFor` (which also advances fake timers and ignores a probe still in flight), given the
 * read-then-accept shape the tests use and a failure that shows the last value read.
 */
import { vi } from 'vitest';

/** long enough for a detached sandbox's seeded rollouts on a loaded machine, well inside the 30 s test timeout */
export const EVENTUALLY_TIMEOUT_MS = 10_000;
export const EVENTUALLY_INTERVAL_MS = 20;

/**
 * Reads until `accept` holds for the value read, and returns that value; a read that throws is retried too. After
 * `timeoutMs` it fails with the last value read (or the last error).
 */
export function eventually<T, S extends T>(
  read: () => T | Promise<T>,
  accept: (value: T) => value is S,
  timeoutMs?: number,
): Promise<S>;
export function eventually<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs?: number,
): Promise<T>;
export function eventually<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = EVENTUALLY_TIMEOUT_MS,
): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await read();
      if (!accept(value)) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${shown(value)}`);
      return value;
    },
    { timeout: timeoutMs, interval: EVENTUALLY_INTERVAL_MS },
  );
}

/** for reads that return the awaited thing or nothing yet: `eventually(() => store.get(…), present)` */
export function present<T>(value: T | undefined | null | false): value is T {
  return value !== undefined && value !== null && value !== false;
}

function shown(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 2000) ?? String(value);
  } catch {
    return String(value);
  }
}
