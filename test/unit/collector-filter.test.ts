import { describe, expect, it } from 'vitest';
import { Settings, type SettingsError } from '../../src/collector/config/settings.js';
import type { MetricSample } from '../../src/collector/model.js';
import { keepsSample, readFilterSettings } from '../../src/collector/processors/filter.js';

function sample(name: string, overrides: Partial<MetricSample> = {}): MetricSample {
  return { name, family: name, type: 'counter', labels: {}, value: 1, timestampMs: 0, ...overrides };
}

function kept(raw: unknown, samples: MetricSample[]): string[] {
  const settings = readFilterSettings(new Settings(raw, 'processors.filter/include'));
  return samples.filter((item) => keepsSample(settings, item)).map((item) => item.name);
}

function failure(raw: unknown): string {
  try {
    readFilterSettings(new Settings(raw, 'processors.filter'));
  } catch (error) {
    return `${(error as SettingsError).path}: ${(error as Error).message}`;
  }
  return 'accepted';
}

const samples = [
  sample('http_requests_total'),
  sample('http_requests_total_created'),
  sample('up', { type: 'gauge' }),
  sample('rt_seconds_bucket', { family: 'rt_seconds', type: 'histogram', labels: { le: '1' } }),
  sample('rt_seconds_count', { family: 'rt_seconds', type: 'histogram' }),
];

describe('filter processor', () => {
  it('include regexp (as in the cloudwatch template) keeps only matching names', () => {
    expect(
      kept({ metrics: { include: { match_type: 'regexp', metric_names: ['^http_requests_total$'] } } }, samples),
    ).toEqual(['http_requests_total']);
    // unanchored, as Go's MatchString
    expect(kept({ metrics: { include: { match_type: 'regexp', metric_names: ['requests'] } } }, samples)).toEqual([
      'http_requests_total',
      'http_requests_total_created',
    ]);
  });

  it('strict compares whole names; histograms and summaries match by their family name', () => {
    expect(
      kept({ metrics: { include: { match_type: 'strict', metric_names: ['rt_seconds', 'up'] } } }, samples),
    ).toEqual(['up', 'rt_seconds_bucket', 'rt_seconds_count']);
    expect(
      kept({ metrics: { include: { match_type: 'strict', metric_names: ['rt_seconds_bucket'] } } }, samples),
    ).toEqual([]);
  });

  it('exclude drops matches, after include', () => {
    expect(kept({ metrics: { exclude: { match_type: 'strict', metric_names: ['up'] } } }, samples)).toHaveLength(4);
    expect(
      kept(
        {
          metrics: {
            include: { match_type: 'regexp', metric_names: ['^http_'] },
            exclude: { match_type: 'regexp', metric_names: ['_created$'] },
          },
        },
        samples,
      ),
    ).toEqual(['http_requests_total']);
  });

  it('refuses configurations it cannot honour, naming the key', () => {
    expect(failure({ metrics: {} })).toBe('processors.filter.metrics: needs include or exclude');
    expect(failure({ metrics: { include: { metric_names: ['a'] } } })).toBe(
      'processors.filter.metrics.include.match_type: is required',
    );
    expect(failure({ metrics: { include: { match_type: 'expr', metric_names: ['a'] } } })).toMatch(
      /match_type: "expr" is not supported/,
    );
    expect(failure({ metrics: { include: { match_type: 'regexp', metric_names: ['('] } } })).toMatch(
      /metric_names\[0\]: .*not a valid regular expression/,
    );
    expect(failure({ metrics: { metric: ['name == "up"'] } })).toMatch(/metrics.metric: unknown setting/);
    expect(failure({ metrics: { include: { match_type: 'strict', metric_names: ['a'], attributes: [] } } })).toMatch(
      /attributes: unknown setting/,
    );
  });

  const onNode = (name: string, node: string) =>
    sample(name, { labels: { job: 'cart' }, resource: { 'k8s.node.name': node } });
  const nodes = [onNode('a', 'badnode-1234'), onNode('b', 'ip-10-0-1-23.ec2.internal'), sample('c')];

  it("resource_attributes with values need match_type, as upstream refuses them without one (the page's config)", () => {
    const page = { metrics: { exclude: { resource_attributes: [{ key: 'k8s.node.name', value: 'badnode-1234' }] } } };
    expect(failure(page)).toBe(
      "processors.filter.metrics.exclude.match_type: unrecognized match_type: '', valid types are: [regexp strict]",
    );
    // a key without a value only checks presence: no match_type needed
    expect(kept({ metrics: { include: { resource_attributes: [{ key: 'k8s.node.name' }] } } }, nodes)).toEqual([
      'a',
      'b',
    ]);
    expect(failure({ metrics: { exclude: { match_type: 'strict', resource_attributes: [{ key: '' }] } } })).toMatch(
      /can't have empty key in the list of attributes/,
    );
    expect(
      failure({ metrics: { exclude: { match_type: 'regexp', resource_attributes: [{ key: 'k', value: 5 }] } } }),
    ).toMatch(/match_type=regexp for "k" only supports Str, but found Int/);
  });

  it('exclude resource_attributes strict drops the samples whose resource has every listed attribute equal', () => {
    const exclude = (value: string, matchType = 'strict') => ({
      metrics: { exclude: { match_type: matchType, resource_attributes: [{ key: 'k8s.node.name', value }] } },
    });
    expect(kept(exclude('badnode-1234'), nodes)).toEqual(['b', 'c']);
    expect(kept(exclude('badnode'), nodes)).toEqual(['a', 'b', 'c']);
    // regexp: unanchored
    expect(kept(exclude('badnode', 'regexp'), nodes)).toEqual(['b', 'c']);
    // service.name is the job label's
    expect(
      kept(
        {
          metrics: { exclude: { match_type: 'strict', resource_attributes: [{ key: 'service.name', value: 'cart' }] } },
        },
        nodes,
      ),
    ).toEqual(['c']);
  });

  it('names and resource attributes are checked apart: include needs both lists given, exclude either', () => {
    expect(
      kept(
        {
          metrics: {
            include: {
              match_type: 'strict',
              metric_names: ['a', 'c'],
              resource_attributes: [{ key: 'k8s.node.name' }],
            },
          },
        },
        nodes,
      ),
    ).toEqual(['a']);
    expect(
      kept(
        {
          metrics: {
            exclude: {
              match_type: 'strict',
              metric_names: ['c'],
              resource_attributes: [{ key: 'k8s.node.name', value: 'badnode-1234' }],
            },
          },
        },
        nodes,
      ),
    ).toEqual(['b']);
  });
});
