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
 * node-fetch's classes, made on first use: `new X(...)` answers node-fetch's own object (a constructor may return
 * another object), and `instanceof X` asks node-fetch's class (no instance can exist before node-fetch is loaded).
 */
export class Headers {
  constructor(init?: NodeFetch.HeadersInit) {
    return new (realNodeFetch().Headers)(init) as unknown as Headers;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return loaded !== undefined && value instanceof loaded.Headers;
  }
}

export class FetchError {
  constructor(message: string, type: string, systemError?: ConstructorParameters<typeof NodeFetch.FetchError>[2]) {
    return new (realNodeFetch().FetchError)(message, type, systemError) as unknown as FetchError;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return loaded !== undefined && value instanceof loaded.FetchError;
  }
}

export class AbortError {
  constructor(message: string) {
    return new (realNodeFetch().AbortError)(message) as unknown as AbortError;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return loaded !== undefined && value instanceof loaded.AbortError;
  }
}

/** whether node-fetch has been loaded (tests) */
export function nodeFetchLoaded(): boolean {
  return loaded !== undefined;
}
