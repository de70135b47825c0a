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

  it('finds series whose texts share a hash (FNV-1a: "costarring" and "liquid"), wherever they move', () => {
    const cache = new SeriesCache();
    const computed: string[] = [];
    const first = scrape(cache, ['costarring', 'liquid', 'other'], computed);
    const moved = scrape(cache, ['liquid', 'other', 'costarring', 'liquid'], computed);
    expect(moved).toEqual([first[1], first[2], first[0], first[1]]);
    expect(moved.map((series) => series.name)).toEqual(['liquid', 'other', 'costarring', 'liquid']);
    expect(computed).toEqual(['costarring', 'liquid', 'other']);
  });

  it('series of different names with the same labels share one labels object; labels that resolve apart do not', () => {
    const cache = new SeriesCache();
    const resolveWith = (relabel: (name: string) => Record<string, string>) => (text: string) => {
      const name = text.slice(0, text.indexOf('{'));
      return { name, family: name, type: 'gauge' as const, labels: relabel(name) };
    };
    const samePod = resolveWith(() => ({ pod: cache.intern('a'), job: cache.intern('j') }));
    cache.begin();
    const cpu = cache.add('cpu{pod="a"}', samePod);
    const memory = cache.add('memory{pod="a"}', samePod);
    // a rule that gives one name other labels (metric_relabel_configs see __name__)
    const relabeled = cache.add(
      'disk{pod="a"}',
      resolveWith(() => ({ pod: cache.intern('a'), job: cache.intern('j'), extra: 'x' })),
    );
    const dropped = cache.add('gone{pod="b"}', () => null);
    const afterDropped = cache.add(
      'net{pod="b"}',
      resolveWith(() => ({ pod: cache.intern('b') })),
    );
    cache.commit();
    expect(memory.labels).toBe(cpu.labels);
    expect(relabeled.labels).not.toBe(cpu.labels);
    expect(relabeled.labels).toEqual({ pod: 'a', job: 'j', extra: 'x' });
    expect(dropped.dropped).toBe(true);
    expect(afterDropped.dropped).toBe(false);
    expect(afterDropped.labels).toEqual({ pod: 'b' });
    expect([cpu.text, memory.text, relabeled.text]).toEqual(['cpu{pod="a"}', 'memory{pod="a"}', 'disk{pod="a"}']);
    // found again by text, in place and moved
    cache.begin();
    expect(cache.find('memory{pod="a"} 1', 0, 15)).toBe(memory);
    expect(cache.find('xcpu{pod="a"} 1', 1, 13)).toBe(cpu);
    expect(cache.find('cpu{pod="b"} 1', 0, 12)).toBeUndefined();
  });

  it('lets go of the label texts and labels a failed scrape saw', () => {
    const cache = new SeriesCache();
    scrape(cache, ['kept{pod="a"}'], []);
    cache.begin();
    cache.add('seen{pod="failed-scrape"}', () => ({
      name: 'seen',
      family: 'seen',
      type: 'gauge',
      labels: { pod: 'failed-scrape' },
    }));
    cache.abandon();
    const held = JSON.stringify(Object.values(cache as unknown as Record<string, unknown>));
    expect(held).not.toContain('failed-scrape');
    expect(held).toContain('kept');
  });

  it('interns strings, one copy per distinct value', () => {
    const cache = new SeriesCache();
    const value = cache.intern(['de', 'fault'].join(''));
    expect(cache.intern('default')).toBe(value);
  });
});
