import {
  ApiextensionsV1Api,
  AppsV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  RbacAuthorizationV1Api,
  VersionApi,
  Watch,
  makeInformer,
  setHeaderOptions,
  type KubernetesObject,
  type V1Deployment,
} from '@kubernetes/client-node';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  adminUser,
  failureOf,
  rawRequest,
  startTestCluster,
  viewerToken,
  type TestCluster,
} from '../helpers/kube-cluster.js';
import { eventually } from '../helpers/eventually.js';

let cluster: TestCluster;

beforeEach(async () => {
  cluster = await startTestCluster();
});

afterEach(async () => {
  await cluster.close();
});

const core = (): CoreV1Api => cluster.kubeConfig().makeApiClient(CoreV1Api);
const apps = (): AppsV1Api => cluster.kubeConfig().makeApiClient(AppsV1Api);
const objects = (): KubernetesObjectApi => KubernetesObjectApi.makeApiClient(cluster.kubeConfig());

function deployment(
  name: string,
  namespace: string,
  image: string,
  extra: Partial<V1Deployment['spec']> = {},
): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels: { app: name } },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'main', image, ports: [{ containerPort: 80 }] }] },
      },
      ...extra,
    },
  };
}

async function until(condition: () => Promise<boolean> | boolean): Promise<void> {
  await eventually(condition, (met) => met);
}

describe('version and discovery', () => {
  it('reports the EKS gitVersion with minor "22+"', async () => {
    const version = await cluster.kubeConfig().makeApiClient(VersionApi).getCode();
    expect(version).toMatchObject({ major: '1', minor: '22+', gitVersion: 'v1.22.17-eks-48e63af' });
  });

  it('lists resources with verbs, short names and the status subresource', async () => {
    const list = JSON.parse((await rawRequest(cluster, 'GET', '/apis/apps/v1')).body) as {
      resources: Record<string, unknown>[];
    };
    expect(list.resources).toContainEqual(
      expect.objectContaining({ name: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'] }),
    );
    expect(list.resources).toContainEqual(
      expect.objectContaining({ name: 'deployments/status', verbs: ['get', 'patch', 'update'] }),
    );
    const groups = JSON.parse((await rawRequest(cluster, 'GET', '/apis')).body) as { groups: { name: string }[] };
    expect(groups.groups.map((group) => group.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'rbac.authorization.k8s.io',
        'apiextensions.k8s.io',
        'authorization.k8s.io',
        'coordination.k8s.io',
      ]),
    );
  });
});

describe('CRUD and Status errors', () => {
  it('creates, reads, updates and deletes a ConfigMap', async () => {
    const created = await core().createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'settings' }, data: { a: '1' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toBeDefined();
    const read = await core().readNamespacedConfigMap({ name: 'settings', namespace: 'default' });
    expect(read.data).toEqual({ a: '1' });
    const updated = await core().replaceNamespacedConfigMap({
      name: 'settings',
      namespace: 'default',
      body: { ...read, data: { a: '2' } },
    });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(read.metadata?.resourceVersion));
    await core().deleteNamespacedConfigMap({ name: 'settings', namespace: 'default' });
    const missing = await failureOf(core().readNamespacedConfigMap({ name: 'settings', namespace: 'default' }));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'configmaps "settings" not found',
      details: { name: 'settings', kind: 'configmaps' },
    });
  });

  it('answers 409 AlreadyExists and 409 Conflict for a stale resourceVersion', async () => {
    const first = await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } });
    const again = await failureOf(
      core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'dup' } } }),
    );
    expect(again).toMatchObject({
      code: 409,
      body: { reason: 'AlreadyExists', message: 'configmaps "dup" already exists' },
    });
    await core().replaceNamespacedConfigMap({
      name: 'dup',
      namespace: 'default',
      body: { ...first, data: { x: '1' } },
    });
    const stale = await failureOf(
      core().replaceNamespacedConfigMap({ name: 'dup', namespace: 'default', body: { ...first, data: { x: '2' } } }),
    );
    expect(stale.code).toBe(409);
    expect(stale.body).toMatchObject({ reason: 'Conflict' });
    expect(String(stale.body.message)).toContain('the object has been modified');
  });

  it('answers 422 Invalid for a missing name, a namespace mismatch and a kind mismatch', async () => {
    const noName = await failureOf(core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: {} } }));
    expect(noName).toMatchObject({
      code: 422,
      body: { reason: 'Invalid', details: { causes: [{ field: 'metadata.name' }] } },
    });
    const wrongNamespace = await failureOf(
      core().createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'x', namespace: 'kube-system' } },
      }),
    );
    expect(wrongNamespace).toMatchObject({
      code: 422,
      body: { reason: 'Invalid', details: { causes: [{ field: 'metadata.namespace' }] } },
    });
    const wrongKind = await rawRequest(cluster, 'POST', '/api/v1/namespaces/default/configmaps', {
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }),
    });
    expect(wrongKind.status).toBe(422);
    expect(JSON.parse(wrongKind.body)).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
  });

  it('answers 400 for unreadable JSON, 405 for a verb the resource lacks and 401 without a valid token', async () => {
    const bad = await rawRequest(cluster, 'POST', '/api/v1/namespaces/default/configmaps', { body: '{not json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ reason: 'BadRequest', code: 400 });
    const notAllowed = await rawRequest(cluster, 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    expect(notAllowed.status).toBe(405);
    expect(JSON.parse(notAllowed.body)).toMatchObject({ reason: 'MethodNotAllowed' });
    const anonymous = await rawRequest(cluster, 'GET', '/api/v1/namespaces', { token: null });
    expect(anonymous.status).toBe(401);
    const unknown = await rawRequest(cluster, 'GET', '/api/v1/namespaces', { token: 'nope' });
    expect(JSON.parse(unknown.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('stores nothing for dryRun=All', async () => {
    const answer = await core().createNamespacedConfigMap({
      namespace: 'default',
      dryRun: 'All',
      body: { metadata: { name: 'dry' } },
    });
    expect(answer.metadata?.name).toBe('dry');
    expect(cluster.store.get('v1', 'ConfigMap', 'dry', 'default')).toBeUndefined();
  });
});

describe('request log', () => {
  it('records each answered request (method, target without query, status) and outlives a target that is no URL', async () => {
    await rawRequest(cluster, 'GET', '/api/v1/namespaces?limit=1');
    await rawRequest(cluster, 'GET', '/api/v1/namespaces', { token: 'nope' });
    // Node's HTTP parser accepts this absolute-form target, which new URL() refuses
    const answer = await new Promise<string>((resolve, reject) => {
      const url = new URL(cluster.server.url);
      const socket = tlsConnect({
        host: url.hostname,
        port: Number(url.port),
        ca: cluster.server.certificateAuthority,
      });
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.write('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 [45]\d\d /);
    expect((await rawRequest(cluster, 'GET', '/version')).status).toBe(200);
    expect(cluster.server.requests().map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual([
      'GET /api/v1/namespaces 200',
      'GET /api/v1/namespaces 401',
      expect.stringMatching(/^GET http:\/\/\[ [45]\d\d$/),
      'GET /version 200',
    ]);
  });
});

describe('selectors', () => {
  it('filters lists by every label selector operator and by field selectors', async () => {
    const labelsByName: Record<string, Record<string, string>> = {
      a: { tier: 'web', env: 'prod' },
      b: { tier: 'db', env: 'prod' },
      c: { tier: 'web' },
    };
    for (const [name, labels] of Object.entries(labelsByName)) {
      await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name, labels } } });
    }
    const names = async (labelSelector?: string, fieldSelector?: string): Promise<string[]> =>
      (
        await core().listNamespacedConfigMap({
          namespace: 'default',
          ...(labelSelector ? { labelSelector } : {}),
          ...(fieldSelector ? { fieldSelector } : {}),
        })
      ).items.map((item) => item.metadata?.name ?? '');
    expect(await names('tier=web')).toEqual(['a', 'c']);
    expect(await names('tier==web,env=prod')).toEqual(['a']);
    expect(await names('tier!=web')).toEqual(['b']);
    expect(await names('tier in (db, web),env')).toEqual(['a', 'b']);
    expect(await names('tier notin (web)')).toEqual(['b']);
    expect(await names('!env')).toEqual(['c']);
    expect(await names(undefined, 'metadata.name=b')).toEqual(['b']);
    expect(await names(undefined, 'metadata.name!=b')).toEqual(['a', 'c']);
    const all = await core().listConfigMapForAllNamespaces({ fieldSelector: 'metadata.namespace=default' });
    expect(all.items).toHaveLength(3);
    expect(all.metadata?.resourceVersion).toMatch(/^\d+$/);
  });
});

describe('patches', () => {
  it('merges containers by name with a strategic merge patch and applies merge and JSON patches', async () => {
    await apps().createNamespacedDeployment({ namespace: 'default', body: deployment('web', 'default', 'nginx:1.25') });
    const patched = await apps().patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'default',
        body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.template.spec?.containers.map((container) => container.name)).toEqual(['main', 'sidecar']);
    expect(patched.metadata?.generation).toBe(2);
    const merged = await apps().patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: { metadata: { labels: { extra: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels).toEqual({ app: 'web', extra: 'yes' });
    expect(merged.metadata?.generation).toBe(2);
    const jsonPatched = await apps().patchNamespacedDeployment(
      { name: 'web', namespace: 'default', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(jsonPatched.spec?.replicas).toBe(3);
  });
});

describe('server-side apply', () => {
  const apply = (object: KubernetesObject, force = false, manager = 'adot'): Promise<KubernetesObject> =>
    objects().patch(object, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);

  it('creates, records managedFields, reports conflicts, forces and removes dropped fields', async () => {
    const first = deployment('collector', 'default', 'otel:1', { replicas: 2 });
    first.metadata = { ...first.metadata, labels: { app: 'collector', team: 'a' } };
    const created = (await apply(first as KubernetesObject)) as V1Deployment;
    expect(created.spec?.replicas).toBe(2);
    expect(created.metadata?.managedFields).toEqual([
      expect.objectContaining({ manager: 'adot', operation: 'Apply', fieldsType: 'FieldsV1', apiVersion: 'apps/v1' }),
    ]);
    expect(created.metadata?.managedFields?.[0]?.fieldsV1).toMatchObject({
      'f:metadata': { 'f:labels': { 'f:team': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"main"}': { '.': {}, 'f:image': {} } } } },
      },
    });

    const scale = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'collector', namespace: 'default' },
      spec: { replicas: 5 },
    };
    const conflict = await failureOf(apply(scale, false, 'autoscaler'));
    expect(conflict.code).toBe(409);
    expect(conflict.body).toMatchObject({
      reason: 'Conflict',
      details: { causes: [{ type: 'FieldManagerConflict', field: '.spec.replicas' }] },
    });
    expect(conflict.body.message).toBe(
      'Apply failed with 1 conflict: conflict with "adot" using apps/v1: .spec.replicas',
    );

    const forced = (await apply(scale, true, 'autoscaler')) as V1Deployment;
    expect(forced.spec?.replicas).toBe(5);
    const adotFields = forced.metadata?.managedFields?.find((entry) => entry.manager === 'adot')?.fieldsV1 as Record<
      string,
      Record<string, unknown>
    >;
    expect(adotFields['f:spec']?.['f:replicas']).toBeUndefined();

    const second = deployment('collector', 'default', 'otel:2');
    second.metadata = { name: 'collector', namespace: 'default', labels: { app: 'collector' } };
    const reapplied = (await apply(second as KubernetesObject)) as V1Deployment;
    expect(reapplied.metadata?.labels).toEqual({ app: 'collector' });
    expect(reapplied.spec?.replicas).toBe(5);
    expect(reapplied.spec?.template.spec?.containers[0]?.image).toBe('otel:2');
    expect(reapplied.metadata?.generation).toBe(3);
  });

  it('requires a field manager (422) and reads back through the generic API', async () => {
    const missing = await failureOf(
      objects().patch(
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } },
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.ServerSideApply,
      ),
    );
    expect(missing).toMatchObject({ code: 422, body: { reason: 'Invalid' } });
    await apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'default' },
      data: { k: 'v' },
    } as KubernetesObject);
    const read = (await objects().read({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x', namespace: 'default' },
    })) as KubernetesObject & { data?: unknown };
    expect(read.data).toEqual({ k: 'v' });
    const list = await objects().list('v1', 'ConfigMap', 'default');
    expect(list.items.map((item) => item.metadata?.name)).toEqual(['x']);
  });
});

describe('watch', () => {
  it('streams ADDED, MODIFIED and DELETED events after the list resourceVersion, honouring the label selector', async () => {
    const list = await core().listNamespacedConfigMap({ namespace: 'default' });
    const events: string[] = [];
    const watch = new Watch(cluster.kubeConfig());
    const controller = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata?.resourceVersion, labelSelector: 'watched=yes' },
      (phase, object: KubernetesObject) => events.push(`${phase} ${object.metadata?.name ?? ''}`),
      () => undefined,
    );
    await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'ignored' } } });
    await core().createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'seen', labels: { watched: 'yes' } } },
    });
    await core().patchNamespacedConfigMap(
      { name: 'seen', namespace: 'default', body: { data: { a: '1' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core().deleteNamespacedConfigMap({ name: 'seen', namespace: 'default' });
    await until(() => events.length >= 3);
    controller.abort();
    expect(events).toEqual(['ADDED seen', 'MODIFIED seen', 'DELETED seen']);
  });

  it('starts with an ADDED event per existing object when no resourceVersion is given and ends at timeoutSeconds', async () => {
    const events: string[] = [];
    let ended = false;
    await new Watch(cluster.kubeConfig()).watch(
      '/api/v1/namespaces',
      { timeoutSeconds: 1 },
      (phase, object: KubernetesObject) => events.push(`${phase} ${object.metadata?.name ?? ''}`),
      () => {
        ended = true;
      },
    );
    await until(() => ended);
    expect(events).toEqual(['ADDED default', 'ADDED kube-node-lease', 'ADDED kube-public', 'ADDED kube-system']);
  });
});

describe('informer', () => {
  it('lists then follows changes through a client-node informer', async () => {
    const config = cluster.kubeConfig();
    const api = config.makeApiClient(CoreV1Api);
    const informer = makeInformer(config, '/api/v1/namespaces/default/configmaps', () =>
      api.listNamespacedConfigMap({ namespace: 'default' }),
    );
    const seen: string[] = [];
    informer.on('add', (object) => seen.push(`add ${object.metadata?.name ?? ''}`));
    informer.on('update', (object) => seen.push(`update ${object.metadata?.name ?? ''}`));
    informer.on('delete', (object) => seen.push(`delete ${object.metadata?.name ?? ''}`));
    await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'before' } } });
    await informer.start();
    await core().createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' } } });
    await core().patchNamespacedConfigMap(
      { name: 'after', namespace: 'default', body: { data: { a: '1' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core().deleteNamespacedConfigMap({ name: 'before', namespace: 'default' });
    await until(() => seen.length >= 4);
    await informer.stop();
    expect(seen).toEqual(['add before', 'add after', 'update after', 'delete before']);
    expect(informer.list().map((object) => object.metadata?.name)).toEqual(['after']);
  });
});

describe('custom resources', () => {
  it('serves a kind as soon as its CRD exists and removes it (and its objects) with the CRD', async () => {
    const crd = await cluster
      .kubeConfig()
      .makeApiClient(ApiextensionsV1Api)
      .createCustomResourceDefinition({
        body: {
          metadata: { name: 'opentelemetrycollectors.opentelemetry.io' },
          spec: {
            group: 'opentelemetry.io',
            scope: 'Namespaced',
            names: {
              kind: 'OpenTelemetryCollector',
              plural: 'opentelemetrycollectors',
              singular: 'opentelemetrycollector',
              shortNames: ['otelcol'],
            },
            versions: [
              {
                name: 'v1alpha1',
                served: true,
                storage: true,
                schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
                subresources: { status: {} },
              },
            ],
          },
        },
      });
    expect(crd.status?.conditions?.map((condition) => `${condition.type}=${condition.status}`)).toEqual([
      'NamesAccepted=True',
      'Established=True',
    ]);
    const collector = {
      apiVersion: 'opentelemetry.io/v1alpha1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: 'observability', namespace: 'default' },
      spec: { mode: 'deployment' },
    };
    await objects().patch(collector, undefined, undefined, 'adot', false, PatchStrategy.ServerSideApply);
    const list = await objects().list('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'default');
    expect(list.items.map((item) => item.metadata?.name)).toEqual(['observability']);
    const discovery = JSON.parse((await rawRequest(cluster, 'GET', '/apis/opentelemetry.io/v1alpha1')).body) as {
      resources: { name: string }[];
    };
    expect(discovery.resources.map((resource) => resource.name)).toEqual([
      'opentelemetrycollectors',
      'opentelemetrycollectors/status',
    ]);

    await cluster
      .kubeConfig()
      .makeApiClient(ApiextensionsV1Api)
      .deleteCustomResourceDefinition({ name: 'opentelemetrycollectors.opentelemetry.io' });
    await until(() => cluster.store.list('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector').length === 0);
    const gone = await rawRequest(
      cluster,
      'GET',
      '/apis/opentelemetry.io/v1alpha1/namespaces/default/opentelemetrycollectors',
    );
    expect(gone.status).toBe(404);
  });
});

describe('deletion', () => {
  it('deletes a namespace with everything in it', async () => {
    await core().createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core().createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'inside' } } });
    await apps().createNamespacedDeployment({ namespace: 'doomed', body: deployment('web', 'doomed', 'nginx') });
    const terminating = await core().deleteNamespace({ name: 'doomed' });
    expect((terminating as { status?: { phase?: string } }).status?.phase).toBe('Terminating');
    const refused = await failureOf(
      core().createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'late' } } }),
    );
    expect(refused.code).toBe(403);
    await until(() =>
      cluster.store
        .all()
        .every((object) => object.metadata.namespace !== 'doomed' && object.metadata.name !== 'doomed'),
    );
    expect((await failureOf(core().readNamespace({ name: 'doomed' }))).code).toBe(404);
  });

  it('collects objects whose owner is deleted, unless orphaned', async () => {
    const owner = await apps().createNamespacedDeployment({
      namespace: 'default',
      body: deployment('owner', 'default', 'nginx'),
    });
    const ownerReferences = [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'owner', uid: owner.metadata?.uid ?? '', controller: true },
    ];
    await core().createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'owned', ownerReferences } },
    });
    await apps().deleteNamespacedDeployment({ name: 'owner', namespace: 'default' });
    expect(cluster.store.get('v1', 'ConfigMap', 'owned', 'default')).toBeUndefined();

    const orphaning = await apps().createNamespacedDeployment({
      namespace: 'default',
      body: deployment('orphaning', 'default', 'nginx'),
    });
    const references = [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orphaning', uid: orphaning.metadata?.uid ?? '' },
    ];
    await core().createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'kept', ownerReferences: references } },
    });
    await apps().deleteNamespacedDeployment({ name: 'orphaning', namespace: 'default', propagationPolicy: 'Orphan' });
    expect(cluster.store.get('v1', 'ConfigMap', 'kept', 'default')?.metadata.ownerReferences).toEqual([]);
  });
});

describe('RBAC', () => {
  it('forbids what the user has no role for, with the Kubernetes message', async () => {
    const viewerCore = cluster.kubeConfig(viewerToken).makeApiClient(CoreV1Api);
    const forbidden = await failureOf(viewerCore.listNamespacedPod({ namespace: 'team' }));
    expect(forbidden.code).toBe(403);
    expect(forbidden.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      message: 'pods is forbidden: User "viewer" cannot list resource "pods" in API group "" in the namespace "team"',
    });
    const clusterScoped = await failureOf(viewerCore.listNamespace());
    expect(clusterScoped.body.message).toBe(
      'namespaces is forbidden: User "viewer" cannot list resource "namespaces" in API group "" at the cluster scope',
    );
  });

  it('grants through a RoleBinding in one namespace only, and answers SelfSubjectAccessReviews', async () => {
    const rbac = cluster.kubeConfig().makeApiClient(RbacAuthorizationV1Api);
    await core().createNamespace({ body: { metadata: { name: 'team' } } });
    await rbac.createNamespacedRole({
      namespace: 'team',
      body: {
        metadata: { name: 'pod-reader' },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'team',
      body: {
        metadata: { name: 'viewer-reads-pods' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'viewer' }],
      },
    });
    const viewer = cluster.kubeConfig(viewerToken);
    expect((await viewer.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'team' })).items).toEqual([]);
    expect((await failureOf(viewer.makeApiClient(CoreV1Api).listNamespacedPod({ namespace: 'default' }))).code).toBe(
      403,
    );

    const review = (user: typeof viewer, verb: string, namespace: string) =>
      user.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { verb, resource: 'pods', namespace } } },
      });
    expect((await review(viewer, 'list', 'team')).status?.allowed).toBe(true);
    expect((await review(viewer, 'delete', 'team')).status?.allowed).toBe(false);
    expect((await review(cluster.kubeConfig(), 'delete', 'team')).status).toMatchObject({ allowed: true });
    expect(adminUser).toBe('sandbox-admin');
  });
});

describe('injected faults', () => {
  it('answers the injected status, with Retry-After on 429', async () => {
    await cluster.close();
    cluster = await startTestCluster({
      faults: [{ service: 'kubernetes', verb: 'list', resource: 'configmaps', status: 429, rate: 1 }],
    });
    const throttled = await rawRequest(cluster, 'GET', '/api/v1/namespaces/default/configmaps');
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(JSON.parse(throttled.body)).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
    expect((await core().readNamespace({ name: 'default' })).metadata?.name).toBe('default');
  });
});
