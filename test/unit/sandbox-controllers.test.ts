import { afterEach, describe, expect, it } from 'vitest';
import {
  StoreAddonHooks,
  startClusterControllers,
  type ClusterControllers,
} from '../../src/sandbox/controllers/index.js';
import { collectorServicePorts } from '../../src/sandbox/controllers/collector-ports.js';
import { conditionOf, isDeploymentAvailable } from '../../src/sandbox/controllers/objects.js';
import { createClusterStore } from '../../src/sandbox/kube/store.js';
import { addonOperatorObjects } from '../../src/sandbox/seed/addon-objects.js';
import { presetObjects } from '../../src/sandbox/seed/presets.js';
import type { ClusterStore, KubeObject } from '../../src/sandbox/types.js';
import { eventually, present } from '../helpers/eventually.js';

const running: ClusterControllers[] = [];
afterEach(() => {
  for (const controllers of running.splice(0)) controllers.stop();
});

function storeWith(objects: KubeObject[], rolloutSeconds = 0.15): ClusterStore {
  const store = createClusterStore();
  for (const object of objects) store.put(object);
  running.push(startClusterControllers(store, { rolloutSeconds }));
  return store;
}

function until<T>(probe: () => T | undefined | false): Promise<T> {
  return eventually(probe, present);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function deployment(name: string, namespace: string, serviceAccountName?: string, labels = { app: name }): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...(serviceAccountName ? { serviceAccountName } : {}),
          containers: [{ name: 'c', image: 'i', ports: [{ name: 'web', containerPort: 8080 }] }],
        },
      },
    },
  };
}

const namespace = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

describe('rollout controller', () => {
  it('makes a Deployment Available after rolloutSeconds, and again after a new generation', async () => {
    const store = storeWith([namespace('apps'), deployment('web', 'apps')]);
    const started = Date.now();
    const initial = store.get('apps/v1', 'Deployment', 'web', 'apps') as KubeObject;
    expect(isDeploymentAvailable(initial)).toBe(false);
    const available = await until(() => {
      const current = store.get('apps/v1', 'Deployment', 'web', 'apps');
      return current && isDeploymentAvailable(current) ? current : undefined;
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(available.status).toMatchObject({
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 1,
    });
    expect(conditionOf(available, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });

    store.put({ ...available, spec: { ...(available.spec as object), replicas: 3 } });
    await sleep(30);
    const progressing = store.get('apps/v1', 'Deployment', 'web', 'apps') as KubeObject;
    expect(progressing.metadata.generation).toBe(2);
    expect(isDeploymentAvailable(progressing)).toBe(false);
    const again = await until(() => {
      const current = store.get('apps/v1', 'Deployment', 'web', 'apps');
      return current && isDeploymentAvailable(current) ? current : undefined;
    });
    expect(again.status).toMatchObject({ availableReplicas: 3, observedGeneration: 2 });
  });

  it('keeps a Deployment unavailable while its service account is missing', async () => {
    const store = storeWith([namespace('apps'), deployment('web', 'apps', 'runner')]);
    await sleep(250);
    const blocked = store.get('apps/v1', 'Deployment', 'web', 'apps') as KubeObject;
    expect(conditionOf(blocked, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable' });
    expect(String(conditionOf(blocked, 'Available')?.message)).toContain('serviceaccount "runner" not found');
    store.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: 'apps' } });
    await until(() => isDeploymentAvailable(store.get('apps/v1', 'Deployment', 'web', 'apps') as KubeObject));
  });

  it('keeps a seeded status as given', async () => {
    const seeded = {
      ...deployment('web', 'apps'),
      status: { replicas: 2, readyReplicas: 0, conditions: [{ type: 'Available', status: 'False' }] },
    };
    const store = storeWith([namespace('apps'), seeded]);
    await sleep(250);
    expect(store.get('apps/v1', 'Deployment', 'web', 'apps')?.status).toEqual(seeded.status);
  });
});

describe('endpoints controller', () => {
  it('lists one address per ready pod of matching Deployments, none otherwise', async () => {
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'apps' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
    };
    const store = storeWith([namespace('apps'), deployment('web', 'apps'), service]);
    expect(store.get('v1', 'Endpoints', 'web', 'apps')?.subsets).toEqual([]);
    const endpoints = await until(() => {
      const current = store.get('v1', 'Endpoints', 'web', 'apps');
      return (current?.subsets as unknown[] | undefined)?.length ? current : undefined;
    });
    const [subset] = endpoints.subsets as { addresses: { ip: string }[]; ports: unknown[] }[];
    expect(subset?.addresses).toHaveLength(2);
    for (const address of subset?.addresses ?? []) expect(address.ip).toMatch(/^127\.0\.\d+\.\d+$/);
    expect(subset?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    store.remove('v1', 'Service', 'web', 'apps');
    await until(() => store.get('v1', 'Endpoints', 'web', 'apps') === undefined);
  });
});

describe('pods of the emulated workloads', () => {
  const podsOf = (store: ClusterStore, prefix: string) =>
    store.list('v1', 'Pod', 'apps').filter((pod) => pod.metadata.name.startsWith(prefix));
  const phases = (pods: KubeObject[]) => pods.map((pod) => (pod.status as { phase: string }).phase).sort();

  it('are Pending until the Deployment is ready, then Running; a deleted pod is replaced, scaling down removes pods', async () => {
    const store = storeWith([namespace('apps'), deployment('web', 'apps')], 0.3);
    const pending = await until(() => (podsOf(store, 'web-').length === 2 ? podsOf(store, 'web-') : undefined));
    expect(phases(pending)).toEqual(['Pending', 'Pending']);
    for (const pod of pending) {
      expect(pod.metadata.name).toMatch(/^web-[a-z0-9]{10}-[a-z0-9]{5}$/);
      expect(pod.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true });
      expect((pod.status as { podIP?: string }).podIP).toBeUndefined();
    }
    const running = await until(() => {
      const pods = podsOf(store, 'web-');
      return phases(pods).join() === 'Running,Running' ? pods : undefined;
    });
    const ips = running.map((pod) => (pod.status as { podIP: string }).podIP);
    for (const ip of ips) expect(ip).toMatch(/^127\.0\.\d+\.\d+$/);
    expect(new Set(ips).size).toBe(2);

    const [first] = running as [KubeObject];
    store.remove('v1', 'Pod', first.metadata.name, 'apps');
    const replaced = await until(() => {
      const pods = podsOf(store, 'web-');
      return pods.length === 2 && !pods.some((pod) => pod.metadata.name === first.metadata.name) ? pods : undefined;
    });
    expect(replaced.map((pod) => pod.metadata.uid)).not.toContain(first.metadata.uid);

    const web = store.get('apps/v1', 'Deployment', 'web', 'apps') as KubeObject;
    store.put({ ...web, spec: { ...(web.spec as object), replicas: 1 } });
    await until(() => podsOf(store, 'web-').length === 1 && phases(podsOf(store, 'web-')).join() === 'Running');
    store.remove('apps/v1', 'Deployment', 'web', 'apps');
    await until(() => podsOf(store, 'web-').length === 0);
  });

  it("are what a Service's Endpoints address: ready ones in addresses, with a targetRef to each", async () => {
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'apps' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
    };
    const store = storeWith([namespace('apps'), deployment('web', 'apps'), service]);
    const endpoints = await until(() => {
      const subsets = store.get('v1', 'Endpoints', 'web', 'apps')?.subsets as
        { addresses?: { ip: string; targetRef: { name: string; uid: string } }[] }[] | undefined;
      return subsets?.[0]?.addresses?.length === 2 ? subsets[0].addresses : undefined;
    });
    const pods = podsOf(store, 'web-');
    expect(endpoints.map((address) => address.targetRef.name).sort()).toEqual(
      pods.map((pod) => pod.metadata.name).sort(),
    );
    for (const address of endpoints) {
      const pod = pods.find((candidate) => candidate.metadata.name === address.targetRef.name);
      expect(address.ip).toBe((pod?.status as { podIP: string }).podIP);
      expect(address.targetRef.uid).toBe(pod?.metadata.uid);
    }
  });
});

describe('add-on hooks and operator', () => {
  const HOOKS_CONTEXT = { clusterName: 'demo', region: 'us-east-1' };
  const certManager = presetObjects('cert-manager-v1.5.3');

  it('reports cert-manager problems and the add-on RBAC', () => {
    const bare = storeWith([]);
    expect(new StoreAddonHooks(bare, HOOKS_CONTEXT).certManagerProblem()).toContain(
      'no cert-manager controller Deployment',
    );
    const ready = storeWith([...certManager, ...presetObjects('addon-rbac')]);
    const hooks = new StoreAddonHooks(ready, HOOKS_CONTEXT);
    expect(hooks.certManagerProblem()).toBeUndefined();
    expect(hooks.hasAddonRbac()).toBe(true);
    expect(new StoreAddonHooks(storeWith(certManager), HOOKS_CONTEXT).hasAddonRbac()).toBe(false);
    const webhook = ready.get('apps/v1', 'Deployment', 'cert-manager-webhook', 'cert-manager') as KubeObject;
    ready.put({ ...webhook, status: { conditions: [{ type: 'Available', status: 'False' }] } });
    expect(hooks.certManagerProblem()).toContain(
      'webhook Deployment cert-manager/cert-manager-webhook is not Available',
    );
  });

  it('turns a collector into a Deployment and Service, and removes them with the add-on', async () => {
    const store = storeWith([...certManager, namespace('aws-otel-eks')]);
    const hooks = new StoreAddonHooks(store, HOOKS_CONTEXT);
    hooks.installAddon('v0.102.0-eksbuild.1');
    const crd = store.get(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      'opentelemetrycollectors.opentelemetry.io',
    );
    expect((crd?.spec as { versions: { name: string }[] }).versions.map((version) => version.name)).toEqual([
      'v1alpha1',
      'v1beta1',
    ]);
    store.put({
      apiVersion: 'opentelemetry.io/v1beta1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: 'observability', namespace: 'aws-otel-eks' },
      spec: {
        serviceAccount: 'aws-otel-collector',
        config: { receivers: { otlp: { protocols: { grpc: {}, http: {} } }, awsxray: {} } },
      },
    });
    const created = await until(() => store.get('apps/v1', 'Deployment', 'observability-collector', 'aws-otel-eks'));
    expect(created.metadata.labels).toMatchObject({
      'app.kubernetes.io/component': 'opentelemetry-collector',
      'app.kubernetes.io/instance': 'aws-otel-eks.observability',
      'app.kubernetes.io/managed-by': 'opentelemetry-operator',
    });
    expect(JSON.stringify(created.spec)).toContain('aws-otel-collector:v0.102.0');
    const service = store.get('v1', 'Service', 'observability-collector', 'aws-otel-eks');
    expect(
      (service?.spec as { ports: { port: number; protocol: string }[] }).ports.map((p) => `${p.port}/${p.protocol}`),
    ).toEqual(['4317/TCP', '4318/TCP', '2000/UDP']);
    await sleep(300);
    expect(
      isDeploymentAvailable(
        store.get('apps/v1', 'Deployment', 'observability-collector', 'aws-otel-eks') as KubeObject,
      ),
    ).toBe(false);

    hooks.removeAddon();
    await until(() => store.get('apps/v1', 'Deployment', 'observability-collector', 'aws-otel-eks') === undefined);
    expect(store.get('v1', 'Service', 'observability-collector', 'aws-otel-eks')).toBeUndefined();
    expect(
      store.get('apps/v1', 'Deployment', 'opentelemetry-operator', 'opentelemetry-operator-system'),
    ).toBeUndefined();
    expect(store.get('v1', 'Namespace', 'opentelemetry-operator-system')).toBeUndefined();
  });

  it('derives service ports from v1alpha1 YAML config and spec.ports', () => {
    const config =
      'receivers:\n  awsxray:\n    endpoint: 0.0.0.0:2001\n  statsd: {}\n  zipkin: {}\n  prometheus: {config: {}}\n  jaeger:\n    protocols: {grpc: {}, thrift_compact: {}}\n';
    const ports = collectorServicePorts(config, [
      { name: 'xray', port: 2001, protocol: 'UDP' },
      { name: 'extra', port: 9999 },
    ]);
    expect(ports.map((port) => `${port.name}:${port.port}/${port.protocol}`)).toEqual([
      'awsxray:2001/UDP',
      'statsd:8125/UDP',
      'zipkin:9411/TCP',
      'jaeger-grpc:14250/TCP',
      'jaeger-thrift-c:6831/UDP',
      'extra:9999/TCP',
    ]);
    expect(addonOperatorObjects('v0.45.0-eksbuild.1').map((object) => object.kind)).toContain(
      'MutatingWebhookConfiguration',
    );
  });
});
