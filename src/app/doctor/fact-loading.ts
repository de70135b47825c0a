/**
 * Loading facts: a call that fails becomes a fact holding its error (with whether it was a permission denial),
 * never an exception.
 */
import type { Iam } from '../../ports.js';
import { isAdotError } from '../../core/errors.js';
import type { Fact, FactError, RolePolicyDocument } from '../../core/checks/types.js';

const FORBIDDEN = /forbidden|accessdenied|unauthorizedoperation|not authorized/i;

export function factErrorOf(error: unknown): FactError {
  if (isAdotError(error)) {
    const status = error.details?.['status'] ?? error.details?.['statusCode'];
    const forbidden = status === 403 || FORBIDDEN.test(error.code) || FORBIDDEN.test(error.message);
    return {
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      ...(forbidden ? { forbidden } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error ? error.name : 'Error';
  return { code, message, ...(FORBIDDEN.test(`${code} ${message}`) ? { forbidden: true } : {}) };
}

export async function settle<T>(load: () => Promise<T> | T): Promise<Fact<T>> {
  try {
    return { ok: true, value: await load() };
  } catch (error) {
    return { ok: false, error: factErrorOf(error) };
  }
}

export function known<T>(value: T): Fact<T> {
  return { ok: true, value };
}

/** An object of promises for the values of T, one per key. */
export type Promised<T> = { [K in keyof T]: Promise<T[K]> };

/** Awaits an object of promises in parallel, keeping each key's type: `{ a: Promise<A> }` becomes `{ a: A }`. */
export async function awaitAll<T>(promises: Promised<T>): Promise<T> {
  const keys = Object.keys(promises) as (keyof T)[];
  const values = await Promise.all(keys.map((key) => promises[key]));
  const result = {} as T;
  keys.forEach((key, index) => {
    result[key] = values[index] as T[keyof T];
  });
  return result;
}

/** The documents of a role's managed policies (their default versions) and inline policies, fetched in parallel. */
export async function documentsOf(
  iam: Iam,
  roleName: string,
  attached: Fact<string[]>,
  inline: Fact<string[]>,
): Promise<Fact<RolePolicyDocument[]>> {
  if (!attached.ok) return attached;
  if (!inline.ok) return inline;
  return settle(async () => {
    const [managed, inlineDocuments] = await Promise.all([
      Promise.all(attached.value.map((arn) => iam.getManagedPolicy(arn))),
      Promise.all(inline.value.map((name) => iam.getRolePolicy(roleName, name))),
    ]);
    const documents: RolePolicyDocument[] = [];
    managed.forEach((policy, index) => {
      if (policy !== undefined)
        documents.push({ name: attached.value[index] ?? policy.arn, kind: 'managed', document: policy.document });
    });
    inlineDocuments.forEach((document, index) => {
      if (document !== undefined) documents.push({ name: inline.value[index] ?? '', kind: 'inline', document });
    });
    return documents;
  });
}
