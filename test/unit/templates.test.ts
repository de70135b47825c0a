import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import {
  parseCollectorConfig,
  receiverPorts,
  targetsOfConfig,
  validateCollectorConfig,
  type CollectorConfig,
} from '../../src/core/collector-config.js';
import type { KubeObject } from '../../src/ports.js';
import { templateFileUrl } from '../../src/core/templates/files.js';
import {
  ampRemoteWriteUrl,
  manifestsToYaml,
  renderAddonRbac,
  renderCollector,
  renderCollectorConfig,
  renderNamespace,
  renderPrometheusRbac,
  renderServiceAccount,
  type TemplateValues,
} from '../../src/core/templates/index.js';

const workspaceId = 'ws-12345678-abcd-1234-abcd-123456789012';
const values: TemplateValues = {
  region: 'eu-west-1',
  clusterName: 'demo',
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
  collectorName: 'observability',
  ampWorkspaceId: workspaceId,
};
const remoteWriteUrl = `https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/${workspaceId}/api/v1/remote_write`;

function configOf(resource: KubeObject): CollectorConfig {
  const text = (resource.spec as { config: string }).config;
  const result = parseCollectorConfig(text);
  expect(result.problems).toEqual([]);
  return result.config as CollectorConfig;
}

describe('renderCollectorConfig per target', () => {
  test('xray: awsxray + otlp receivers -> batch/traces -> awsxray exporter', () => {
    const config = renderCollectorConfig(['xray'], values);
    expect(config).toEqual({
      receivers: {
        awsxray: { endpoint: '0.0.0.0:2000', transport: 'udp' },
        otlp: {
          protocols: {
            grpc: { endpoint: '0.0.0.0:4317' },
            http: { endpoint: '0.0.0.0:4318' },
          },
        },
      },
      processors: { 'batch/traces': { timeout: '1s', send_batch_size: 50 } },
      exporters: { awsxray: { region: 'eu-west-1' } },
      extensions: {},
      service: {
        pipelines: {
          traces: {
            receivers: ['awsxray', 'otlp'],
            processors: ['batch/traces'],
            exporters: ['awsxray'],
          },
        },
      },
    });
  });

  test('amp: prometheus kubernetes_sd jobs -> batch/metrics -> prometheusremotewrite signed by sigv4auth', () => {
    const config = renderCollectorConfig(['amp'], values);
    expect(config.exporters).toEqual({
      prometheusremotewrite: {
        endpoint: remoteWriteUrl,
        auth: { authenticator: 'sigv4auth' },
      },
    });
    expect(config.extensions).toEqual({
      sigv4auth: { region: 'eu-west-1', service: 'aps' },
    });
    expect(config.service.extensions).toEqual(['sigv4auth']);
    expect(config.processors).toEqual({ 'batch/metrics': { timeout: '60s' } });
    expect(config.service.pipelines).toEqual({
      'metrics/amp': {
        receivers: ['prometheus'],
        processors: ['batch/metrics'],
        exporters: ['prometheusremotewrite'],
      },
    });
    const prometheus = config.receivers.prometheus as {
      config: {
        global: unknown;
        scrape_configs: {
          job_name: string;
          relabel_configs: { replacement?: string }[];
        }[];
      };
    };
    expect(prometheus.config.global).toEqual({
      scrape_interval: '15s',
      scrape_timeout: '10s',
    });
    expect(prometheus.config.scrape_configs.map((job) => job.job_name)).toEqual([
      'kubernetes-apiservers',
      'kubernetes-nodes',
      'kubernetes-nodes-cadvisor',
      'kubernetes-service-endpoints',
      'kubernetes-pods',
    ]);
    const replacements = prometheus.config.scrape_configs.flatMap((job) =>
      job.relabel_configs.flatMap((relabel) => (relabel.replacement?.includes('$') ? [relabel.replacement] : [])),
    );
    expect(replacements).toEqual([
      '/api/v1/nodes/$$1/proxy/metrics',
      '/api/v1/nodes/$$1/proxy/metrics/cadvisor',
      '$$1:$$2',
      '$$1:$$2',
    ]);
  });

  test('cloudwatch: prometheus -> filter/include, batch/metrics, metricstransform/labelling -> awsemf', () => {
    const config = renderCollectorConfig(['cloudwatch'], values);
    expect(config.service.pipelines).toEqual({
      'metrics/cloudwatch': {
        receivers: ['prometheus'],
        processors: ['filter/include', 'batch/metrics', 'metricstransform/labelling'],
        exporters: ['awsemf'],
      },
    });
    expect(config.exporters.awsemf).toEqual({
      region: 'eu-west-1',
      namespace: 'ContainerInsights/Prometheus',
      log_group_name: '/aws/containerinsights/demo/prometheus',
      dimension_rollup_option: 'NoDimensionRollup',
      resource_to_telemetry_conversion: { enabled: true },
      metric_declarations: [
        {
          dimensions: [['EKS_Cluster', 'EKS_Namespace', 'EKS_PodName']],
          metric_name_selectors: ['^http_requests_total$$'],
        },
      ],
    });
    const labelling = config.processors['metricstransform/labelling'] as {
      transforms: { operations: Record<string, string>[] }[];
    };
    expect(labelling.transforms[0]?.operations).toEqual([
      { action: 'add_label', new_label: 'EKS_Cluster', new_value: 'demo' },
      {
        action: 'update_label',
        label: 'kubernetes_pod_name',
        new_label: 'EKS_PodName',
      },
      {
        action: 'update_label',
        label: 'kubernetes_namespace',
        new_label: 'EKS_Namespace',
      },
    ]);
    expect(config.extensions).toEqual({});
  });

  test('all targets share one collector and one prometheus receiver, and validate cleanly', () => {
    const config = renderCollectorConfig(['amp', 'cloudwatch', 'xray'], values);
    expect(Object.keys(config.receivers)).toEqual(['prometheus', 'awsxray', 'otlp']);
    expect(Object.keys(config.service.pipelines)).toEqual(['metrics/amp', 'metrics/cloudwatch', 'traces']);
    expect(Object.keys(config.processors).sort()).toEqual([
      'batch/metrics',
      'batch/traces',
      'filter/include',
      'metricstransform/labelling',
    ]);
    expect(targetsOfConfig(config)).toEqual(['amp', 'cloudwatch', 'xray']);
    expect(validateCollectorConfig(config)).toEqual([]);
  });

  test('rendering does not change between calls (templates are not mutated)', () => {
    const first = renderCollectorConfig(['cloudwatch'], {
      ...values,
      set: { 'cloudwatch.metric_names': 'a,b' },
    });
    const second = renderCollectorConfig(['cloudwatch'], values);
    expect(first.processors['filter/include']).not.toEqual(second.processors['filter/include']);
    expect(renderCollectorConfig(['cloudwatch'], values)).toEqual(second);
  });
});

describe('renderCollector', () => {
  test('xray + amp: one OpenTelemetryCollector, config as YAML text, UDP 2000 port', () => {
    const resource = renderCollector(['xray', 'amp'], values);
    expect(resource.apiVersion).toBe('opentelemetry.io/v1alpha1');
    expect(resource.kind).toBe('OpenTelemetryCollector');
    expect(resource.metadata).toEqual({
      name: 'observability',
      namespace: 'aws-otel-eks',
      labels: { 'app.kubernetes.io/managed-by': 'adot' },
    });
    const spec = resource.spec as Record<string, unknown>;
    expect(spec.mode).toBe('deployment');
    expect(spec.serviceAccount).toBe('aws-otel-collector');
    expect(spec.ports).toEqual([{ name: 'awsxray', port: 2000, protocol: 'UDP' }]);
    expect(typeof spec.config).toBe('string');
    expect(configOf(resource)).toEqual(renderCollectorConfig(['xray', 'amp'], values));
    expect(spec.config).toContain('$$1');
  });

  test('metrics-only collectors have no UDP ports', () => {
    const spec = renderCollector(['cloudwatch'], values).spec as Record<string, unknown>;
    expect(spec.ports).toBeUndefined();
  });

  test('ports follow the receiver configuration', () => {
    const resource = renderCollector(['xray'], {
      ...values,
      set: { 'xray.endpoint': '0.0.0.0:3000' },
    });
    expect((resource.spec as Record<string, unknown>).ports).toEqual([
      { name: 'awsxray', port: 3000, protocol: 'UDP' },
    ]);
    expect(receiverPorts(configOf(resource))).toContainEqual({
      name: 'awsxray',
      port: 3000,
      protocol: 'UDP',
    });
  });

  test('custom names flow into metadata and service account', () => {
    const resource = renderCollector(['xray'], {
      ...values,
      namespace: 'observability',
      serviceAccount: 'collector.sa',
      collectorName: 'traces',
    });
    expect(resource.metadata.name).toBe('traces');
    expect(resource.metadata.namespace).toBe('observability');
    expect((resource.spec as Record<string, unknown>).serviceAccount).toBe('collector.sa');
  });

  test('manifestsToYaml writes the config as a literal block that parses back', () => {
    const resource = renderCollector(['xray', 'amp'], values);
    const text = manifestsToYaml([renderNamespace('aws-otel-eks'), resource]);
    expect(text).toContain('config: |');
    const documents = parseAllDocuments(text);
    expect(Array.isArray(documents) && documents.map((document) => document.toJS())).toEqual([
      renderNamespace('aws-otel-eks'),
      resource,
    ]);
  });
});

describe('the other manifests', () => {
  test('renderNamespace', () => {
    expect(renderNamespace('aws-otel-eks')).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'aws-otel-eks' },
    });
  });

  test('renderServiceAccount carries the role ARN annotation', () => {
    const arn = 'arn:aws:iam::123456789012:role/EKS-ADOT-ServiceAccount-Role';
    expect(renderServiceAccount(values, arn)).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: 'aws-otel-collector',
        namespace: 'aws-otel-eks',
        labels: { 'app.kubernetes.io/managed-by': 'adot' },
        annotations: { 'eks.amazonaws.com/role-arn': arn },
      },
    });
  });

  test('renderPrometheusRbac: otel-prometheus-role bound to the service account', () => {
    const [role, binding] = renderPrometheusRbac({
      ...values,
      namespace: 'obs',
      serviceAccount: 'collector',
    });
    expect(role?.kind).toBe('ClusterRole');
    expect(role?.metadata.name).toBe('otel-prometheus-role');
    expect(role?.rules).toEqual([
      {
        apiGroups: [''],
        resources: ['nodes', 'nodes/proxy', 'services', 'endpoints', 'pods'],
        verbs: ['get', 'list', 'watch'],
      },
      {
        apiGroups: ['extensions', 'networking.k8s.io'],
        resources: ['ingresses'],
        verbs: ['get', 'list', 'watch'],
      },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]);
    expect(binding?.kind).toBe('ClusterRoleBinding');
    expect(binding?.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'otel-prometheus-role',
    });
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'obs' }]);
  });

  test('renderAddonRbac: namespace, cluster role and role for eks:addon-manager', () => {
    const objects = renderAddonRbac();
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'Namespace/opentelemetry-operator-system',
      'ClusterRole/eks:addon-manager-otel',
      'ClusterRoleBinding/eks:addon-manager-otel',
      'Role/eks:addon-manager',
      'RoleBinding/eks:addon-manager',
    ]);
    for (const binding of objects.filter((object) => object.kind.endsWith('Binding'))) {
      expect(binding.subjects).toEqual([
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'User',
          name: 'eks:addon-manager',
        },
      ]);
    }
    const clusterRole = objects[1] as unknown as {
      rules: { resourceNames?: string[] }[];
    };
    expect(clusterRole.rules.flatMap((rule) => rule.resourceNames ?? [])).toContain(
      'opentelemetrycollectors.opentelemetry.io',
    );
    expect(objects[3]?.metadata.namespace).toBe('opentelemetry-operator-system');
  });
});

test('ampRemoteWriteUrl', () => {
  expect(ampRemoteWriteUrl('eu-west-1', workspaceId)).toBe(remoteWriteUrl);
});

test('every template file parses, and every token it uses is one renderCollector fills', () => {
  const directory = templateFileUrl('');
  const files = [
    ...readdirSync(directory).filter((name) => name.endsWith('.yaml')),
    ...readdirSync(new URL('collector/', directory)).map((name) => `collector/${name}`),
  ];
  expect(files.sort()).toEqual([
    'addon-rbac.yaml',
    'collector-resource.yaml',
    'collector/amp.yaml',
    'collector/cloudwatch.yaml',
    'collector/prometheus.yaml',
    'collector/xray.yaml',
    'prometheus-rbac.yaml',
  ]);
  const known = [
    'region',
    'clusterName',
    'namespace',
    'serviceAccount',
    'collectorName',
    'ampRemoteWriteUrl',
    'ampRegion',
  ];
  for (const file of files) {
    const documents = parseAllDocuments(readText(file));
    expect(Array.isArray(documents) && documents.every((document) => document.errors.length === 0)).toBe(true);
    const tokens = [...readText(file).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]);
    for (const token of tokens) expect(known).toContain(token);
  }
});

function readText(file: string): string {
  return readFileSync(templateFileUrl(file), 'utf8');
}
