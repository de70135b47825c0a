import { describe, expect, it } from 'vitest';
import type { Metric } from '../../src/collector/translate/otlp-types.js';
import { metricsToSamples } from '../../src/collector/translate/metrics-to-samples.js';
import { prometheusLabelName, prometheusMetricName } from '../../src/collector/translate/prometheus-names.js';

const TIME = '1705096899123456789';
const NOW = 1_800_000_000_000;
const resource = {
  attributes: [
    { key: 'service.name', value: { stringValue: 'cart' } },
    { key: 'service.namespace', value: { stringValue: 'shop' } },
    { key: 'service.instance.id', value: { stringValue: 'cart-7d9f' } },
  ],
};
const route = [{ key: 'http.route', value: { stringValue: '/cart' } }];

function translate(metrics: Metric[]) {
  return metricsToSamples({ resourceMetrics: [{ resource, scopeMetrics: [{ metrics }] }] }, NOW);
}

describe('OTLP metrics -> samples', () => {
  it('turns gauges into gauge samples with job, instance, sanitized labels and millisecond timestamps', () => {
    const result = translate([
      {
        name: 'process.memory.usage',
        unit: 'By',
        gauge: {
          dataPoints: [
            {
              attributes: [
                { key: 'memory.type', value: { stringValue: 'heap' } },
                { key: '2xx', value: { intValue: '7' } },
              ],
              timeUnixNano: TIME,
              asInt: '52428800',
            },
            { attributes: [], asDouble: 1.5 },
          ],
        },
      },
    ]);
    expect(result.accepted).toBe(2);
    expect(result.samples).toEqual([
      {
        name: 'process_memory_usage_bytes',
        family: 'process_memory_usage_bytes',
        type: 'gauge',
        labels: { key_2xx: '7', memory_type: 'heap', job: 'shop/cart', instance: 'cart-7d9f' },
        value: 52428800,
        timestampMs: 1705096899123,
        unit: 'By',
      },
      {
        name: 'process_memory_usage_bytes',
        family: 'process_memory_usage_bytes',
        type: 'gauge',
        labels: { job: 'shop/cart', instance: 'cart-7d9f' },
        value: 1.5,
        timestampMs: NOW,
        unit: 'By',
      },
    ]);
  });

  it('makes monotonic cumulative sums counters with _total, other cumulative sums gauges, and drops delta sums', () => {
    const result = translate([
      {
        name: 'http.server.requests',
        unit: '{request}',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: true,
          dataPoints: [{ attributes: route, timeUnixNano: TIME, asInt: '42' }],
        },
      },
      {
        name: 'queue.depth',
        sum: {
          aggregationTemporality: 2,
          isMonotonic: false,
          dataPoints: [{ attributes: [], timeUnixNano: TIME, asDouble: 3 }],
        },
      },
      {
        name: 'bytes.sent',
        sum: {
          aggregationTemporality: 1,
          isMonotonic: true,
          dataPoints: [
            { attributes: [], asInt: '1' },
            { attributes: [], asInt: '2' },
          ],
        },
      },
    ]);
    expect(result.samples.map(({ name, family, type, value }) => ({ name, family, type, value }))).toEqual([
      { name: 'http_server_requests_total', family: 'http_server_requests', type: 'counter', value: 42 },
      { name: 'queue_depth', family: 'queue_depth', type: 'gauge', value: 3 },
    ]);
    expect(result.samples[0]?.labels).toEqual({ http_route: '/cart', job: 'shop/cart', instance: 'cart-7d9f' });
    expect(result).toMatchObject({ accepted: 2, dropped: 2 });
    expect(result.problem).toMatch(/bytes.sent is not cumulative/);
  });

  it('expands histograms into cumulative buckets, +Inf, _sum and _count', () => {
    const result = translate([
      {
        name: 'http.server.duration',
        unit: 'ms',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            {
              attributes: route,
              timeUnixNano: TIME,
              count: '10',
              sum: 1234.5,
              bucketCounts: ['2', '5', '3'],
              explicitBounds: [100, 500],
            },
          ],
        },
      },
    ]);
    const family = 'http_server_duration_milliseconds';
    expect(result.samples.map(({ name, labels, value, family: f, type }) => [name, labels.le, value, f, type])).toEqual(
      [
        [`${family}_bucket`, '100', 2, family, 'histogram'],
        [`${family}_bucket`, '500', 7, family, 'histogram'],
        [`${family}_bucket`, '+Inf', 10, family, 'histogram'],
        [`${family}_sum`, undefined, 1234.5, family, 'histogram'],
        [`${family}_count`, undefined, 10, family, 'histogram'],
      ],
    );
    expect(result.accepted).toBe(1);
  });

  it('expands summaries into quantile samples, _sum and _count', () => {
    const result = translate([
      {
        name: 'rpc.latency',
        unit: 's',
        summary: {
          dataPoints: [
            {
              attributes: [],
              timeUnixNano: TIME,
              count: '4',
              sum: 2,
              quantileValues: [
                { quantile: 0.5, value: 0.4 },
                { quantile: 0.99, value: 1.1 },
              ],
            },
          ],
        },
      },
    ]);
    expect(result.samples.map(({ name, labels, value, type }) => [name, labels.quantile, value, type])).toEqual([
      ['rpc_latency_seconds', '0.5', 0.4, 'summary'],
      ['rpc_latency_seconds', '0.99', 1.1, 'summary'],
      ['rpc_latency_seconds_sum', undefined, 2, 'summary'],
      ['rpc_latency_seconds_count', undefined, 4, 'summary'],
    ]);
  });

  it('drops what Prometheus cannot hold: exponential histograms, points without a recorded value, malformed buckets', () => {
    const result = translate([
      { name: 'latency', exponentialHistogram: { aggregationTemporality: 2, dataPoints: [{}, {}] } },
      {
        name: 'temp',
        gauge: {
          dataPoints: [
            { attributes: [], asDouble: 1, flags: 1 },
            { attributes: [], asDouble: 2 },
          ],
        },
      },
      {
        name: 'h',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [{ attributes: [], count: '1', bucketCounts: ['1'], explicitBounds: [1, 2] }],
        },
      },
    ]);
    expect(result).toMatchObject({ accepted: 1, dropped: 4 });
    expect(result.samples.map((sample) => sample.value)).toEqual([2]);
  });

  it('builds Prometheus names from OTLP names and units', () => {
    expect(prometheusMetricName('system.cpu.utilization', '1', 'gauge')).toBe('system_cpu_utilization_ratio');
    expect(prometheusMetricName('network.io', 'By/s', 'gauge')).toBe('network_io_bytes_per_second');
    expect(prometheusMetricName('requests.total', '', 'counter')).toBe('requests');
    expect(prometheusMetricName('latency_seconds', 's', 'other')).toBe('latency_seconds');
    expect(prometheusMetricName('5xx.count', '', 'gauge')).toBe('_5xx_count');
    expect(prometheusLabelName('k8s.pod.name')).toBe('k8s_pod_name');
  });
});
