import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Settings } from '../../src/collector/config/settings.js';
import { readScrapeTargets } from '../../src/collector/receivers/prometheus/scrape-config.js';
import { startPrometheus, type PrometheusServer } from '../helpers/collector-prometheus.js';
import { eventually } from '../helpers/eventually.js';

/** Relabeling as the templates use it, plus every action; targets are unreachable on purpose (only labels matter). */
const scrapeConfig = {
  job_name: 'relabel',
  scrape_interval: '1h',
  static_configs: [
    {
      targets: Array.from({ length: 12 }, (_, index) => `127.0.0.1:${40000 + index}`),
      labels: {
        __meta_kubernetes_namespace: 'shop',
        __meta_kubernetes_pod_label_app_kubernetes_io_name: 'cart',
        __meta_kubernetes_pod_annotation_prometheus_io_port: '9102',
        team: 'payments',
      },
    },
  ],
  relabel_configs: [
    { source_labels: ['__address__'], action: 'hashmod', modulus: 3, target_label: '__tmp_shard' },
    { source_labels: ['__tmp_shard'], action: 'keep', regex: '0|2' },
    { source_labels: ['__tmp_shard'], target_label: 'shard' },
    { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
    {
      source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
      regex: '([^:]+)(?::\\d+)?;(\\d+)',
      replacement: '$1:$2',
      target_label: 'scraped_at',
    },
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'kubernetes_namespace' },
    { action: 'labeldrop', regex: 'team' },
    { source_labels: ['kubernetes_namespace'], action: 'drop', regex: 'kube-system' },
  ],
};

describe("collector conformance: target relabeling agrees with Prometheus' own", () => {
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    prometheus = await startPrometheus(stringify({ scrape_configs: [scrapeConfig] }));
  }, 30_000);
  afterAll(async () => {
    await prometheus?.close();
  });

  it('keeps the same targets with the same labels (hashmod, keep, labelmap, replace, labeldrop, drop)', async () => {
    const theirs = await eventually(
      () => prometheus.targets(),
      (targets) => targets.length > 0,
    );
    // the collector writes $ as $$ in its configuration; here the receiver gets the already-expanded form
    const ours = readScrapeTargets(
      new Settings({ config: { scrape_configs: [scrapeConfig] } }, 'receivers.prometheus'),
    );
    const sortByInstance = (list: Record<string, string>[]) =>
      [...list].sort((a, b) => (a.instance ?? '').localeCompare(b.instance ?? ''));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.length).toBeLessThan(12);
    expect(sortByInstance(ours.map((target) => target.labels))).toEqual(
      sortByInstance(theirs.map((target) => target.labels)),
    );
  });
});
