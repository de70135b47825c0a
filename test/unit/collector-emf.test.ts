import { describe, expect, it } from 'vitest';
import { Settings, type SettingsError } from '../../src/collector/config/settings.js';
import { DeltaTracker } from '../../src/collector/exporters/awsemf/delta.js';
import { buildEmfEvents, MAX_METRICS_PER_EVENT, unitOf } from '../../src/collector/exporters/awsemf/emf.js';
import { readAwsEmfSettings, type EmfSettings } from '../../src/collector/exporters/awsemf/settings.js';
import type { MetricSample } from '../../src/collector/model.js';

const T0 = 1_700_000_000_000;

function sample(
  name: string,
  value: number,
  labels: Record<string, string> = {},
  overrides: Partial<MetricSample> = {},
): MetricSample {
  return { name, family: name, type: 'counter', labels, value, timestampMs: T0, ...overrides };
}

function emfSettings(raw: Record<string, unknown> = {}): EmfSettings {
  return readAwsEmfSettings(new Settings({ region: 'us-east-1', ...raw }, 'exporters.awsemf')).emf;
}

interface EmfDocument {
  _aws?: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [field: string]: unknown;
}

function parse(events: { message: string }[]): EmfDocument[] {
  return events.map((event) => JSON.parse(event.message) as EmfDocument);
}

describe('awsemf: EMF events', () => {
  it('drops the first counter point, then sends deltas; a reset starts a new baseline', () => {
    const settings = emfSettings({ namespace: 'Shop', dimension_rollup_option: 'NoDimensionRollup' });
    const tracker = new DeltaTracker();
    const labels = { method: 'GET' };
    expect(buildEmfEvents([sample('http_requests_total', 10, labels)], settings, tracker)).toEqual([]);
    const second = parse(
      buildEmfEvents([sample('http_requests_total', 25, labels, { timestampMs: T0 + 15_000 })], settings, tracker),
    );
    expect(second).toEqual([
      {
        _aws: {
          Timestamp: T0 + 15_000,
          CloudWatchMetrics: [
            { Namespace: 'Shop', Dimensions: [['method']], Metrics: [{ Name: 'http_requests_total', Unit: 'Count' }] },
          ],
        },
        method: 'GET',
        http_requests_total: 15,
        prom_metric_type: 'counter',
      },
    ]);
    // the process restarted: 3 < 25 is a new baseline, not a negative delta
    expect(
      buildEmfEvents([sample('http_requests_total', 3, labels, { timestampMs: T0 + 30_000 })], settings, tracker),
    ).toEqual([]);
    const fourth = parse(
      buildEmfEvents([sample('http_requests_total', 7, labels, { timestampMs: T0 + 45_000 })], settings, tracker),
    );
    expect(fourth[0]?.http_requests_total).toBe(4);
  });

  it('keeps a delta per series, and sends gauges as they are from the first point', () => {
    const settings = emfSettings({ namespace: 'Shop', dimension_rollup_option: 'NoDimensionRollup' });
    const tracker = new DeltaTracker();
    const batch = (get: number, post: number, temperature: number, at: number) => [
      sample('requests_total', get, { method: 'GET' }, { timestampMs: at }),
      sample('requests_total', post, { method: 'POST' }, { timestampMs: at }),
      sample('temperature_celsius', temperature, { method: 'GET' }, { type: 'gauge', timestampMs: at }),
    ];
    const first = parse(buildEmfEvents(batch(100, 5, 21.5, T0), settings, tracker));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ temperature_celsius: 21.5, prom_metric_type: 'gauge', method: 'GET' });
    const second = parse(buildEmfEvents(batch(130, 6, 22, T0 + 1000), settings, tracker));
    const counters = second.filter((document) => document.prom_metric_type === 'counter');
    expect(counters.map((document) => [document.method, document.requests_total]).sort()).toEqual([
      ['GET', 30],
      ['POST', 1],
    ]);
    expect(second.find((document) => document.prom_metric_type === 'gauge')?.temperature_celsius).toBe(22);
  });

  it('drops NaN and infinite values', () => {
    const settings = emfSettings({ namespace: 'Shop' });
    const events = buildEmfEvents(
      [
        sample('a', Number.NaN, {}, { type: 'gauge' }),
        sample('b', Infinity, {}, { type: 'gauge' }),
        sample('c', 1, {}, { type: 'gauge' }),
      ],
      settings,
      new DeltaTracker(),
    );
    const [document] = parse(events);
    expect(events).toHaveLength(1);
    expect(Object.keys(document ?? {}).filter((key) => ['a', 'b', 'c'].includes(key))).toEqual(['c']);
  });

  it('with metric_declarations: only selected metrics get a directive, under declared sets whose labels they carry', () => {
    const settings = emfSettings({
      namespace: 'ContainerInsights/Prometheus',
      dimension_rollup_option: 'NoDimensionRollup',
      metric_declarations: [
        {
          dimensions: [
            ['EKS_Cluster', 'EKS_Namespace', 'EKS_PodName'],
            ['EKS_Cluster', 'missing_label'],
          ],
          metric_name_selectors: ['^http_requests_total$'],
        },
      ],
    });
    const labels = { EKS_Cluster: 'demo', EKS_Namespace: 'shop', EKS_PodName: 'web-1', code: '200' };
    const gauges = [
      sample('http_requests_total', 5, labels, { type: 'gauge' }),
      sample('memory_bytes', 100, labels, { type: 'gauge' }),
    ];
    const [document] = parse(buildEmfEvents(gauges, settings, new DeltaTracker()));
    expect(document?._aws?.CloudWatchMetrics).toEqual([
      {
        Namespace: 'ContainerInsights/Prometheus',
        Dimensions: [['EKS_Cluster', 'EKS_Namespace', 'EKS_PodName']],
        Metrics: [{ Name: 'http_requests_total', Unit: 'None' }],
      },
    ]);
    // the unselected metric is still a field of the event, without a directive
    expect(document).toMatchObject({ memory_bytes: 100, http_requests_total: 5, code: '200', EKS_PodName: 'web-1' });

    const [plain] = parse(
      buildEmfEvents([sample('memory_bytes', 1, labels, { type: 'gauge' })], settings, new DeltaTracker()),
    );
    expect(plain?._aws).toBeUndefined();
    expect(plain?.memory_bytes).toBe(1);
  });

  it('label_matchers restrict a declaration to series whose joined label values match', () => {
    const settings = emfSettings({
      namespace: 'Shop',
      dimension_rollup_option: 'NoDimensionRollup',
      metric_declarations: [
        {
          dimensions: [['service']],
          metric_name_selectors: ['latency'],
          label_matchers: [{ label_names: ['service', 'env'], separator: '/', regex: '^api/prod$' }],
        },
      ],
    });
    const events = parse(
      buildEmfEvents(
        [
          sample('latency', 1, { service: 'api', env: 'prod' }, { type: 'gauge' }),
          sample('latency', 2, { service: 'api', env: 'dev' }, { type: 'gauge' }),
        ],
        settings,
        new DeltaTracker(),
      ),
    );
    expect(events.find((document) => document.env === 'prod')?._aws?.CloudWatchMetrics[0]?.Dimensions).toEqual([
      ['service'],
    ]);
    expect(events.find((document) => document.env === 'dev')?._aws).toBeUndefined();
  });

  it('rollup options add the zero and single dimension sets', () => {
    const labels = { a: '1', b: '2' };
    const dimensionsWith = (option: string) => {
      const [document] = parse(
        buildEmfEvents(
          [sample('g', 1, labels, { type: 'gauge' })],
          emfSettings({ namespace: 'N', dimension_rollup_option: option }),
          new DeltaTracker(),
        ),
      );
      return document?._aws?.CloudWatchMetrics[0]?.Dimensions;
    };
    expect(dimensionsWith('NoDimensionRollup')).toEqual([['a', 'b']]);
    expect(dimensionsWith('SingleDimensionRollup')).toEqual([['a', 'b'], ['a'], ['b']]);
    expect(dimensionsWith('ZeroAndSingleDimensionRollup')).toEqual([['a', 'b'], [], ['a'], ['b']]);
    // the default is ZeroAndSingleDimensionRollup, as in awsemf
    expect(emfSettings().dimensionRollup).toBe('ZeroAndSingleDimensionRollup');
  });

  it('declarations plus rollup: declared sets first, then the rollup sets, without duplicates', () => {
    const settings = emfSettings({
      namespace: 'N',
      dimension_rollup_option: 'SingleDimensionRollup',
      metric_declarations: [{ dimensions: [['b'], ['a', 'b']], metric_name_selectors: ['.*'] }],
    });
    const [document] = parse(
      buildEmfEvents([sample('g', 1, { a: '1', b: '2' }, { type: 'gauge' })], settings, new DeltaTracker()),
    );
    expect(document?._aws?.CloudWatchMetrics[0]?.Dimensions).toEqual([['b'], ['a', 'b'], ['a']]);
  });

  it('splits a group of more than 100 metrics into events of at most 100', () => {
    const settings = emfSettings({ namespace: 'N', dimension_rollup_option: 'NoDimensionRollup' });
    const many = Array.from({ length: 250 }, (_, index) =>
      sample(`metric_${index}`, index, { pod: 'p' }, { type: 'gauge' }),
    );
    const documents = parse(buildEmfEvents(many, settings, new DeltaTracker()));
    expect(
      documents.map((document) => document._aws?.CloudWatchMetrics.flatMap((directive) => directive.Metrics).length),
    ).toEqual([MAX_METRICS_PER_EVENT, MAX_METRICS_PER_EVENT, 50]);
    const names = new Set(
      documents.flatMap((document) => Object.keys(document).filter((key) => key.startsWith('metric_'))),
    );
    expect(names.size).toBe(250);
    expect(documents.every((document) => document.pod === 'p')).toBe(true);
  });

  it('groups by labels and timestamp: different label values or times are separate events', () => {
    const settings = emfSettings({ namespace: 'N', dimension_rollup_option: 'NoDimensionRollup' });
    const events = buildEmfEvents(
      [
        sample('a', 1, { pod: 'x' }, { type: 'gauge' }),
        sample('b', 2, { pod: 'x' }, { type: 'gauge' }),
        sample('a', 3, { pod: 'y' }, { type: 'gauge' }),
        sample('a', 4, { pod: 'x' }, { type: 'gauge', timestampMs: T0 + 1 }),
      ],
      settings,
      new DeltaTracker(),
    );
    expect(events.map((event) => event.timestamp)).toEqual([T0, T0, T0 + 1]);
    expect(parse(events)[0]).toMatchObject({ a: 1, b: 2, pod: 'x' });
  });

  it('resource_to_telemetry_conversion decides whether job and instance are dimensions; the namespace defaults to the job', () => {
    const labels = { job: 'shop', instance: '10.0.0.1:8080', pod: 'p' };
    const off = parse(
      buildEmfEvents(
        [sample('g', 1, labels, { type: 'gauge' })],
        emfSettings({ dimension_rollup_option: 'NoDimensionRollup' }),
        new DeltaTracker(),
      ),
    );
    expect(off[0]?._aws?.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'shop', Dimensions: [['pod']] });
    expect(off[0]?.job).toBeUndefined();
    const on = parse(
      buildEmfEvents(
        [sample('g', 1, labels, { type: 'gauge' })],
        emfSettings({
          dimension_rollup_option: 'NoDimensionRollup',
          resource_to_telemetry_conversion: { enabled: true },
        }),
        new DeltaTracker(),
      ),
    );
    expect(on[0]?._aws?.CloudWatchMetrics[0]?.Dimensions).toEqual([['instance', 'job', 'pod']]);
  });

  it('a histogram family becomes one statistic set of deltas, bounded by the buckets that gained observations', () => {
    const settings = emfSettings({ namespace: 'N', dimension_rollup_option: 'NoDimensionRollup' });
    const tracker = new DeltaTracker();
    const histogram = (buckets: [string, number][], sum: number, count: number, at: number): MetricSample[] => [
      ...buckets.map(([le, value]) =>
        sample(
          'rt_seconds_bucket',
          value,
          { path: '/', le },
          { family: 'rt_seconds', type: 'histogram', timestampMs: at },
        ),
      ),
      sample('rt_seconds_sum', sum, { path: '/' }, { family: 'rt_seconds', type: 'histogram', timestampMs: at }),
      sample('rt_seconds_count', count, { path: '/' }, { family: 'rt_seconds', type: 'histogram', timestampMs: at }),
    ];
    expect(
      buildEmfEvents(
        histogram(
          [
            ['0.1', 10],
            ['0.5', 12],
            ['1', 12],
            ['+Inf', 12],
          ],
          1.5,
          12,
          T0,
        ),
        settings,
        tracker,
      ),
    ).toEqual([]);
    const [document] = parse(
      buildEmfEvents(
        histogram(
          [
            ['0.1', 10],
            ['0.5', 15],
            ['1', 17],
            ['+Inf', 17],
          ],
          3.0,
          17,
          T0 + 1000,
        ),
        settings,
        tracker,
      ),
    );
    expect(document).toMatchObject({
      path: '/',
      prom_metric_type: 'histogram',
      rt_seconds: { Count: 5, Sum: 1.5, Min: 0.1, Max: 1 },
    });
    expect(document?._aws?.CloudWatchMetrics[0]?.Metrics).toEqual([{ Name: 'rt_seconds', Unit: 'Seconds' }]);
  });

  it('a summary family: Count and Sum deltas, Min and Max from the lowest and highest quantiles', () => {
    const settings = emfSettings({ namespace: 'N', dimension_rollup_option: 'NoDimensionRollup' });
    const tracker = new DeltaTracker();
    const summary = (sum: number, count: number, at: number): MetricSample[] => [
      sample('gc', 0.01, { quantile: '0' }, { type: 'summary', timestampMs: at }),
      sample('gc', 0.2, { quantile: '0.5' }, { type: 'summary', timestampMs: at }),
      sample('gc', 0.9, { quantile: '1' }, { type: 'summary', timestampMs: at }),
      sample('gc_sum', sum, {}, { family: 'gc', type: 'summary', timestampMs: at }),
      sample('gc_count', count, {}, { family: 'gc', type: 'summary', timestampMs: at }),
    ];
    expect(buildEmfEvents(summary(10, 100, T0), settings, tracker)).toEqual([]);
    const [document] = parse(buildEmfEvents(summary(12, 110, T0 + 1), settings, tracker));
    expect(document?.gc).toEqual({ Count: 10, Sum: 2, Min: 0.01, Max: 0.9 });
  });

  it('units: metric_descriptors first, then the Prometheus naming conventions', () => {
    const descriptors = emfSettings({
      metric_descriptors: [{ metric_name: 'queue_depth', unit: 'Count' }],
    }).descriptors;
    expect(unitOf({ name: 'queue_depth', type: 'gauge' }, descriptors)).toBe('Count');
    expect(unitOf({ name: 'cpu_seconds_total', type: 'counter' }, [])).toBe('Seconds');
    expect(unitOf({ name: 'heap_bytes', type: 'gauge' }, [])).toBe('Bytes');
    expect(unitOf({ name: 'http_requests_total', type: 'counter' }, [])).toBe('Count');
    expect(unitOf({ name: 'temperature', type: 'gauge' }, [])).toBe('None');
  });

  it('disable_metric_extraction sends the structured logs without directives', () => {
    const [document] = parse(
      buildEmfEvents(
        [sample('g', 1, { a: 'x' }, { type: 'gauge' })],
        emfSettings({ namespace: 'N', disable_metric_extraction: true }),
        new DeltaTracker(),
      ),
    );
    expect(document).toEqual({ a: 'x', g: 1, prom_metric_type: 'gauge' });
  });
});

describe('awsemf: settings', () => {
  const read = (raw: Record<string, unknown>) => () =>
    readAwsEmfSettings(new Settings({ region: 'us-east-1', ...raw }, 'exporters.awsemf'));

  it('has the awsemf defaults', () => {
    const settings = read({})();
    expect(settings.logGroupName).toBe('/metrics/default');
    expect(settings.logStreamName).toBe('otel-stream');
    expect(settings.emf.resourceToTelemetry).toBe(false);
  });

  it('refuses what it does not implement, naming the key', () => {
    const failure = (raw: Record<string, unknown>): string => {
      try {
        read(raw)();
      } catch (error) {
        return `${(error as SettingsError).path}: ${(error as Error).message}`;
      }
      return 'accepted';
    };
    expect(failure({ version: '0' })).toBe('exporters.awsemf.version: unknown setting "version"');
    expect(failure({ output_destination: 'file' })).toMatch(
      /^exporters.awsemf.output_destination: "file" is not an output destination/,
    );
    expect(failure({ dimension_rollup_option: 'AllRollups' })).toMatch(
      /^exporters.awsemf.dimension_rollup_option: .*not a rollup option/,
    );
    expect(failure({ metric_declarations: [{ dimensions: [['a']] }] })).toBe(
      'exporters.awsemf.metric_declarations[0].metric_name_selectors: must list at least one regular expression',
    );
    expect(failure({ metric_declarations: [{ metric_name_selectors: ['('] }] })).toMatch(
      /^exporters.awsemf.metric_declarations\[0\].metric_name_selectors\[0\]: .*not a valid regular expression/,
    );
    expect(failure({ region: undefined })).toBe('exporters.awsemf.region: is required');
  });
});
