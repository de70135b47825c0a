import { describe, expect, it } from 'vitest';
import { Settings } from '../../src/collector/config/settings.js';
import { DeltaTracker } from '../../src/collector/exporters/awsemf/delta.js';
import { buildEmfEvents } from '../../src/collector/exporters/awsemf/emf.js';
import { AwsEmfExporter } from '../../src/collector/exporters/awsemf/exporter.js';
import { readAwsEmfSettings } from '../../src/collector/exporters/awsemf/settings.js';
import type { MetricSample } from '../../src/collector/model.js';
import { componentContext } from '../helpers/collector-context.js';

const T0 = 1_714_557_600_000;

function settings(raw: Record<string, unknown>) {
  return readAwsEmfSettings(new Settings({ region: 'us-west-2', ...raw }, 'exporters.awsemf'));
}

function sample(
  name: string,
  family: string,
  type: MetricSample['type'],
  labels: Record<string, string>,
  value: number,
  timestampMs = T0,
): MetricSample {
  return { name, family, type, labels, value, timestampMs };
}

const documents = (events: { message: string }[]) =>
  events.map((event) => JSON.parse(event.message) as Record<string, unknown>);

describe('awsemf keys of the docs CloudWatch configuration', () => {
  it('parse_json_encoded_attr_values writes the JSON a label holds; other text stays text', () => {
    const emf = settings({
      parse_json_encoded_attr_values: ['Sources', 'kubernetes'],
      dimension_rollup_option: 'NoDimensionRollup',
    }).emf;
    const labels = {
      Sources: '["cadvisor","apiserver"]',
      kubernetes: '{"pod_name":"cart-1"}',
      plain: '{"x":1}',
      broken: 'x',
    };
    const [document] = documents(
      buildEmfEvents(
        [sample('container_threads', 'container_threads', 'gauge', { ...labels, broken: '{not json' }, 7)],
        { ...emf, parseJsonEncodedAttrValues: ['Sources', 'kubernetes', 'broken'] },
        new DeltaTracker(),
      ),
    );
    expect(document).toMatchObject({
      Sources: ['cadvisor', 'apiserver'],
      kubernetes: { pod_name: 'cart-1' },
      plain: '{"x":1}',
      broken: '{not json',
      container_threads: 7,
    });
  });

  it("retain_initial_value_of_delta_metric publishes a counter's first value instead of only keeping it as baseline", () => {
    const counter = (value: number, at: number) =>
      sample('requests_total', 'requests', 'counter', { job: 'api' }, value, at);
    const dropping = settings({}).emf;
    const retaining = settings({ retain_initial_value_of_delta_metric: true }).emf;
    expect(buildEmfEvents([counter(10, T0)], dropping, new DeltaTracker())).toEqual([]);
    const tracker = new DeltaTracker();
    expect(documents(buildEmfEvents([counter(10, T0)], retaining, tracker))[0]).toMatchObject({ requests_total: 10 });
    expect(documents(buildEmfEvents([counter(25, T0 + 15_000)], retaining, tracker))[0]).toMatchObject({
      requests_total: 15,
    });
  });

  it('detailed_metrics publishes a summary as _sum, _count and one metric per quantile, not a statistic set', () => {
    const summary = (at: number, count: number, sum: number) => [
      sample('rpc_seconds', 'rpc_seconds', 'summary', { job: 'api', quantile: '0.5' }, 0.2, at),
      sample('rpc_seconds', 'rpc_seconds', 'summary', { job: 'api', quantile: '0.99' }, 0.9, at),
      sample('rpc_seconds_sum', 'rpc_seconds', 'summary', { job: 'api' }, sum, at),
      sample('rpc_seconds_count', 'rpc_seconds', 'summary', { job: 'api' }, count, at),
    ];
    const emf = settings({ detailed_metrics: true, resource_to_telemetry_conversion: { enabled: true } }).emf;
    const tracker = new DeltaTracker();
    buildEmfEvents(summary(T0, 10, 3), emf, tracker);
    const published = documents(buildEmfEvents(summary(T0 + 15_000, 14, 4.5), emf, tracker));
    expect(published.find((document) => document['quantile'] === '0.5')).toMatchObject({ rpc_seconds: 0.2 });
    expect(published.find((document) => document['quantile'] === '0.99')).toMatchObject({ rpc_seconds: 0.9 });
    expect(published.find((document) => 'rpc_seconds_sum' in document)).toMatchObject({
      rpc_seconds_sum: 1.5,
      rpc_seconds_count: 4,
    });
    const statistics = documents(buildEmfEvents(summary(T0 + 30_000, 20, 6), settings({}).emf, new DeltaTracker()));
    expect(statistics[0]?.['rpc_seconds']).toEqual({ Count: 20, Sum: 6, Min: 0.2, Max: 0.9 });
  });

  it('output_destination stdout prints each EMF event on standard output and sends nothing', async () => {
    const context = componentContext('awsemf', 'exporters');
    const exporter = new AwsEmfExporter(
      context,
      settings({ output_destination: 'stdout', namespace: 'ContainerInsights/Prometheus' }),
      1_000,
    );
    await exporter.start();
    exporter.consume([sample('queue_depth', 'queue_depth', 'gauge', { job: 'api' }, 3)]);
    await exporter.shutdown();
    expect(context.lines).toHaveLength(1);
    expect(JSON.parse(context.lines[0] ?? '{}')).toMatchObject({ queue_depth: 3 });
    expect(context.metrics.value('otelcol_exporter_sent_log_records', { exporter: 'awsemf' })).toBe(0);
  });
});
