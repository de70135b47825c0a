import { describe, expect, expectTypeOf, it } from 'vitest';
import { awaitAll, known, settle } from '../../src/app/doctor/fact-loading.js';
import type { Fact } from '../../src/core/checks/types.js';

describe('awaitAll', () => {
  it('awaits an object of promises into an object of their values, key by key and type by type', async () => {
    const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
    const values = await awaitAll({ slow: later(1, 20), fast: later('one', 0), fact: settle(() => [true]) });
    expect(values).toEqual({ slow: 1, fast: 'one', fact: known([true]) });
    expectTypeOf(values).toEqualTypeOf<{ slow: number; fast: string; fact: Fact<boolean[]> }>();
  });

  it('holds the object to the keys and value types it is asked for', async () => {
    const asked = await awaitAll<{ count: number }>({ count: Promise.resolve(2) });
    expect(asked.count).toBe(2);
    // @ts-expect-error -- a key the type does not have
    await awaitAll<{ count: number }>({ count: Promise.resolve(2), extra: Promise.resolve(3) });
    // @ts-expect-error -- a value of another type
    await awaitAll<{ count: number }>({ count: Promise.resolve('2') });
    // @ts-expect-error -- a key missing
    await awaitAll<{ count: number; name: string }>({ count: Promise.resolve(2) });
  });
});
