/**
 * A port whose implementation is built on the first method call, so that loading an SDK (hundreds of
 * milliseconds) happens only for commands that use it. Every method of the ports given here is async.
 */
export function lazyPort<T extends object>(load: () => Promise<T>): T {
  let loaded: Promise<T> | undefined;
  return new Proxy({} as T, {
    get(_target, property) {
      if (property === 'then') return undefined; // not a thenable
      return async (...args: unknown[]) => {
        loaded ??= load();
        const implementation = (await loaded) as Record<PropertyKey, (...a: unknown[]) => unknown>;
        const method = implementation[property];
        if (typeof method !== 'function') throw new TypeError(`no method ${String(property)}`);
        return method.apply(implementation, args);
      };
    },
  });
}
