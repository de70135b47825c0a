/**
 * Coded errors. Every expected failure is an AdotError: it carries a stable code, a message, a hint (usually a
 * command the user can run) and the exit status it maps to. src/cli/main.ts is the one place that turns them into
 * exit codes and printed documents; nothing else calls process.exit.
 */
export type ExitStatus = 0 | 1 | 2 | 124 | 130;

export type ErrorKind =
  | 'usage' // bad flags or bad input: exit 2
  | 'failed' // the operation failed: exit 1
  | 'timeout' // a wait ran past --timeout: exit 124
  | 'interrupted'; // Ctrl-C: exit 130

const exitByKind: Record<ErrorKind, ExitStatus> = { usage: 2, failed: 1, timeout: 124, interrupted: 130 };

export interface AdotErrorOptions {
  hint?: string;
  cause?: unknown;
  /** extra structured detail for JSON output (never credentials) */
  details?: Record<string, unknown>;
}

export class AdotError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options: AdotErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AdotError';
    this.kind = kind;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  get exitStatus(): ExitStatus {
    return exitByKind[this.kind];
  }
}

export function usageError(code: string, message: string, options?: AdotErrorOptions): AdotError {
  return new AdotError('usage', code, message, options);
}

export function failure(code: string, message: string, options?: AdotErrorOptions): AdotError {
  return new AdotError('failed', code, message, options);
}

export function timeoutError(code: string, message: string, options?: AdotErrorOptions): AdotError {
  return new AdotError('timeout', code, message, options);
}

export function interrupted(message = 'Interrupted', options?: AdotErrorOptions): AdotError {
  return new AdotError('interrupted', 'Interrupted', message, options);
}

export function isAdotError(value: unknown): value is AdotError {
  return value instanceof AdotError;
}
