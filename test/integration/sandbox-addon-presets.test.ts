import {
  CreateAddonCommand,
  DeleteAddonCommand,
  DescribeAddonCommand,
  ListPodIdentityAssociationsCommand,
  UpdateAddonCommand,
  type Addon,
} from '@aws-sdk/client-eks';
import { AttachRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { postSpan } from '../helpers/otlp-span.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import type { Seed } from '../../src/sandbox/types.js';
import { scenarioWith, startSandboxFixture, type SandboxFixture } from '../helpers/sandbox.js';
import { eventually, present } from '../helpers/eventually.js';

const NS = 'opentelemetry-operator-system';
const FAST = { addonCreateSeconds: 0.2, addonDeleteSeconds: 0.1, addonUpdateSeconds: 0.2, rolloutSeconds: 0.2 };
const ENDPOINT = 'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write';

const presets = (enabled: { prom?: boolean; otlp?: boolean; logs?: boolean }) =>
  JSON.stringify({
    collector: {
      ...(enabled.prom === undefined
        ? {}
        : {
            prometheusMetrics: {
              pipelines: { metrics: { amp: { enabled: enabled.prom }, emf: { enabled: false } } },
              exporters: { prometheusremotewrite: { endpoint: ENDPOINT } },
            },
          }),
      ...(enabled.otlp === undefined
        ? {}
        : {
            otlpIngest: {
              serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/x' } },
              pipelines: { traces: { xray: { enabled: enabled.otlp } } },
            },
          }),
      ...(enabled.logs === undefined
        ? {}
        : { containerLogs: { pipelines: { logs: { cloudwatchLogs: { enabled: enabled.logs } } } } }),
    },
  });

/** today's world (cert-manager, every add-on version) on EKS `version`, with short timings */
function seedOn(version: string): Seed {
  const fresh = scenarioSeed('fresh');
  return {
    ...fresh,
    clusters: (fresh.clusters ?? []).map((cluster) => ({ ...cluster, version })),
    behaviour: { ...fresh.behaviour, ...FAST },
  };
}

let fixture: SandboxFixture | undefined;
afterEach(async () => {
  await fixture?.stop();
  fixture = undefined;
});

async function start(version = '1.28'): Promise<SandboxFixture> {
  fixture = await startSandboxFixture(seedOn(version));
  return fixture;
}

async function settledAddon(sandbox: SandboxFixture): Promise<Addon> {
  return eventually(async () => {
    const { addon } = await sandbox.eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
    return addon !== undefined && !['CREATING', 'UPDATING', 'DELETING'].includes(addon.status ?? '')
      ? addon
      : undefined;
  }, present);
}

async function update(sandbox: SandboxFixture, input: Partial<ConstructorParameters<typeof UpdateAddonCommand>[0]>) {
  await sandbox.eks.send(new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot', ...input }));
  return settledAddon(sandbox);
}

/** name -> {mode, serviceAccount} of the OpenTelemetryCollectors in the add-on's namespace, read in `version` */
async function collectors(sandbox: SandboxFixture, version: string): Promise<Record<string, Record<string, unknown>>> {
  const api = sandbox.kubeConfig.makeApiClient(CustomObjectsApi);
  const list = (await api.listNamespacedCustomObject({
    group: 'opentelemetry.io',
    version,
    namespace: NS,
    plural: 'opentelemetrycollectors',
  })) as { items: { metadata: { name: string }; spec: Record<string, unknown> }[] };
  return Object.fromEntries(
    list.items.map((item) => [item.metadata.name, { mode: item.spec.mode, serviceAccount: item.spec.serviceAccount }]),
  );
}

describe('the collectors the ADOT add-on deploys from its configuration (real EKS and Kubernetes clients)', () => {
  it('v0.102: the three presets as v1beta1 collectors with their service accounts, RBAC and pod identity; OTLP reaches X-Ray', async () => {
    const sandbox = await start();
    await sandbox.iam.send(
      new CreateRoleCommand({
        RoleName: 'otlp',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'pods.eks.amazonaws.com' },
              Action: ['sts:AssumeRole', 'sts:TagSession'],
            },
          ],
        }),
      }),
    );
    // the collector's pod gets the association's role (it wins over the annotation), which may send to X-Ray, from
    // the EKS Pod Identity agent
    await sandbox.eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'eks-pod-identity-agent' }));
    await sandbox.iam.send(
      new AttachRolePolicyCommand({ RoleName: 'otlp', PolicyArn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess' }),
    );
    await sandbox.eks.send(
      new CreateAddonCommand({
        clusterName: 'demo',
        addonName: 'adot',
        addonVersion: 'v0.102.1-eksbuild.2',
        configurationValues: presets({ prom: true, otlp: true, logs: true }),
        podIdentityAssociations: [
          { serviceAccount: 'adot-col-otlp-ingest', roleArn: `arn:aws:iam::${sandbox.sandbox.account}:role/otlp` },
        ],
      }),
    );
    const addon = await settledAddon(sandbox);
    expect(addon.status).toBe('ACTIVE');
    expect(addon.podIdentityAssociations).toHaveLength(1);
    const associations = await sandbox.eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo' }));
    expect(associations.associations).toMatchObject([{ namespace: NS, serviceAccount: 'adot-col-otlp-ingest' }]);

    expect(await collectors(sandbox, 'v1beta1')).toEqual({
      'adot-col-prom-metrics': { mode: 'deployment', serviceAccount: 'adot-col-prom-metrics' },
      'adot-col-otlp-ingest': { mode: 'deployment', serviceAccount: 'adot-col-otlp-ingest' },
      'adot-col-container-logs': { mode: 'daemonset', serviceAccount: 'adot-col-container-logs' },
    });
    const core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
    const account = await core.readNamespacedServiceAccount({ name: 'adot-col-otlp-ingest', namespace: NS });
    expect(account.metadata?.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/x' });
    await core.readNamespacedServiceAccount({ name: 'adot-col-container-logs', namespace: NS });
    const rbac = sandbox.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    const role = await rbac.readClusterRole({ name: 'adot-col-prom-metrics' });
    expect(role.rules?.[0]?.resources).toEqual(['nodes', 'nodes/proxy', 'services', 'endpoints', 'pods']);
    const binding = await rbac.readClusterRoleBinding({ name: 'adot-col-prom-metrics' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'adot-col-prom-metrics', namespace: NS }]);

    // the operator runs the deployment-mode otlpIngest collector: a span posted to its Service reaches X-Ray
    const address = await eventually(
      async () => {
        const endpoints = await core
          .readNamespacedEndpoints({ name: 'adot-col-otlp-ingest-collector', namespace: NS })
          .catch(() => undefined);
        const subset = endpoints?.subsets?.[0];
        const port = subset?.ports?.find((candidate) => candidate.name === 'otlp-http')?.port;
        return port === undefined ? undefined : `${subset?.addresses?.[0]?.ip ?? ''}:${port}`;
      },
      present,
      15_000,
    );
    const traceId = await postSpan(address);
    // the prometheusMetrics collector (deployment mode too) starts from its rendered configuration
    const available = await eventually(
      async () => {
        const deployment = sandbox.sandbox
          .store('demo')
          .get('apps/v1', 'Deployment', 'adot-col-prom-metrics-collector', NS);
        const conditions = (deployment?.status as { conditions?: { type: string; status: string }[] } | undefined)
          ?.conditions;
        return conditions?.find((condition) => condition.type === 'Available' && condition.status === 'True');
      },
      present,
      15_000,
    );
    expect(available).toBeDefined();
    const trace = await eventually(async () => sandbox.sandbox.xray.trace(traceId), present, 15_000);
    expect(JSON.parse(trace.Segments[0]?.Document ?? '{}')).toMatchObject({ name: 'checkout' });
  });

  it('UpdateAddon: a preset switched off loses its collector, service account and RBAC; no configuration, no collectors; DeleteAddon leaves none', async () => {
    const sandbox = await start();
    await sandbox.eks.send(
      new CreateAddonCommand({
        clusterName: 'demo',
        addonName: 'adot',
        addonVersion: 'v0.102.1-eksbuild.2',
        configurationValues: presets({ prom: true, otlp: true }),
      }),
    );
    expect((await settledAddon(sandbox)).status).toBe('ACTIVE');
    expect(Object.keys(await collectors(sandbox, 'v1beta1')).sort()).toEqual([
      'adot-col-otlp-ingest',
      'adot-col-prom-metrics',
    ]);

    expect((await update(sandbox, { configurationValues: presets({ prom: false, otlp: true }) })).status).toBe(
      'ACTIVE',
    );
    expect(Object.keys(await collectors(sandbox, 'v1beta1'))).toEqual(['adot-col-otlp-ingest']);
    const store = sandbox.sandbox.store('demo');
    expect(store.get('v1', 'ServiceAccount', 'adot-col-prom-metrics', NS)).toBeUndefined();
    expect(store.get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'adot-col-prom-metrics')).toBeUndefined();
    // the operator's objects of the removed collector go with it
    await eventually(
      async () => store.get('apps/v1', 'Deployment', 'adot-col-prom-metrics-collector', NS) === undefined,
      present,
    );

    expect((await update(sandbox, { configurationValues: '' })).status).toBe('ACTIVE');
    expect(await collectors(sandbox, 'v1beta1')).toEqual({});
    expect(store.get('apps/v1', 'Deployment', 'opentelemetry-operator', NS)).toBeDefined();

    expect((await update(sandbox, { configurationValues: presets({ otlp: true }) })).status).toBe('ACTIVE');
    await sandbox.eks.send(new DeleteAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
    await eventually(async () => store.get('v1', 'ServiceAccount', 'adot-col-otlp-ingest', NS) === undefined, present);
    // (the namespace stays while the operator's collector objects are still being collected)
    const left = store
      .all()
      .filter(
        (object) => object.metadata.labels?.['eks.amazonaws.com/addon'] === 'adot' && object.kind !== 'Namespace',
      );
    expect(left).toEqual([]);
  });

  it('v0.84 deploys my-collector from the collector keys; updated to v0.88 with preset values, the presets replace it', async () => {
    const sandbox = await start();
    await sandbox.eks.send(
      new CreateAddonCommand({
        clusterName: 'demo',
        addonName: 'adot',
        addonVersion: 'v0.84.0-eksbuild.1',
        configurationValues: JSON.stringify({ collector: { xray: { enabled: true }, replicas: 2 } }),
      }),
    );
    expect((await settledAddon(sandbox)).status).toBe('ACTIVE');
    expect(await collectors(sandbox, 'v1alpha1')).toEqual({
      'my-collector': { mode: 'deployment', serviceAccount: 'aws-otel-collector' },
    });
    const core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
    await core.readNamespacedServiceAccount({ name: 'aws-otel-collector', namespace: NS });

    const updated = await update(sandbox, {
      addonVersion: 'v0.88.0-eksbuild.2',
      configurationValues: presets({ otlp: true }),
    });
    expect(updated).toMatchObject({ status: 'ACTIVE', addonVersion: 'v0.88.0-eksbuild.2' });
    expect(await collectors(sandbox, 'v1alpha1')).toEqual({
      'adot-col-otlp-ingest': { mode: 'deployment', serviceAccount: 'adot-col-otlp-ingest' },
    });
    await expect(core.readNamespacedServiceAccount({ name: 'aws-otel-collector', namespace: NS })).rejects.toThrow();
  });

  it('the addon-presets scenario starts with its collectors in place, applied by eks', async () => {
    fixture = await startSandboxFixture(scenarioWith('addon-presets', FAST));
    const sandbox = fixture;
    expect((await settledAddon(sandbox)).status).toBe('ACTIVE');
    expect(await collectors(sandbox, 'v1beta1')).toEqual({
      'adot-col-otlp-ingest': { mode: 'deployment', serviceAccount: 'adot-col-otlp-ingest' },
      'adot-col-container-logs': { mode: 'daemonset', serviceAccount: 'adot-col-container-logs' },
    });
    const store = sandbox.sandbox.store('demo');
    const collector = store.get('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'adot-col-otlp-ingest', NS);
    expect(collector?.metadata.managedFields).toMatchObject([{ manager: 'eks', operation: 'Apply' }]);
    expect((await update(sandbox, { configurationValues: presets({ otlp: true }) })).status).toBe('ACTIVE');
    expect(Object.keys(await collectors(sandbox, 'v1beta1'))).toEqual(['adot-col-otlp-ingest']);
  });

  it('resolveConflicts: a field changed with kubectl fails the update (NONE), PRESERVE keeps it, OVERWRITE resets it', async () => {
    const sandbox = await start();
    await sandbox.eks.send(
      new CreateAddonCommand({
        clusterName: 'demo',
        addonName: 'adot',
        addonVersion: 'v0.102.1-eksbuild.2',
        configurationValues: presets({ otlp: true }),
      }),
    );
    expect((await settledAddon(sandbox)).status).toBe('ACTIVE');
    const objects = KubernetesObjectApi.makeApiClient(sandbox.kubeConfig);
    const edit: KubernetesObject & { spec: unknown } = {
      apiVersion: 'opentelemetry.io/v1beta1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: 'adot-col-otlp-ingest', namespace: NS },
      spec: { resources: { limits: { cpu: '4' } } },
    };
    await objects.patch(edit, undefined, undefined, 'kubectl-edit', undefined, PatchStrategy.MergePatch);
    const cpu = async () => {
      const read = (await objects.read({
        apiVersion: edit.apiVersion,
        kind: edit.kind,
        metadata: { name: 'adot-col-otlp-ingest', namespace: NS },
      })) as KubernetesObject & { spec: { resources: { limits: { cpu: string } } } };
      return read.spec.resources.limits.cpu;
    };

    const annotated = presets({ otlp: true }).replace('role/x', 'role/y');
    const failed = await update(sandbox, { configurationValues: annotated });
    expect(failed.status).toBe('UPDATE_FAILED');
    expect(failed.configurationValues).toBe(presets({ otlp: true }));
    expect(failed.health?.issues).toEqual([
      {
        code: 'ConfigurationConflict',
        message:
          'Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts:\n' +
          'OpenTelemetryCollector.opentelemetry.io adot-col-otlp-ingest - .spec.resources.limits.cpu',
        resourceIds: [],
      },
    ]);
    expect(await cpu()).toBe('4');

    expect((await update(sandbox, { configurationValues: annotated, resolveConflicts: 'PRESERVE' })).status).toBe(
      'ACTIVE',
    );
    expect(await cpu()).toBe('4');
    const core = sandbox.kubeConfig.makeApiClient(CoreV1Api);
    const account = await core.readNamespacedServiceAccount({ name: 'adot-col-otlp-ingest', namespace: NS });
    expect(account.metadata?.annotations?.['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::111122223333:role/y');

    expect((await update(sandbox, { resolveConflicts: 'OVERWRITE' })).status).toBe('ACTIVE');
    expect(await cpu()).toBe('1000m');
  });
});
