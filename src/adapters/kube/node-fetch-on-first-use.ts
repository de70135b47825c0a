/**
 * node-fetch as the CLI bundle gives it to @kubernetes/client-node (rolldown.config.mjs): the real package, required
 * from node_modules the first time it is used. client-node's modules import it at load (its default HTTP library and
 * KubeConfig.applyToFetchOptions), but adot sends its requests with node-http-library.ts, so a command never needs it,
 * and loading it with whatwg-url and tr46 took 25-30 ms of every `adot doctor` process. What client-node imports from
 * it: the fetch function and the Headers class; its index re-exports FetchError and AbortError.
 */
import { createRequire } from 'node:module';
import type NodeFetch from 'node-fetch';

let loaded: typeof NodeFetch | undefined;

/** the real node-fetch (a CommonJS package), loaded on first call */
export function realNodeFetch(): typeof NodeFetch {
  loaded ??= createRequire(import.meta.url)('node-fetch') as typeof NodeFetch;
  return loaded;
}

export default function fetch(...args: Parameters<typeof NodeFetch>): ReturnType<typeof NodeFetch> {
  return realNodeFetch()(...args);
}

/**
 * One of node-fetch's classes, made on first use: `new X(...)` answers node-fetch's own object (a constructor may
 * return another object), and `instanceof X` asks node-fetch's class (no instance can exist before node-fetch is
 * loaded).
 */
function classOnFirstUse<Name extends 'Headers' | 'FetchError' | 'AbortError'>(name: Name): (typeof NodeFetch)[Name] {
  type AnyClass = new (...args: unknown[]) => object;
  return class {
    constructor(...args: unknown[]) {
      return new (realNodeFetch()[name] as unknown as AnyClass)(...args);
    }

    static [Symbol.hasInstance](value: unknown): boolean {
      return loaded !== undefined && value instanceof loaded[name];
    }
  } as unknown as (typeof NodeFetch)[Name];
}

export const Headers = classOnFirstUse('Headers');
export const FetchError = classOnFirstUse('FetchError');
export const AbortError = classOnFirstUse('AbortError');

/** whether node-fetch has been loaded (tests) */
export function nodeFetchLoaded(): boolean {
  return loaded !== undefined;
}
