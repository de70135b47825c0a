import { describe, expect, it } from 'vitest';
import { CachedSeries, SeriesCache } from '../../src/collector/receivers/prometheus/series-cache.js';

/** Runs one scrape of `texts` (each embedded in a larger body, as a scrape hands them), counting computations. */
function scrape(cache: SeriesCache, texts: string[], computed: string[]): CachedSeries[] {
  cache.begin();
  const resolved = texts.map((text) => {
    const body = `xx${text} 1\n`;
    return (
      cache.find(body, 2, 2 + text.length) ??
      cache.add(body.slice(2, 2 + text.length), (seriesText) => {
        computed.push(seriesText);
        return seriesText.startsWith('drop')
          ? null
          : { name: seriesText, family: seriesText, type: 'gauge', labels: {} };
      })
    );
  });
  cache.commit();
  return resolved;
}

describe('the scrape series cache', () => {
  it('computes a series once, whether it keeps its place, moves or is repeated', () => {
    const cache = new SeriesCache();
    const computed: string[] = [];
    const first = scrape(cache, ['a{x="1"}', 'b', 'drop_me'], computed);
    expect(first[2]?.dropped).toBe(true);
    expect(first[0]?.dropped).toBe(false);
    const again = scrape(cache, ['a{x="1"}', 'b', 'drop_me'], computed);
    expect(again[0]).toBe(first[0]);
    const moved = scrape(cache, ['b', 'a{x="1"}', 'b', 'c'], computed);
    expect(moved[0]).toBe(first[1]);
    expect(moved[1]).toBe(first[0]);
    expect(moved[2]).toBe(first[1]);
    expect(computed).toEqual(['a{x="1"}', 'b', 'drop_me', 'c']);
    expect(cache.size).toBe(3);
  });

  it('does not mistake a series for a longer one at the same place', () => {
    const cache = new SeriesCache();
    const computed: string[] = [];
    scrape(cache, ['a'], computed);
    expect(scrape(cache, ['ab'], computed)[0]?.name).toBe('ab');
    expect(computed).toEqual(['a', 'ab']);
  });

  it('forgets series a successful scrape no longer exposes, and what a failed one saw, keeping the last success', () => {
    const cache = new SeriesCache();
    const computed: string[] = [];
    scrape(cache, ['a', 'b'], computed);
    cache.begin();
    expect(cache.find('c 1', 0, 1)).toBeUndefined();
    cache.add('c', () => ({ name: 'c', family: 'c', type: 'gauge', labels: {} }));
    cache.abandon();
    expect(cache.size).toBe(2);
    scrape(cache, ['a', 'b'], computed);
    expect(cache.size).toBe(2);
    expect(computed).toEqual(['a', 'b']);
  });

  it('does not grow with a target whose scrapes keep failing with new series', () => {
    const cache = new SeriesCache();
    const computed: string[] = [];
    scrape(cache, ['a'], computed);
    for (let round = 0; round < 50; round++) {
      cache.begin();
      for (let index = 0; index < 100; index++) {
        const text = `new{round="${round}",i="${index}"}`;
        if (cache.find(`${text} 1`, 0, text.length) === undefined) {
          cache.add(text, () => ({ name: 'new', family: 'new', type: 'gauge', labels: {} }));
        }
      }
      cache.abandon();
      expect(cache.size).toBe(1);
    }
    expect(scrape(cache, ['a'], computed)[0]?.name).toBe('a');
    expect(computed).toEqual(['a']);
  });

  it('keeps no reference to the series of a scrape before the last successful one', () => {
    const cache = new SeriesCache();
    scrape(cache, ['old_a', 'old_b'], []);
    scrape(cache, ['new_c'], []);
    // what the cache holds in its fields (arrays of series; Maps print as {}): the last scrape's series only
    const held = JSON.stringify(Object.values(cache as unknown as Record<string, unknown>));
    expect(held).toContain('new_c');
    expect(held).not.toContain('old_');
  });

  it('interns strings, one copy per distinct value', () => {
    const cache = new SeriesCache();
    const value = cache.intern(['de', 'fault'].join(''));
    expect(cache.intern('default')).toBe(value);
  });
});
