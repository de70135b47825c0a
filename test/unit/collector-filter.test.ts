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
    expect(
      failure({ metrics: { include: { match_type: 'strict', metric_names: ['a'], resource_attributes: [] } } }),
    ).toMatch(/resource_attributes: unknown setting/);
  });
});
