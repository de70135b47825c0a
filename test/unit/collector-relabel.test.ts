import { describe, expect, it } from 'vitest';
import { Settings, SettingsError } from '../../src/collector/config/settings.js';
import { hashmod, readRelabelRules, relabel } from '../../src/collector/receivers/prometheus/relabel.js';

const rules = (list: unknown[]) => readRelabelRules(list, 'relabel_configs', (raw, path) => new Settings(raw, path));

describe('Prometheus relabeling', () => {
  const pod = {
    __address__: '10.0.0.7:8080',
    __meta_kubernetes_namespace: 'shop',
    __meta_kubernetes_pod_name: 'cart-7d9',
    __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
    __meta_kubernetes_pod_annotation_prometheus_io_port: '9102',
    __meta_kubernetes_pod_label_app: 'cart',
  };

  it('replace: the templates rewrite __address__ with the annotated port ($1:$2, after $$ unescaping)', () => {
    const result = relabel(
      pod,
      rules([
        {
          source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'],
          action: 'replace',
          regex: '([^:]+)(?::\\d+)?;(\\d+)',
          replacement: '$1:$2',
          target_label: '__address__',
        },
        { source_labels: ['__meta_kubernetes_namespace'], target_label: 'kubernetes_namespace' },
      ]),
    );
    expect(result?.__address__).toBe('10.0.0.7:9102');
    expect(result?.kubernetes_namespace).toBe('shop');
  });

  it('replace with a regex that does not match leaves the labels alone; an empty result removes the target', () => {
    expect(
      relabel(pod, rules([{ source_labels: ['__meta_kubernetes_namespace'], regex: 'kube-.*', target_label: 'x' }])),
    ).toEqual(pod);
    const cleared = relabel(
      { ...pod, team: 'a' },
      rules([{ source_labels: ['missing'], target_label: 'team', replacement: '$1' }]),
    );
    expect(cleared?.team).toBeUndefined();
  });

  it('keep and drop (the regex is anchored at both ends)', () => {
    const keep = rules([
      { source_labels: ['__meta_kubernetes_pod_annotation_prometheus_io_scrape'], action: 'keep', regex: true },
    ]);
    expect(relabel(pod, keep)).toEqual(pod);
    expect(relabel({ ...pod, __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'truely' }, keep)).toBeUndefined();
    const drop = rules([{ source_labels: ['__meta_kubernetes_namespace'], action: 'drop', regex: 'sh' }]);
    expect(relabel(pod, drop)).toEqual(pod);
    expect(
      relabel(pod, rules([{ source_labels: ['__meta_kubernetes_namespace'], action: 'drop', regex: 'sh.p' }])),
    ).toBeUndefined();
  });

  it('labelmap copies matching labels under the replacement name; Go named groups work', () => {
    const mapped = relabel(
      pod,
      rules([{ action: 'labelmap', regex: '__meta_kubernetes_pod_label_(?P<name>.+)', replacement: '${name}' }]),
    );
    expect(mapped?.app).toBe('cart');
    expect(mapped?.__meta_kubernetes_pod_label_app).toBe('cart');
  });

  it('labeldrop and labelkeep', () => {
    const labels = { job: 'api', instance: 'a:1', pod_template_hash: 'x', le: '0.1' };
    expect(relabel(labels, rules([{ action: 'labeldrop', regex: 'pod_template_hash|le' }]))).toEqual({
      job: 'api',
      instance: 'a:1',
    });
    expect(relabel(labels, rules([{ action: 'labelkeep', regex: 'job|le' }]))).toEqual({ job: 'api', le: '0.1' });
  });

  it('hashmod spreads values over every shard and writes the shard to the target label', () => {
    // the agreement with Prometheus itself is checked in test/conformance/collector-prometheus.test.ts
    const shards = new Set(Array.from({ length: 200 }, (_, index) => hashmod(`10.0.${index}.1:9100`, 4)));
    expect([...shards].sort()).toEqual([0, 1, 2, 3]);
    const result = relabel(
      pod,
      rules([{ source_labels: ['__address__'], action: 'hashmod', modulus: 8, target_label: '__tmp_hash' }]),
    );
    expect(result?.__tmp_hash).toBe(String(hashmod('10.0.0.7:8080', 8)));
  });

  it('refuses bad rules with the path of the key', () => {
    const path = (list: unknown[]) => {
      try {
        rules(list);
      } catch (error) {
        return (error as SettingsError).path;
      }
      return 'none';
    };
    expect(path([{ action: 'rename' }])).toBe('relabel_configs[0].action');
    expect(
      path([
        { action: 'labeldrop', regex: 'x' },
        { action: 'hashmod', target_label: 'x' },
      ]),
    ).toBe('relabel_configs[1].modulus');
    expect(path([{ regex: '(unclosed', target_label: 'x' }])).toBe('relabel_configs[0].regex');
    expect(path([{ action: 'replace' }])).toBe('relabel_configs[0].target_label');
  });
});
