import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../src/app/collector-validate.js';
import { StoreAddonHooks } from '../../src/sandbox/controllers/index.js';
import { recordUpdate } from '../../src/sandbox/kube/managed-fields.js';
import { createClusterStore } from '../../src/sandbox/kube/store.js';
import { addonCollectorObjects, addonOperatorObjectsWith } from '../../src/sandbox/seed/addon-collectors/index.js';
import { AddonHealthError, type ClusterStore, type KubeObject } from '../../src/sandbox/types.js';

const CONTEXT = { clusterName: 'demo', region: 'us-east-1' };
const NS = 'opentelemetry-operator-system';
const ROLE = 'arn:aws:iam::111122223333:role/otlp';
const ENDPOINT = 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write';

const ALL_PRESETS = JSON.stringify({
  collector: {
    prometheusMetrics: {
      serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/prom' } },
      pipelines: { metrics: { amp: { enabled: true }, emf: { enabled: true } } },
      exporters: { prometheusremotewrite: { endpoint: ENDPOINT } },
      resources: { limits: { cpu: '2' } },
    },
    otlpIngest: {
      serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': ROLE } },
      pipelines: { traces: { xray: { enabled: true } } },
    },
    containerLogs: { pipelines: { logs: { cloudwatchLogs: { enabled: true } } } },
  },
});

const keyOf = (object: KubeObject) => `${object.kind}/${object.metadata.name}`;
type Spec = { mode: string; serviceAccount: string; config: unknown; resources: unknown; env?: unknown[] };
const specOf = (object: KubeObject | undefined) => object?.spec as Spec;
const find = (objects: KubeObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);

describe('the collectors the add-on deploys from its configuration', () => {
  it("metrics batch: the docs' 60 s, or behaviour.addonCollectorBatchSeconds in both kinds of configuration", () => {
    const batchOf = (objects: KubeObject[], name: string) => {
      const config = specOf(find(objects, 'OpenTelemetryCollector', name))?.config;
      const parsed = (typeof config === 'string' ? parseYaml(config) : config) as {
        processors: Record<string, unknown>;
      };
      return parsed.processors['batch/metrics'];
    };
    const legacy = JSON.stringify({ collector: { amp: { enabled: true, remoteWriteEndpoint: 'https://x' } } });
    expect(
      batchOf(
        addonCollectorObjects('v0.117.0-eksbuild.1', { configurationValues: ALL_PRESETS }, CONTEXT),
        'adot-col-prom-metrics',
      ),
    ).toEqual({ timeout: '60s' });
    const fast = { ...CONTEXT, metricsBatchSeconds: 1 };
    expect(
      batchOf(
        addonCollectorObjects('v0.117.0-eksbuild.1', { configurationValues: ALL_PRESETS }, fast),
        'adot-col-prom-metrics',
      ),
    ).toEqual({ timeout: '1s' });
    expect(
      batchOf(
        addonCollectorObjects(
          'v0.84.0-eksbuild.1',
          { configurationValues: legacy },
          { ...CONTEXT, metricsBatchSeconds: 0.5 },
        ),
        'my-collector',
      ),
    ).toEqual({ timeout: '500ms' });
  });

  it('v0.88.0 and later: one collector, service account (and RBAC) per enabled preset', () => {
    const objects = addonCollectorObjects('v0.117.0-eksbuild.1', { configurationValues: ALL_PRESETS }, CONTEXT);
    expect(objects.map(keyOf)).toEqual([
      'ServiceAccount/adot-col-prom-metrics',
      'ClusterRole/adot-col-prom-metrics',
      'ClusterRoleBinding/adot-col-prom-metrics',
      'OpenTelemetryCollector/adot-col-prom-metrics',
      'ServiceAccount/adot-col-otlp-ingest',
      'OpenTelemetryCollector/adot-col-otlp-ingest',
      'ServiceAccount/adot-col-container-logs',
      'OpenTelemetryCollector/adot-col-container-logs',
    ]);
    for (const object of objects) {
      expect(object.metadata.labels?.['eks.amazonaws.com/addon']).toBe('adot');
      if (object.kind !== 'ClusterRole' && object.kind !== 'ClusterRoleBinding') {
        expect(object.metadata.namespace).toBe(NS);
      }
    }
    expect(find(objects, 'ServiceAccount', 'adot-col-otlp-ingest')?.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': ROLE,
    });
    expect(find(objects, 'ClusterRoleBinding', 'adot-col-prom-metrics')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'adot-col-prom-metrics' },
      subjects: [{ kind: 'ServiceAccount', name: 'adot-col-prom-metrics', namespace: NS }],
    });

    const prom = find(objects, 'OpenTelemetryCollector', 'adot-col-prom-metrics');
    expect(prom?.apiVersion).toBe('opentelemetry.io/v1beta1');
    expect(specOf(prom)).toMatchObject({
      mode: 'deployment',
      serviceAccount: 'adot-col-prom-metrics',
      resources: { limits: { cpu: '2', memory: '750Mi' }, requests: { cpu: '300m', memory: '512Mi' } },
      config: {
        exporters: {
          prometheusremotewrite: { endpoint: ENDPOINT, auth: { authenticator: 'sigv4auth' } },
          awsemf: { region: 'us-east-1', log_group_name: '/aws/containerinsights/demo/prometheus' },
        },
        extensions: { sigv4auth: { region: 'eu-west-1', service: 'aps' } },
        service: {
          extensions: ['sigv4auth'],
          pipelines: {
            'metrics/amp': { receivers: ['prometheus'], exporters: ['prometheusremotewrite'] },
            'metrics/emf': { receivers: ['prometheus'], exporters: ['awsemf'] },
          },
        },
      },
    });
    expect(specOf(find(objects, 'OpenTelemetryCollector', 'adot-col-otlp-ingest'))).toMatchObject({
      mode: 'deployment',
      serviceAccount: 'adot-col-otlp-ingest',
      config: {
        receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
        exporters: { awsxray: { region: 'us-east-1' } },
        service: { pipelines: { 'traces/xray': { receivers: ['otlp'], exporters: ['awsxray'] } } },
      },
    });
    expect(specOf(find(objects, 'OpenTelemetryCollector', 'adot-col-container-logs'))).toMatchObject({
      mode: 'daemonset',
      serviceAccount: 'adot-col-container-logs',
      env: [
        { name: 'CLUSTER_NAME', value: 'demo' },
        { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      ],
      config: {
        receivers: { filelog: { include: ['/var/log/pods/*/*/*.log'] } },
        exporters: {
          awscloudwatchlogs: {
            log_group_name: '${env:CLUSTER_NAME}/container/logs',
            log_stream_name: '${env:NODE_NAME}',
          },
        },
        service: { pipelines: { 'logs/cloudwatchLogs': { receivers: ['filelog'], exporters: ['awscloudwatchlogs'] } } },
      },
    });
  });

  it('before v0.102.0 the collectors are v1alpha1 with their configuration as YAML text', () => {
    const objects = addonCollectorObjects('v0.94.1-eksbuild.1', { configurationValues: ALL_PRESETS }, CONTEXT);
    const otlp = find(objects, 'OpenTelemetryCollector', 'adot-col-otlp-ingest');
    expect(otlp?.apiVersion).toBe('opentelemetry.io/v1alpha1');
    const config = specOf(otlp).config;
    expect(typeof config).toBe('string');
    expect(parseYaml(config as string)).toMatchObject({ exporters: { awsxray: { region: 'us-east-1' } } });
  });

  it('deploys nothing for a preset without an enabled pipeline, nor for versions without presets', () => {
    const disabled = JSON.stringify({
      collector: { otlpIngest: { pipelines: { traces: { xray: { enabled: false } } } } },
    });
    expect(addonCollectorObjects('v0.117.0-eksbuild.1', { configurationValues: disabled }, CONTEXT)).toEqual([]);
    expect(addonCollectorObjects('v0.117.0-eksbuild.1', { configurationValues: '{}' }, CONTEXT)).toEqual([]);
    expect(addonCollectorObjects('v0.117.0-eksbuild.1', {}, CONTEXT)).toEqual([]);
    expect(addonCollectorObjects('v0.45.0-eksbuild.1', { configurationValues: '{}' }, CONTEXT)).toEqual([]);
  });

  it('v0.62.1 to v0.84.0: one collector my-collector for every destination, its service account as configured', () => {
    const values = JSON.stringify({
      collector: {
        mode: 'daemonset',
        xray: { enabled: true },
        amp: { enabled: true, remoteWriteEndpoint: ENDPOINT },
        serviceAccount: { annotations: { team: 'obs' } },
      },
    });
    const objects = addonCollectorObjects(
      'v0.84.0-eksbuild.1',
      { configurationValues: values, serviceAccountRoleArn: ROLE },
      CONTEXT,
    );
    expect(objects.map(keyOf)).toEqual([
      'ServiceAccount/aws-otel-collector',
      'ClusterRole/my-collector',
      'ClusterRoleBinding/my-collector',
      'OpenTelemetryCollector/my-collector',
    ]);
    expect(find(objects, 'ServiceAccount', 'aws-otel-collector')?.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': ROLE,
      team: 'obs',
    });
    const collector = find(objects, 'OpenTelemetryCollector', 'my-collector');
    expect(collector?.apiVersion).toBe('opentelemetry.io/v1alpha1');
    expect(collector?.spec).not.toHaveProperty('replicas');
    expect(specOf(collector)).toMatchObject({ mode: 'daemonset', serviceAccount: 'aws-otel-collector' });
    expect(parseYaml(specOf(collector).config as string)).toMatchObject({
      service: { pipelines: { 'traces/xray': {}, 'metrics/amp': {} } },
    });

    const existingAccount = JSON.stringify({
      collector: { serviceAccount: { create: false, name: 'addon-test-sa' }, cloudwatch: { enabled: true } },
    });
    const own = addonCollectorObjects('v0.66.0-eksbuild.1', { configurationValues: existingAccount }, CONTEXT);
    expect(own.map(keyOf)).toEqual([
      'ClusterRole/my-collector',
      'ClusterRoleBinding/my-collector',
      'OpenTelemetryCollector/my-collector',
    ]);
    expect(specOf(find(own, 'OpenTelemetryCollector', 'my-collector'))).toMatchObject({
      serviceAccount: 'addon-test-sa',
      replicas: 1,
    });
  });

  it('renders configurations the collector takes, without errors or warnings', () => {
    const legacy = JSON.stringify({
      collector: {
        xray: { enabled: true },
        cloudwatch: { enabled: true },
        amp: { enabled: true, remoteWriteEndpoint: ENDPOINT },
      },
    });
    const collectors = [
      ...addonCollectorObjects('v0.117.0-eksbuild.1', { configurationValues: ALL_PRESETS }, CONTEXT),
      ...addonCollectorObjects('v0.84.0-eksbuild.1', { configurationValues: legacy }, CONTEXT),
    ].filter((object) => object.kind === 'OpenTelemetryCollector');
    expect(collectors).toHaveLength(4);
    for (const collector of collectors) {
      const config = specOf(collector).config;
      const text = typeof config === 'string' ? config : stringifyYaml(config);
      expect(validateConfigText(text, { CLUSTER_NAME: 'demo', NODE_NAME: 'node-1' }), collector.metadata.name).toEqual(
        [],
      );
    }
  });
});

describe("the operator keys change the add-on's operator", () => {
  it("replicaCount, manager resources and env, scheduling and the webhooks' selectors", () => {
    const values = JSON.stringify({
      replicaCount: 2,
      manager: { resources: { limits: { cpu: '200m' } }, env: { ENABLE_WEBHOOKS: 'true' } },
      tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      admissionWebhooks: { objectSelector: { matchLabels: { otel: 'yes' } } },
    });
    const objects = addonOperatorObjectsWith('v0.117.0-eksbuild.1', values);
    const deployment = find(objects, 'Deployment', 'opentelemetry-operator');
    const spec = deployment?.spec as {
      replicas: number;
      template: { spec: { tolerations: unknown; nodeSelector: unknown; containers: Record<string, unknown>[] } };
    };
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.tolerations).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists' }]);
    expect(spec.template.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.template.spec.containers[0]).toMatchObject({
      name: 'manager',
      resources: { limits: { cpu: '200m' } },
      env: [{ name: 'ENABLE_WEBHOOKS', value: 'true' }],
    });
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const configuration = objects.find((object) => object.kind === kind);
      expect((configuration?.webhooks as Record<string, unknown>[])[0]?.objectSelector).toEqual({
        matchLabels: { otel: 'yes' },
      });
    }
    expect(addonOperatorObjectsWith('v0.117.0-eksbuild.1', undefined)).toEqual(
      addonOperatorObjectsWith('v0.117.0-eksbuild.1', '{}'),
    );
  });
});

describe('the add-on hooks apply the collectors as EKS does', () => {
  const V = 'v0.117.0-eksbuild.1';
  const OTLP_ONLY = JSON.stringify({
    collector: { otlpIngest: { pipelines: { traces: { xray: { enabled: true } } } } },
  });
  const collectorOf = (store: ClusterStore, name: string) =>
    store.get('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', name, NS);

  /** what `kubectl edit` does to a field: a write by another manager, recorded in managedFields */
  function userEdits(store: ClusterStore, name: string, edit: (spec: Spec) => void): void {
    const live = collectorOf(store, name) as KubeObject;
    const next = structuredClone(live);
    edit(next.spec as Spec);
    next.metadata.managedFields = recordUpdate(live, next, {
      manager: 'kubectl-edit',
      apiVersion: 'opentelemetry.io/v1beta1',
      scope: 'main',
      builtin: false,
      now: '2026-01-01T00:00:00Z',
    });
    store.put(next);
  }

  it('installs, replaces and removes the preset objects with the configuration, and all of them with the add-on', () => {
    const store = createClusterStore();
    const hooks = new StoreAddonHooks(store, CONTEXT);
    hooks.installAddon(V, { configurationValues: ALL_PRESETS });
    expect(collectorOf(store, 'adot-col-prom-metrics')?.metadata.managedFields).toMatchObject([
      { manager: 'eks', operation: 'Apply' },
    ]);
    expect(store.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'adot-col-prom-metrics')).toBeDefined();

    hooks.installAddon(V, { configurationValues: OTLP_ONLY });
    expect(collectorOf(store, 'adot-col-otlp-ingest')).toBeDefined();
    for (const name of ['adot-col-prom-metrics', 'adot-col-container-logs']) {
      expect(collectorOf(store, name)).toBeUndefined();
      expect(store.get('v1', 'ServiceAccount', name, NS)).toBeUndefined();
    }
    expect(store.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'adot-col-prom-metrics')).toBeUndefined();
    expect(store.get('apps/v1', 'Deployment', 'opentelemetry-operator', NS)).toBeDefined();

    hooks.installAddon(V, {});
    expect(collectorOf(store, 'adot-col-otlp-ingest')).toBeUndefined();
    expect(store.get('v1', 'ServiceAccount', 'adot-col-otlp-ingest', NS)).toBeUndefined();

    hooks.installAddon(V, { configurationValues: ALL_PRESETS });
    hooks.removeAddon();
    expect(store.all().filter((object) => object.metadata.labels?.['eks.amazonaws.com/addon'] === 'adot')).toEqual([]);
  });

  it('resolveConflicts: NONE fails on a field the user changed, OVERWRITE resets it, PRESERVE keeps it', () => {
    const store = createClusterStore();
    const hooks = new StoreAddonHooks(store, CONTEXT);
    hooks.installAddon(V, { configurationValues: OTLP_ONLY });
    userEdits(store, 'adot-col-otlp-ingest', (spec) => {
      (spec.resources as { limits: { cpu: string } }).limits.cpu = '4';
    });
    const annotated = JSON.stringify({
      collector: {
        otlpIngest: {
          serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': ROLE } },
          pipelines: { traces: { xray: { enabled: true } } },
        },
      },
    });

    let failure: unknown;
    try {
      hooks.installAddon(V, { configurationValues: annotated });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(AddonHealthError);
    expect((failure as AddonHealthError).code).toBe('ConfigurationConflict');
    expect((failure as AddonHealthError).message).toBe(
      'Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts:\n' +
        'OpenTelemetryCollector.opentelemetry.io adot-col-otlp-ingest - .spec.resources.limits.cpu',
    );
    // nothing was written
    expect(store.get('v1', 'ServiceAccount', 'adot-col-otlp-ingest', NS)?.metadata.annotations).toBeUndefined();

    hooks.installAddon(V, { configurationValues: annotated, resolveConflicts: 'PRESERVE' });
    expect((specOf(collectorOf(store, 'adot-col-otlp-ingest')).resources as { limits: unknown }).limits).toEqual({
      cpu: '4',
      memory: '750Mi',
    });
    expect(store.get('v1', 'ServiceAccount', 'adot-col-otlp-ingest', NS)?.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': ROLE,
    });

    hooks.installAddon(V, { configurationValues: annotated, resolveConflicts: 'OVERWRITE' });
    expect((specOf(collectorOf(store, 'adot-col-otlp-ingest')).resources as { limits: unknown }).limits).toEqual({
      cpu: '1000m',
      memory: '750Mi',
    });
    // the field is EKS's again: a later install without resolveConflicts succeeds
    hooks.installAddon(V, { configurationValues: annotated });
  });
});
