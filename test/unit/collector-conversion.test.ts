import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { configFromYaml, configToYaml } from '../../src/sandbox/kube/collector-config-v1beta1.js';
import {
  CollectorConversionError,
  collectorToV1alpha1,
  collectorToV1beta1,
} from '../../src/sandbox/kube/collector-conversion.js';
import { byVersionPriority } from '../../src/sandbox/kube/registry.js';
import type { KubeObject } from '../../src/sandbox/types.js';

const metadata = { name: 'observability', namespace: 'aws-otel-eks', uid: 'u-1' };

function alpha(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'opentelemetry.io/v1alpha1',
    kind: 'OpenTelemetryCollector',
    metadata,
    spec,
    ...(status ? { status } : {}),
  };
}

function beta(spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'opentelemetry.io/v1beta1', kind: 'OpenTelemetryCollector', metadata, spec };
}

const CONFIG = `receivers:
  otlp:
    protocols:
      grpc: {}
exporters:
  awsxray: {region: us-west-2}
service:
  pipelines:
    traces: {receivers: [otlp], exporters: [awsxray]}
`;

describe('v1alpha1 -> v1beta1 (tov1beta1, operator v0.102.0)', () => {
  it('parses spec.config into the Config struct and keeps only what the struct knows', () => {
    const converted = collectorToV1beta1(alpha({ config: `${CONFIG}extra: dropped\nservice_x: 1\n` }), 102);
    expect(converted.apiVersion).toBe('opentelemetry.io/v1beta1');
    expect((converted.spec as { config: unknown }).config).toEqual({
      receivers: { otlp: { protocols: { grpc: {} } } },
      exporters: { awsxray: { region: 'us-west-2' } },
      service: { pipelines: { traces: { receivers: ['otlp'], exporters: ['awsxray'] } } },
    });
    expect(converted.metadata).toEqual(metadata);
  });

  it('moves and renames the fields that differ, and writes what Go writes for empty structs', () => {
    const spec = collectorToV1beta1(
      alpha(
        {
          mode: 'daemonset',
          serviceAccount: 'sa',
          image: 'img',
          replicas: 0,
          minReplicas: 1,
          maxReplicas: 3,
          updateStrategy: { type: 'OnDelete' },
          deploymentUpdateStrategy: { type: 'Recreate' },
          podAnnotations: { a: 'b' },
          env: [{ name: 'X', value: '1' }],
          ports: [{ name: 'xray', port: 2000, protocol: 'UDP' }],
          hostNetwork: false,
          managementState: 'managed',
          upgradeStrategy: 'none',
          observability: { metrics: { enableMetrics: true, DisablePrometheusAnnotations: true } },
          targetAllocator: {
            enabled: true,
            filterStrategy: 'something-else',
            allocationStrategy: 'per-node',
            prometheusCR: { enabled: true, podMonitorSelector: { team: 'a' } },
          },
          unknownField: 'dropped',
          config: CONFIG,
        },
        { version: '0.102.0', messages: ['dropped'], replicas: 2, scale: { replicas: 1, statusReplicas: '1/1' } },
      ),
      102,
    );
    expect(spec.spec).toEqual({
      mode: 'daemonset',
      serviceAccount: 'sa',
      image: 'img',
      replicas: 0,
      managementState: 'managed',
      podAnnotations: { a: 'b' },
      env: [{ name: 'X', value: '1' }],
      resources: {},
      ports: [{ name: 'xray', port: 2000, protocol: 'UDP', targetPort: 0 }],
      autoscaler: { minReplicas: 1, maxReplicas: 3 },
      daemonSetUpdateStrategy: { type: 'OnDelete' },
      deploymentUpdateStrategy: { type: 'Recreate' },
      upgradeStrategy: 'none',
      ingress: { route: {} },
      observability: { metrics: { enableMetrics: true, disablePrometheusAnnotations: true } },
      targetAllocator: {
        enabled: true,
        allocationStrategy: 'per-node',
        resources: {},
        prometheusCR: {
          enabled: true,
          podMonitorSelector: { matchLabels: { team: 'a' } },
          serviceMonitorSelector: {},
        },
        observability: { metrics: {} },
      },
      config: parse(CONFIG),
    });
    expect(spec.status).toEqual({ version: '0.102.0', scale: { replicas: 1, statusReplicas: '1/1' } });
  });

  it('an autoscaler of its own wins over the deprecated minReplicas', () => {
    const spec = collectorToV1beta1(alpha({ minReplicas: 1, autoscaler: { minReplicas: 2 }, config: CONFIG }), 102)
      .spec as Record<string, unknown>;
    expect(spec.autoscaler).toEqual({ minReplicas: 2 });
  });

  it('fails on a config that is not YAML or not a Config (before v0.134); converts it to an empty one after', () => {
    for (const config of [
      'receivers: [unclosed',
      'just a string',
      'receivers: [a, b]',
      'service: {pipelines: {t: 1}}',
    ]) {
      expect(() => collectorToV1beta1(alpha({ config }), 102)).toThrow(
        new CollectorConversionError('failed to convert to v1beta1: could not convert config json to v1beta1.Config'),
      );
      expect((collectorToV1beta1(alpha({ config }), 141).spec as { config: unknown }).config).toEqual({
        receivers: {},
        exporters: {},
        service: { pipelines: {} },
      });
    }
  });

  it('an empty config is an empty Config (required sections filled in from v0.134)', () => {
    expect((collectorToV1beta1(alpha({}), 102).spec as { config: unknown }).config).toEqual({ service: {} });
    expect((collectorToV1beta1(alpha({}), 134).spec as { config: unknown }).config).toEqual({
      receivers: {},
      exporters: {},
      service: { pipelines: {} },
    });
  });
});

describe('v1beta1 -> v1alpha1 (tov1alpha1)', () => {
  it('marshals spec.config as Config.Yaml() does and renames the fields back', () => {
    const converted = collectorToV1alpha1(
      beta({
        mode: 'deployment',
        autoscaler: { maxReplicas: 4, metrics: [{ pods: { metric: { name: 'x' } } }] },
        daemonSetUpdateStrategy: { type: 'RollingUpdate' },
        observability: { metrics: { disablePrometheusAnnotations: true } },
        readinessProbe: { periodSeconds: 5 },
        configVersions: 3,
        targetAllocator: { prometheusCR: { podMonitorSelector: { matchLabels: { team: 'a' } } } },
        config: parse(CONFIG) as object,
      }),
    );
    expect(converted.apiVersion).toBe('opentelemetry.io/v1alpha1');
    const spec = converted.spec as Record<string, unknown>;
    expect(spec).not.toHaveProperty('readinessProbe');
    expect(spec).not.toHaveProperty('configVersions');
    expect(spec.autoscaler).toEqual({ maxReplicas: 4, metrics: [{ type: '', pods: { metric: { name: 'x' } } }] });
    expect(spec.updateStrategy).toEqual({ type: 'RollingUpdate' });
    expect(spec.observability).toEqual({ metrics: { DisablePrometheusAnnotations: true } });
    expect((spec.targetAllocator as { prometheusCR: unknown }).prometheusCR).toEqual({
      podMonitorSelector: { team: 'a' },
    });
    expect(spec.config).toBe(
      [
        'receivers:',
        '  otlp:',
        '    protocols:',
        '      grpc: {}',
        'exporters:',
        '  awsxray:',
        '    region: us-west-2',
        'service:',
        '  pipelines:',
        '    traces:',
        '      exporters:',
        '        - awsxray',
        '      processors: []',
        '      receivers:',
        '        - otlp',
        '',
      ].join('\n'),
    );
  });

  it('round-trips the configuration: object -> YAML -> object is the same data', () => {
    const config = parse(CONFIG) as Record<string, unknown>;
    expect(configFromYaml(configToYaml(config))).toEqual({
      ...config,
      service: { pipelines: { traces: { exporters: ['awsxray'], processors: [], receivers: ['otlp'] } } },
    });
  });
});

describe('version priority (discovery order)', () => {
  it('puts GA before beta before alpha, higher versions first, odd names last', () => {
    expect(['v1alpha1', 'foo', 'v1beta1', 'v2', 'v1', 'v1beta2', 'v10alpha1'].sort(byVersionPriority)).toEqual([
      'v2',
      'v1',
      'v1beta2',
      'v1beta1',
      'v10alpha1',
      'v1alpha1',
      'foo',
    ]);
  });
});
