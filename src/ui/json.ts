import { isAdotError } from '../core/errors.js';

export const SCHEMA_VERSION = 1;

/** Every JSON/YAML document adot prints starts with `schemaVersion`. */
export function document<T extends object>(body: T): { schemaVersion: typeof SCHEMA_VERSION } & T {
  return { schemaVersion: SCHEMA_VERSION, ...body };
}

export interface ErrorDocument {
  schemaVersion: typeof SCHEMA_VERSION;
  ok: false;
  error: { code: string; message: string; hint: string | null };
}

export function errorDocument(error: { code: string; message: string; hint?: string | undefined }): ErrorDocument {
  return document({
    ok: false as const,
    error: { code: error.code, message: error.message, hint: error.hint ?? null },
  });
}

export function errorDocumentFor(error: unknown): ErrorDocument {
  if (isAdotError(error)) return errorDocument(error);
  return errorDocument({ code: 'InternalError', message: error instanceof Error ? error.message : String(error) });
}
