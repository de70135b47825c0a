import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import { startDemoApp, startPrometheus, type DemoApp, type PrometheusServer } from '../helpers/collector-prometheus.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

function config(app: string, remoteWrite: string): string {
  return `
receivers:
  prometheus:
    config:
      global:
        scrape_interval: 500ms
        scrape_timeout: 400ms
      scrape_configs:
        - job_name: demo
          static_configs:
            - targets: ['${app}']
              labels: {team: shop}
          metric_relabel_configs:
            - source_labels: [__name__]
              regex: request_seconds_(sum|count)
              action: drop
            - source_labels: [method]
              target_label: http_method
              replacement: $$1
processors:
  batch/metrics:
    timeout: 200ms
exporters:
  prometheusremotewrite:
    endpoint: ${remoteWrite}
    external_labels: {cluster: demo}
service:
  telemetry: {metrics: {address: "127.0.0.1:0"}}
  pipelines:
    metrics:
      receivers: [prometheus]
      processors: [batch/metrics]
      exporters: [prometheusremotewrite]
`;
}

describe('collector: demo app -> prometheus receiver -> remote write -> a real Prometheus', () => {
  let prometheus: PrometheusServer;
  let app: DemoApp;
  let collector: RunningCollector;
  const logger = memoryLogger();

  beforeAll(async () => {
    [prometheus, app] = await Promise.all([startPrometheus(), startDemoApp()]);
    const { config: prepared } = prepareConfigText(
      config(app.address, `${prometheus.url}/api/v1/write`),
      'otel.yaml',
      {},
    );
    collector = await startCollector({ config: prepared, env: {}, logger });
  }, 30_000);

  afterAll(async () => {
    await collector?.shutdown();
    await Promise.all([prometheus?.close(), app?.close()]);
  });

  it('sum(rate(http_requests_total[5m])) is positive, with the target and external labels', async () => {
    const result = await eventually(
      () => prometheus.query('sum(rate(http_requests_total[5m]))'),
      (rows) => rows.length === 1 && Number(rows[0]?.value[1]) > 0,
      20_000,
    );
    expect(Number(result[0]?.value[1])).toBeGreaterThan(0);
    // the sum may be positive from the code="500" series alone; code="200" may be on another remote write shard
    const series = await eventually(
      () => prometheus.query('http_requests_total{code="200"}'),
      (rows) => rows.length === 1,
    );
    expect(series[0]?.metric).toEqual({
      __name__: 'http_requests_total',
      cluster: 'demo',
      code: '200',
      http_method: 'GET',
      instance: app.address,
      job: 'demo',
      method: 'GET',
      team: 'shop',
    });
  });

  it('writes up and the histogram buckets, and metric_relabel_configs dropped _sum/_count', async () => {
    const up = await eventually(
      () => prometheus.query('up{job="demo"}'),
      (rows) => rows.length === 1,
    );
    expect(up[0]?.value[1]).toBe('1');
    // the buckets are other series than `up`, possibly on other remote write shards: they may land later
    const buckets = await eventually(
      () => prometheus.query('request_seconds_bucket'),
      (rows) => rows.length === 2,
    );
    expect(buckets.map((row) => row.metric.le).sort()).toEqual(['+Inf', '0.1']);
    expect(await prometheus.query('request_seconds_count')).toEqual([]);
    expect(
      collector.metrics.value('otelcol_exporter_dropped_metric_points', {
        exporter: 'prometheusremotewrite',
        reason: 'permanent_error',
      }),
    ).toBe(0);
  });
});
