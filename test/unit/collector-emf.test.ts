import { describe, expect, it } from 'vitest';
import { Settings, type SettingsError } from '../../src/collector/config/settings.js';
import { DeltaTracker } from '../../src/collector/exporters/awsemf/delta.js';
import { dedupDimensions, dimensionRollup } from '../../src/collector/exporters/awsemf/dimensions.js';
import { buildEmfEvents, translateUnit } from '../../src/collector/exporters/awsemf/emf.js';
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
  Version?: string;
  _aws?: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }[];
  };
  [field: string]: unknown;
}

function parse(events: { message: string }[]): EmfDocument[] {
  return events.map((event) => JSON.parse(event.message) as EmfDocument);
}

/** Sets compared without regard to order, as upstream's assertDimsEqual compares them. */
function normalized(sets: string[][] | undefined): string[][] {
  return (sets ?? []).map((set) => [...set].sort()).sort((a, b) => a.join(',').localeCompare(b.join(',')));
}

describe('awsemf: EMF events', () => {
  // opentelemetry-collector-contrib exporter/awsemfexporter/metric_translator_test.go, TestTranslateCWMetricToEMF
  // "WithMeasurementAndEMFV1": the message of labels {OTelLib, spanName} and spanCounter (Unit Count) under
  // ZeroAndSingleDimensionRollup, without the parse_json_encoded_attr_values fields (Sources, kubernetes) of that case
  it('writes the EMF v1 document as awsemf does: sorted fields, Version "1", _aws with its directives', () => {
    const events = buildEmfEvents(
      [
        sample(
          'spanCounter',
          0,
          { OTelLib: 'cloudwatch-otel', spanName: 'test' },
          { type: 'gauge', timestampMs: 1596151098037 },
        ),
      ],
      emfSettings({ namespace: 'test-emf', metric_descriptors: [{ metric_name: 'spanCounter', unit: 'Count' }] }),
      new DeltaTracker(),
    );
    expect(events).toEqual([
      {
        timestamp: 1596151098037,
        message:
          '{"OTelLib":"cloudwatch-otel","Version":"1","_aws":{"CloudWatchMetrics":[{"Namespace":"test-emf",' +
          '"Dimensions":[["OTelLib"],["OTelLib","spanName"]],"Metrics":[{"Name":"spanCounter","Unit":"Count"}]}],' +
          '"Timestamp":1596151098037},"spanCounter":0,"spanName":"test"}',
      },
    ]);
  });

  it('counters: the first point is dropped, then deltas; after a reset the current value is sent (calculateDelta)', () => {
    const settings = emfSettings({ namespace: 'Shop', dimension_rollup_option: 'NoDimensionRollup' });
    const tracker = new DeltaTracker();
    const labels = { method: 'GET' };
    expect(buildEmfEvents([sample('http_requests_total', 10, labels)], settings, tracker)).toEqual([]);
    const second = parse(
      buildEmfEvents([sample('http_requests_total', 25, labels, { timestampMs: T0 + 15_000 })], settings, tracker),
    );
    expect(second).toEqual([
      {
        Version: '1',
        _aws: {
          Timestamp: T0 + 15_000,
          CloudWatchMetrics: [
            { Namespace: 'Shop', Dimensions: [['method']], Metrics: [{ Name: 'http_requests_total' }] },
          ],
        },
        method: 'GET',
        http_requests_total: 15,
      },
    ]);
    // 3 < 25: a reset; awsemf keeps the delta only when it is not negative, else sends the value itself
    const third = parse(
      buildEmfEvents([sample('http_requests_total', 3, labels, { timestampMs: T0 + 30_000 })], settings, tracker),
    );
    expect(third[0]?.http_requests_total).toBe(3);
    const fourth = parse(
      buildEmfEvents([sample('http_requests_total', 7, labels, { timestampMs: T0 + 45_000 })], settings, tracker),
    );
    expect(fourth[0]?.http_requests_total).toBe(4);
  });

  it('retain_initial_value_of_delta_metric sends the first point of a counter as it is', () => {
    const settings = { ...emfSettings({ namespace: 'Shop' }), retainInitialValueOfDeltaMetric: true } as EmfSettings;
    const [document] = parse(buildEmfEvents([sample('jobs_total', 10)], settings, new DeltaTracker()));
    expect(document?.jobs_total).toBe(10);
  });

  it('keeps a delta per series, and sends gauges as they are from the first point, in groups of one metric type', () => {
    const settings = emfSettings({ namespace: 'Shop', dimension_rollup_option: 'NoDimensionRollup' });
    const tracker = new DeltaTracker();
    const batch = (get: number, post: number, temperature: number, at: number) => [
      sample('requests_total', get, { method: 'GET' }, { timestampMs: at }),
      sample('requests_total', post, { method: 'POST' }, { timestampMs: at }),
      sample('temperature_celsius', temperature, { method: 'GET' }, { type: 'gauge', timestampMs: at }),
    ];
    const first = parse(buildEmfEvents(batch(100, 5, 21.5, T0), settings, tracker));
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ temperature_celsius: 21.5, method: 'GET' });
    const second = parse(buildEmfEvents(batch(130, 6, 22, T0 + 1000), settings, tracker));
    expect(second.map((document) => [document.method, document.requests_total, document.temperature_celsius])).toEqual([
      ['GET', 30, undefined],
      ['POST', 1, undefined],
      ['GET', undefined, 22],
    ]);
  });

  it('drops NaN and infinite values (IsStaleNaNInf)', () => {
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
        Metrics: [{ Name: 'http_requests_total' }],
      },
    ]);
    // the unselected metric is still a field of the event, without a directive
    expect(document).toMatchObject({ memory_bytes: 100, http_requests_total: 5, code: '200', EKS_PodName: 'web-1' });

    const [plain] = parse(
      buildEmfEvents([sample('memory_bytes', 1, labels, { type: 'gauge' })], settings, new DeltaTracker()),
    );
    expect(plain?._aws).toBeUndefined();
    expect(plain?.Version).toBeUndefined();
    expect(plain?.memory_bytes).toBe(1);
  });

  // aws-otel-collector config/eks/prometheus/config-all.yaml: the haproxy declaration, whose matcher joins Service
  // and frontend with the default separator ";"
  it('label_matchers: a declaration applies when any matcher matches the joined label values', () => {
    const settings = emfSettings({
      namespace: 'ContainerInsights/Prometheus',
      dimension_rollup_option: 'NoDimensionRollup',
      metric_declarations: [
        {
          dimensions: [['Service', 'Namespace', 'ClusterName', 'frontend', 'code']],
          metric_name_selectors: ['^haproxy_frontend_http_responses_total$'],
          label_matchers: [
            { label_names: ['container_name'], regex: '^never$' },
            {
              label_names: ['Service', 'frontend'],
              regex:
                '.*haproxy-ingress-.*metrics;(httpfront-shared-frontend|httpfront-default-backend|httpsfront|_front_http)',
            },
          ],
        },
      ],
    });
    const labels = (frontend: string) => ({
      Service: 'haproxy-ingress-metrics',
      Namespace: 'ingress',
      ClusterName: 'demo',
      frontend,
      code: '2xx',
    });
    const events = parse(
      buildEmfEvents(
        [
          sample('haproxy_frontend_http_responses_total', 1, labels('httpsfront'), { type: 'gauge' }),
          sample('haproxy_frontend_http_responses_total', 1, labels('stats'), { type: 'gauge' }),
        ],
        settings,
        new DeltaTracker(),
      ),
    );
    expect(
      events.find((document) => document.frontend === 'httpsfront')?._aws?.CloudWatchMetrics[0]?.Dimensions,
    ).toEqual([['ClusterName', 'Namespace', 'Service', 'code', 'frontend']]);
    expect(events.find((document) => document.frontend === 'stats')?._aws).toBeUndefined();
  });

  it('metrics selected by different declarations get a directive each; duplicate sets are written once', () => {
    const settings = emfSettings({
      namespace: 'N',
      dimension_rollup_option: 'NoDimensionRollup',
      metric_declarations: [
        { dimensions: [['a'], ['b', 'a'], ['a', 'b', 'a']], metric_name_selectors: ['^x$', '^y$'] },
        { dimensions: [['b']], metric_name_selectors: ['^y$'] },
      ],
    });
    const [document] = parse(
      buildEmfEvents(
        [sample('x', 1, { a: '1', b: '2' }, { type: 'gauge' }), sample('y', 2, { a: '1', b: '2' }, { type: 'gauge' })],
        settings,
        new DeltaTracker(),
      ),
    );
    expect(document?._aws?.CloudWatchMetrics).toEqual([
      { Namespace: 'N', Dimensions: [['a'], ['a', 'b']], Metrics: [{ Name: 'x' }] },
      { Namespace: 'N', Dimensions: [['a'], ['a', 'b'], ['b']], Metrics: [{ Name: 'y' }] },
    ]);
  });

  it('rollup without declarations: every label as one set, then the rollup sets (groupedMetricToCWMeasurement)', () => {
    const dimensionsWith = (option: string, labels: Record<string, string>) => {
      const [document] = parse(
        buildEmfEvents(
          [sample('g', 1, labels, { type: 'gauge' })],
          emfSettings({ namespace: 'N', dimension_rollup_option: option }),
          new DeltaTracker(),
        ),
      );
      return document?._aws?.CloudWatchMetrics[0]?.Dimensions;
    };
    const two = { a: '1', b: '2' };
    expect(dimensionsWith('NoDimensionRollup', two)).toEqual([['a', 'b']]);
    expect(dimensionsWith('SingleDimensionRollupOnly', two)).toEqual([['a', 'b'], ['a'], ['b']]);
    expect(dimensionsWith('ZeroAndSingleDimensionRollup', two)).toEqual([['a', 'b'], [], ['a'], ['b']]);
    // one label: the set of every label would repeat its single-dimension set, so it is left out
    expect(dimensionsWith('SingleDimensionRollupOnly', { a: '1' })).toEqual([['a']]);
    expect(dimensionsWith('ZeroAndSingleDimensionRollup', { a: '1' })).toEqual([[], ['a']]);
    expect(dimensionsWith('ZeroAndSingleDimensionRollup', {})).toEqual([[]]);
    // the default is ZeroAndSingleDimensionRollup, as in awsemf
    expect(emfSettings().dimensionRollup).toBe('ZeroAndSingleDimensionRollup');
  });

  it('declarations plus rollup: declared sets first, then the rollup sets, without duplicates', () => {
    const settings = emfSettings({
      namespace: 'N',
      dimension_rollup_option: 'SingleDimensionRollupOnly',
      metric_declarations: [{ dimensions: [['b'], ['b', 'a']], metric_name_selectors: ['.*'] }],
    });
    const [document] = parse(
      buildEmfEvents([sample('g', 1, { a: '1', b: '2' }, { type: 'gauge' })], settings, new DeltaTracker()),
    );
    expect(document?._aws?.CloudWatchMetrics[0]?.Dimensions).toEqual([['b'], ['a', 'b'], ['a']]);
  });

  it('groups by labels, timestamp and index among the metric points: two points of one metric never share an event', () => {
    const settings = emfSettings({ namespace: 'N', dimension_rollup_option: 'NoDimensionRollup' });
    const events = buildEmfEvents(
      [
        sample('a', 1, { pod: 'x' }, { type: 'gauge' }),
        sample('b', 2, { pod: 'x' }, { type: 'gauge' }),
        sample('a', 3, { pod: 'y' }, { type: 'gauge' }),
        sample('a', 4, { pod: 'x' }, { type: 'gauge', timestampMs: T0 + 1 }),
        sample('a', 5, { pod: 'x' }, { type: 'gauge' }),
      ],
      settings,
      new DeltaTracker(),
    );
    expect(events.map((event) => event.timestamp)).toEqual([T0, T0, T0 + 1, T0]);
    expect(parse(events).map(({ a, b, pod }) => ({ a, b, pod }))).toEqual([
      { a: 1, b: 2, pod: 'x' },
      { a: 3, b: undefined, pod: 'y' },
      { a: 4, b: undefined, pod: 'x' },
      { a: 5, b: undefined, pod: 'x' },
    ]);
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

  it('a histogram family is one {Max, Min, Count, Sum} as the point carries it: not a delta, no min/max (0)', () => {
    const settings = emfSettings({ namespace: 'N', dimension_rollup_option: 'NoDimensionRollup' });
    const histogram: MetricSample[] = [
      ...(
        [
          ['0.1', 10],
          ['+Inf', 12],
        ] as const
      ).map(([le, value]) =>
        sample('rt_seconds_bucket', value, { path: '/', le }, { family: 'rt_seconds', type: 'histogram' }),
      ),
      sample('rt_seconds_sum', 1.5, { path: '/' }, { family: 'rt_seconds', type: 'histogram' }),
      sample('rt_seconds_count', 12, { path: '/' }, { family: 'rt_seconds', type: 'histogram' }),
    ];
    const [document] = parse(buildEmfEvents(histogram, settings, new DeltaTracker()));
    expect(document).toEqual({
      Version: '1',
      _aws: {
        Timestamp: T0,
        CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['path']], Metrics: [{ Name: 'rt_seconds' }] }],
      },
      path: '/',
      rt_seconds: { Max: 0, Min: 0, Count: 12, Sum: 1.5 },
    });
    expect(buildEmfEvents(histogram, settings, new DeltaTracker())[0]?.message).toContain(
      '"rt_seconds":{"Max":0,"Min":0,"Count":12,"Sum":1.5}',
    );
  });

  it('a summary family: Count and Sum as they are, Min and Max the first and last quantile values', () => {
    const settings = emfSettings({ namespace: 'N', dimension_rollup_option: 'NoDimensionRollup' });
    const summary: MetricSample[] = [
      sample('gc', 0.01, { quantile: '0' }, { type: 'summary' }),
      sample('gc', 0.2, { quantile: '0.5' }, { type: 'summary' }),
      sample('gc', 0.9, { quantile: '1' }, { type: 'summary' }),
      sample('gc_sum', 12, {}, { family: 'gc', type: 'summary' }),
      sample('gc_count', 110, {}, { family: 'gc', type: 'summary' }),
    ];
    const [document] = parse(buildEmfEvents(summary, settings, new DeltaTracker()));
    expect(document?.gc).toEqual({ Max: 0.9, Min: 0.01, Count: 110, Sum: 12 });
  });

  it('a unit only when the metric has one, as translateUnit gives it', () => {
    const [document] = parse(
      buildEmfEvents(
        [sample('http.server.duration', 3, {}, { type: 'gauge', unit: 'ms' })],
        emfSettings({ namespace: 'N' }),
        new DeltaTracker(),
      ),
    );
    expect(document?._aws?.CloudWatchMetrics[0]?.Metrics).toEqual([
      { Name: 'http.server.duration', Unit: 'Milliseconds' },
    ]);
  });

  // exporter/awsemfexporter/grouped_metric_test.go, TestTranslateUnit
  it.each([
    ['Count', 'Count'],
    ['ms', 'Milliseconds'],
    ['ns', ''],
    ['1', ''],
    ['s', 'Seconds'],
    ['us', 'Microseconds'],
    ['By', 'Bytes'],
    ['bit', 'Bits'],
  ])('translateUnit(%s) = "%s"', (unit, expected) => {
    const descriptors = emfSettings({
      metric_descriptors: [
        { metric_name: 'writeIfNotExist', unit: 'Count', overwrite: false },
        { metric_name: 'forceOverwrite', unit: 'Count', overwrite: true },
      ],
    }).descriptors;
    expect(translateUnit({ name: 'writeIfNotExist', unit }, descriptors)).toBe(expected);
    expect(translateUnit({ name: 'forceOverwrite', unit }, descriptors)).toBe('Count');
  });

  it('disable_metric_extraction sends the structured logs without directives', () => {
    const [document] = parse(
      buildEmfEvents(
        [sample('g', 1, { a: 'x' }, { type: 'gauge' })],
        emfSettings({ namespace: 'N', disable_metric_extraction: true }),
        new DeltaTracker(),
      ),
    );
    expect(document).toEqual({ a: 'x', g: 1 });
  });
});

// exporter/awsemfexporter/util_test.go, TestDimensionRollup and TestDedupDimensions
describe('awsemf: dimensionRollup and dedupDimensions, upstream cases', () => {
  const lib = { OTelLib: 'cloudwatch-otel' };
  it.each([
    ['no rollup w/o instrumentation library name', 'NoDimensionRollup', { a: 'A', b: 'B', c: 'C' }, []],
    ['no rollup w/ instrumentation library name', 'NoDimensionRollup', { a: 'A', b: 'B', c: 'C', ...lib }, []],
    [
      'single dim w/o instrumentation library name',
      'SingleDimensionRollupOnly',
      { a: 'A', b: 'B', c: 'C' },
      [['a'], ['b'], ['c']],
    ],
    [
      'single dim w/ instrumentation library name',
      'SingleDimensionRollupOnly',
      { a: 'A', b: 'B', c: 'C', ...lib },
      [
        ['OTelLib', 'a'],
        ['OTelLib', 'b'],
        ['OTelLib', 'c'],
      ],
    ],
    [
      'single dim w/o instrumentation library name and only one label',
      'SingleDimensionRollupOnly',
      { a: 'A' },
      [['a']],
    ],
    [
      'single dim w/ instrumentation library name and only one label',
      'SingleDimensionRollupOnly',
      { a: 'A', ...lib },
      [['OTelLib', 'a']],
    ],
    [
      'zero + single dim w/o instrumentation library name',
      'ZeroAndSingleDimensionRollup',
      { a: 'A', b: 'B', c: 'C' },
      [[], ['a'], ['b'], ['c']],
    ],
    [
      'zero + single dim w/ instrumentation library name',
      'ZeroAndSingleDimensionRollup',
      { a: 'A', b: 'B', c: 'C', D: 'd', ...lib },
      [['OTelLib'], ['OTelLib', 'a'], ['OTelLib', 'b'], ['OTelLib', 'c'], ['OTelLib', 'D']],
    ],
    ['zero dim rollup w/o instrumentation library name and no labels', 'ZeroAndSingleDimensionRollup', {}, []],
    ['zero dim rollup w/ instrumentation library name and no labels', 'ZeroAndSingleDimensionRollup', { ...lib }, []],
  ] as [string, EmfSettings['dimensionRollup'], Record<string, string>, string[][]][])(
    '%s',
    (_name, option, labels, expected) => {
      const rolledUp = dimensionRollup(option, labels);
      for (const set of rolledUp) expect(set).toEqual([...set].sort());
      expect(normalized(rolledUp)).toEqual(normalized(expected));
    },
  );

  it.each([
    ['single dimension', [['dim1']], [['dim1']]],
    [
      'multiple dimensions w/o duplicates',
      [['dim1'], ['dim2'], ['dim1', 'dim2']],
      [['dim1'], ['dim2'], ['dim1', 'dim2']],
    ],
    [
      'multiple dimensions w/ duplicates',
      [['dim1'], ['dim2'], ['dim1', 'dim2'], ['dim1', 'dim2']],
      [['dim1'], ['dim2'], ['dim1', 'dim2']],
    ],
  ])('dedupDimensions: %s', (_name, dimensions, deduped) => {
    expect(dedupDimensions(dimensions)).toEqual(deduped);
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

  it('lists the valid rollup options when refusing one', () => {
    expect(read({ dimension_rollup_option: 'All' })).toThrow(
      expect.objectContaining({
        hint: 'One of NoDimensionRollup, SingleDimensionRollupOnly, ZeroAndSingleDimensionRollup',
      }),
    );
  });

  // metric_declaration.go, init: sets sorted and without repeated labels, repeated sets and sets of more than 10
  // labels dropped; a label matcher's separator defaults to ";"
  it('reads declarations as awsemf initialises them', () => {
    const eleven = Array.from({ length: 11 }, (_, index) => `l${index}`);
    const [declaration] = read({
      metric_declarations: [
        {
          dimensions: [['b', 'a', 'b'], ['a', 'b'], eleven, ['c']],
          metric_name_selectors: ['^x$'],
          label_matchers: [{ label_names: ['a', 'b'], regex: '^1;2$' }],
        },
      ],
    })().emf.declarations;
    expect(declaration?.dimensions).toEqual([['a', 'b'], ['c']]);
    expect(declaration?.ignoredDimensions).toEqual([eleven]);
    expect(declaration?.labelMatchers[0]?.separator).toBe(';');
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
    expect(failure({ dimension_rollup_option: 'SingleDimensionRollup' })).toMatch(
      /^exporters.awsemf.dimension_rollup_option: "SingleDimensionRollup" is not a rollup option/,
    );
    expect(failure({ version: '0' })).toBe('exporters.awsemf.version: unknown setting "version"');
    expect(failure({ output_destination: 'file' })).toMatch(
      /^exporters.awsemf.output_destination: "file" is not an output destination/,
    );
    expect(
      failure({ metric_declarations: [{ metric_name_selectors: ['x'], label_matchers: [{ label_names: ['a'] }] }] }),
    ).toBe('exporters.awsemf.metric_declarations[0].label_matchers[0].regex: is required');
    expect(failure({ metric_declarations: [{ dimensions: [['a']] }] })).toBe(
      'exporters.awsemf.metric_declarations[0].metric_name_selectors: must list at least one regular expression',
    );
    expect(failure({ metric_declarations: [{ metric_name_selectors: ['('] }] })).toMatch(
      /^exporters.awsemf.metric_declarations\[0\].metric_name_selectors\[0\]: .*not a valid regular expression/,
    );
    expect(failure({ region: undefined })).toBe('exporters.awsemf.region: is required');
  });
});
