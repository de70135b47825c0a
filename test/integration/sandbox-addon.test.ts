import {
  CreateAddonCommand,
  DeleteAddonCommand,
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  InvalidParameterException,
  ResourceNotFoundException,
} from '@aws-sdk/client-eks';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetObjects } from '../../src/sandbox/seed/presets.js';
import { scenarioWith, startSandboxFixture, type SandboxFixture } from '../helpers/sandbox.js';
import { eventually, present } from '../helpers/eventually.js';

const FAST = { addonCreateSeconds: 0.2, addonDeleteSeconds: 0.1, addonUpdateSeconds: 0.1, rolloutSeconds: 0.3 };

function available(deployment: V1Deployment | undefined): boolean {
  return (
    deployment?.status?.conditions?.some(
      (condition) => condition.type === 'Available' && condition.status === 'True',
    ) ?? false
  );
}

describe("sandbox add-on lifecycle (the blog's world: blog-2022, real EKS and Kubernetes clients)", () => {
  let fixture: SandboxFixture;
  const cluster = 'demo';

  beforeAll(async () => {
    fixture = await startSandboxFixture(scenarioWith('blog-2022', FAST));
  });
  afterAll(async () => {
    await fixture?.stop();
  });

  const describeAddon = () => fixture.eks.send(new DescribeAddonCommand({ clusterName: cluster, addonName: 'adot' }));

  it("offers the blog's v0.45.0 as the default for Kubernetes 1.22 and nothing for 1.37", async () => {
    const answer = await fixture.eks.send(
      new DescribeAddonVersionsCommand({ addonName: 'adot', kubernetesVersion: '1.22' }),
    );
    const versions = answer.addons?.[0]?.addonVersions ?? [];
    const defaults = versions.filter((version) => version.compatibilities?.[0]?.defaultVersion);
    expect(defaults.map((version) => version.addonVersion)).toEqual(['v0.45.0-eksbuild.1']);
    const none = await fixture.eks.send(
      new DescribeAddonVersionsCommand({ addonName: 'adot', kubernetesVersion: '1.37' }),
    );
    expect(none.addons ?? []).toEqual([]);
  });

  it('v0.45.0 without the add-on RBAC ends CREATE_FAILED with AccessDenied', async () => {
    const created = await fixture.eks.send(
      new CreateAddonCommand({ clusterName: cluster, addonName: 'adot', addonVersion: 'v0.45.0-eksbuild.1' }),
    );
    expect(created.addon?.status).toBe('CREATING');
    const failed = await eventually(async () => {
      const { addon } = await describeAddon();
      return addon?.status === 'CREATE_FAILED' ? addon : undefined;
    }, present);
    expect(failed.health?.issues?.[0]?.code).toBe('AccessDenied');
    await fixture.eks.send(new DeleteAddonCommand({ clusterName: cluster, addonName: 'adot' }));
    await eventually(async () => {
      try {
        await describeAddon();
        return false;
      } catch (error) {
        return error instanceof ResourceNotFoundException;
      }
    }, present);
  });

  it('with the add-on RBAC applied, CREATING becomes ACTIVE and the operator objects appear', async () => {
    const objects = KubernetesObjectApi.makeApiClient(fixture.kubeConfig);
    for (const object of presetObjects('addon-rbac')) await objects.create(object as KubernetesObject);
    await fixture.eks.send(
      new CreateAddonCommand({ clusterName: cluster, addonName: 'adot', addonVersion: 'v0.45.0-eksbuild.1' }),
    );
    expect((await describeAddon()).addon?.status).toBe('CREATING');
    await eventually(async () => (await describeAddon()).addon?.status === 'ACTIVE', present);

    const apps = fixture.kubeConfig.makeApiClient(AppsV1Api);
    const operator = await apps.readNamespacedDeployment({
      name: 'opentelemetry-operator',
      namespace: 'opentelemetry-operator-system',
    });
    expect(operator.metadata?.labels?.['app.kubernetes.io/name']).toBe('opentelemetry-operator');
    expect(operator.spec?.template.spec?.containers[0]?.image).toMatch(/adot-operator:v0\.45\.0$/);
    await eventually(
      async () =>
        available(
          await apps.readNamespacedDeployment({
            name: 'opentelemetry-operator',
            namespace: 'opentelemetry-operator-system',
          }),
        ),
      present,
    );
    const core = fixture.kubeConfig.makeApiClient(CoreV1Api);
    const endpoints = await eventually(async () => {
      const found = await core.readNamespacedEndpoints({
        name: 'opentelemetry-operator-webhook',
        namespace: 'opentelemetry-operator-system',
      });
      return found.subsets?.[0]?.addresses?.length ? found : undefined;
    }, present);
    expect(endpoints.subsets?.[0]?.ports?.[0]?.port).toBe(9443);
  });

  it('an OpenTelemetryCollector becomes a Deployment and Service, unavailable until its service account exists', async () => {
    const core = fixture.kubeConfig.makeApiClient(CoreV1Api);
    const apps = fixture.kubeConfig.makeApiClient(AppsV1Api);
    const custom = fixture.kubeConfig.makeApiClient(CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: 'aws-otel-eks' } } });
    await custom.createNamespacedCustomObject({
      group: 'opentelemetry.io',
      version: 'v1alpha1',
      namespace: 'aws-otel-eks',
      plural: 'opentelemetrycollectors',
      body: {
        apiVersion: 'opentelemetry.io/v1alpha1',
        kind: 'OpenTelemetryCollector',
        metadata: { name: 'observability', namespace: 'aws-otel-eks' },
        spec: {
          mode: 'deployment',
          serviceAccount: 'aws-otel-collector',
          config:
            'receivers:\n  awsxray:\n    endpoint: 0.0.0.0:2000\n    transport: udp\nexporters:\n  awsxray: {region: us-east-1}\nservice:\n  pipelines:\n    traces: {receivers: [awsxray], exporters: [awsxray]}\n',
        },
      },
    });
    const deployment = await eventually(
      () => apps.readNamespacedDeployment({ name: 'observability-collector', namespace: 'aws-otel-eks' }),
      present,
    );
    expect(deployment.spec?.template.spec?.serviceAccountName).toBe('aws-otel-collector');
    const service = await core.readNamespacedService({ name: 'observability-collector', namespace: 'aws-otel-eks' });
    expect(service.spec?.ports?.map((port) => `${port.port}/${port.protocol}`)).toEqual(['2000/UDP']);

    await new Promise((resolve) => setTimeout(resolve, FAST.rolloutSeconds * 1000 + 200));
    const blocked = await apps.readNamespacedDeployment({ name: 'observability-collector', namespace: 'aws-otel-eks' });
    expect(available(blocked)).toBe(false);
    expect(blocked.status?.conditions?.find((condition) => condition.type === 'Available')?.message).toContain(
      'aws-otel-collector',
    );

    await core.createNamespacedServiceAccount({
      namespace: 'aws-otel-eks',
      body: { metadata: { name: 'aws-otel-collector' } },
    });
    const started = Date.now();
    await eventually(
      async () =>
        available(await apps.readNamespacedDeployment({ name: 'observability-collector', namespace: 'aws-otel-eks' })),
      present,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(FAST.rolloutSeconds * 1000 - 50);
  });

  it('DeleteAddon removes the operator and the collector objects', async () => {
    await fixture.eks.send(new DeleteAddonCommand({ clusterName: cluster, addonName: 'adot' }));
    expect((await describeAddon()).addon?.status).toBe('DELETING');
    const apps = fixture.kubeConfig.makeApiClient(AppsV1Api);
    await eventually(
      async () => (await apps.listNamespacedDeployment({ namespace: 'aws-otel-eks' })).items.length === 0,
      present,
    );
    const operators = await apps.listNamespacedDeployment({ namespace: 'opentelemetry-operator-system' });
    expect(operators.items).toEqual([]);
    const store = fixture.sandbox.store(cluster);
    expect(
      store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'opentelemetrycollectors.opentelemetry.io'),
    ).toBeUndefined();
  });
});

describe('sandbox add-on preconditions', () => {
  it('refuses CreateAddon without cert-manager', async () => {
    const fixture = await startSandboxFixture(scenarioWith('no-cert-manager', FAST));
    try {
      const attempt = fixture.eks.send(
        new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.151.0-eksbuild.2' }),
      );
      await expect(attempt).rejects.toBeInstanceOf(InvalidParameterException);
      await expect(attempt).rejects.toThrow(/cert-manager/);
    } finally {
      await fixture.stop();
    }
  });
});
