import { describe, expect, it } from 'vitest';
import { Settings, type SettingsError } from '../../src/collector/config/settings.js';
import type { MetricSample } from '../../src/collector/model.js';
import { readMetricsTransformSettings, transformSamples } from '../../src/collector/processors/metricstransform.js';

function sample(name: string, labels: Record<string, string>, overrides: Partial<MetricSample> = {}): MetricSample {
  return { name, family: name, type: 'counter', labels, value: 1, timestampMs: 0, ...overrides };
}

function run(raw: unknown, samples: MetricSample[]): MetricSample[] {
  return transformSamples(readMetricsTransformSettings(new Settings(raw, 'processors.metricstransform')), samples);
}

function failure(raw: unknown): string {
  try {
    readMetricsTransformSettings(new Settings(raw, 'processors.metricstransform'));
  } catch (error) {
    return `${(error as SettingsError).path}: ${(error as Error).message}`;
  }
  return 'accepted';
}

/** processors.metricstransform/labelling of templates/collector/cloudwatch.yaml, with the cluster name filled in */
const labelling = {
  transforms: [
    {
      include: '.*',
      match_type: 'regexp',
      action: 'update',
      operations: [
        { action: 'add_label', new_label: 'EKS_Cluster', new_value: 'demo' },
        { action: 'update_label', label: 'kubernetes_pod_name', new_label: 'EKS_PodName' },
        { action: 'update_label', label: 'kubernetes_namespace', new_label: 'EKS_Namespace' },
      ],
    },
  ],
};

describe('metricstransform processor', () => {
  it('applies the cloudwatch template labelling: adds EKS_Cluster, renames the pod and namespace labels', () => {
    const [out] = run(labelling, [
      sample('http_requests_total', { kubernetes_pod_name: 'web-1', kubernetes_namespace: 'shop', code: '200' }),
    ]);
    expect(out?.labels).toEqual({ EKS_Cluster: 'demo', EKS_PodName: 'web-1', EKS_Namespace: 'shop', code: '200' });
    expect(out?.name).toBe('http_requests_total');
    // a sample without the pod label only gains the cluster
    const [bare] = run(labelling, [sample('up', { job: 'x' })]);
    expect(bare?.labels).toEqual({ job: 'x', EKS_Cluster: 'demo' });
  });

  it('update renames in place (regexp groups feed $1), keeping histogram suffixes', () => {
    const out = run(
      { transforms: [{ include: '^old_(.*)$', match_type: 'regexp', action: 'update', new_name: 'new_$1' }] },
      [
        sample('old_latency_bucket', { le: '1' }, { family: 'old_latency', type: 'histogram' }),
        sample('old_latency_count', {}, { family: 'old_latency', type: 'histogram' }),
        sample('other', {}),
      ],
    );
    expect(out.map((item) => [item.name, item.family])).toEqual([
      ['new_latency_bucket', 'new_latency'],
      ['new_latency_count', 'new_latency'],
      ['other', 'other'],
    ]);
  });

  it('insert keeps the original and adds a transformed copy', () => {
    const out = run(
      {
        transforms: [
          {
            include: 'requests_total',
            action: 'insert',
            new_name: 'requests_by_status_total',
            operations: [
              { action: 'update_label', label: 'code', value_actions: [{ value: '500', new_value: 'error' }] },
            ],
          },
        ],
      },
      [sample('requests_total', { code: '500' }), sample('requests_totally', { code: '500' })],
    );
    expect(out.map((item) => `${item.name}{code=${item.labels.code}}`)).toEqual([
      'requests_total{code=500}',
      'requests_by_status_total{code=error}',
      'requests_totally{code=500}',
    ]);
  });

  it('delete_label_value drops the points whose label has that value', () => {
    const out = run(
      {
        transforms: [
          {
            include: 'requests_total',
            action: 'update',
            operations: [{ action: 'delete_label_value', label: 'code', label_value: '404' }],
          },
        ],
      },
      [sample('requests_total', { code: '404' }), sample('requests_total', { code: '200' })],
    );
    expect(out.map((item) => item.labels.code)).toEqual(['200']);
  });

  it('refuses actions and operations it does not implement, naming the key', () => {
    expect(failure({ transforms: [{ include: 'a', action: 'combine', new_name: 'b' }] })).toBe(
      'processors.metricstransform.transforms[0].action: "combine" is not supported',
    );
    expect(
      failure({
        transforms: [
          { include: 'a', action: 'update', operations: [{ action: 'aggregate_labels', label_set: ['x'] }] },
        ],
      }),
    ).toBe(
      'processors.metricstransform.transforms[0].operations[0].action: operation "aggregate_labels" is not supported',
    );
    expect(failure({ transforms: [{ include: 'a', action: 'insert' }] })).toBe(
      'processors.metricstransform.transforms[0].new_name: is required when action is insert',
    );
    expect(
      failure({
        transforms: [{ include: 'a', action: 'update', operations: [{ action: 'add_label', new_label: 'x' }] }],
      }),
    ).toBe('processors.metricstransform.transforms[0].operations[0].new_value: is required');
    expect(
      failure({ transforms: [{ include: 'a', action: 'update', experimental_match_labels: { x: 'y' } }] }),
    ).toMatch(/experimental_match_labels: unknown setting/);
    expect(failure({ transforms: [] })).toBe(
      'processors.metricstransform.transforms: must list at least one transform',
    );
  });
});
