import { KubernetesObjectApi, PatchStrategy, Watch, type KubernetesObject } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { addonOperatorObjects, OPERATOR_WEBHOOK_SERVICE } from '../../src/sandbox/seed/addon-objects.js';
import { ADDON_NAMESPACE } from '../../src/sandbox/seed/addon-rbac.js';
import type { KubeObject } from '../../src/sandbox/types.js';
import { failureOf, rawRequest, startTestCluster, type TestCluster } from '../helpers/kube-cluster.js';
import { eventually } from '../helpers/eventually.js';

const V1ALPHA1 = 'opentelemetry.io/v1alpha1';
const V1BETA1 = 'opentelemetry.io/v1beta1';
const NAMESPACE = 'aws-otel-eks';

const CONFIG = `receivers:
  awsxray:
    endpoint: 0.0.0.0:2000
    transport: udp
processors:
  batch/traces:
    timeout: 1s
    send_batch_size: 50
exporters:
  awsxray:
    region: us-west-2
service:
  pipelines:
    traces:
      receivers: [awsxray]
      processors: [batch/traces]
      exporters: [awsxray]
`;

let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** an API server holding what the ADOT add-on of that version installs (CRD, webhook Service …) */
async function clusterWithAddon(version: string, objects: KubeObject[] = []): Promise<TestCluster> {
  cluster = await startTestCluster({
    objects: [
      ...addonOperatorObjects(version),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
      ...objects,
    ],
  });
  return cluster;
}

function client(test: TestCluster): KubernetesObjectApi {
  return KubernetesObjectApi.makeApiClient(test.kubeConfig());
}

function collector(apiVersion: string, spec: Record<string, unknown>): KubernetesObject {
  return {
    apiVersion,
    kind: 'OpenTelemetryCollector',
    metadata: { name: 'observability', namespace: NAMESPACE },
    spec,
  } as KubernetesObject;
}

const read = async (test: TestCluster, apiVersion: string) =>
  (await client(test).read({
    apiVersion,
    kind: 'OpenTelemetryCollector',
    metadata: { name: 'observability', namespace: NAMESPACE },
  })) as KubernetesObject & { spec: Record<string, unknown> };

describe('OpenTelemetryCollector served as v1alpha1 and v1beta1 (add-on v0.102.0)', () => {
  it('stores a v1alpha1 collector once, as v1beta1, and serves it in both versions', async () => {
    const test = await clusterWithAddon('v0.102.0-eksbuild.1');
    await client(test).create(
      collector(V1ALPHA1, {
        mode: 'deployment',
        serviceAccount: 'aws-otel-collector',
        minReplicas: 2,
        updateStrategy: { type: 'RollingUpdate' },
        ports: [{ name: 'xray', port: 2000, protocol: 'UDP' }],
        config: CONFIG,
      }),
    );
    const stored = test.store.get(V1BETA1, 'OpenTelemetryCollector', 'observability', NAMESPACE);
    expect(stored?.apiVersion).toBe(V1BETA1);

    const beta = await read(test, V1BETA1);
    expect(beta.apiVersion).toBe(V1BETA1);
    expect(beta.spec.config).toEqual(parse(CONFIG));
    expect(beta.spec).toMatchObject({
      mode: 'deployment',
      serviceAccount: 'aws-otel-collector',
      autoscaler: { minReplicas: 2 },
      daemonSetUpdateStrategy: { type: 'RollingUpdate' },
      ports: [{ name: 'xray', port: 2000, protocol: 'UDP', targetPort: 0 }],
      upgradeStrategy: '',
      ingress: { route: {} },
    });
    expect(beta.spec).not.toHaveProperty('minReplicas');

    const alpha = await read(test, V1ALPHA1);
    expect(alpha.apiVersion).toBe(V1ALPHA1);
    expect(typeof alpha.spec.config).toBe('string');
    expect(parse(String(alpha.spec.config))).toEqual(parse(CONFIG));
    expect(alpha.spec).toMatchObject({ updateStrategy: { type: 'RollingUpdate' }, autoscaler: { minReplicas: 2 } });
    expect(alpha.metadata?.uid).toBe(beta.metadata?.uid);
    expect(alpha.metadata?.resourceVersion).toBe(beta.metadata?.resourceVersion);

    const list = await client(test).list(V1ALPHA1, 'OpenTelemetryCollector', NAMESPACE);
    expect(list.items.map((item) => item.metadata?.name)).toEqual(['observability']);
    expect(list.apiVersion).toBe(V1ALPHA1);
  });

  it('lists both versions in discovery (v1beta1 preferred) and OpenAPI, and warns on the deprecated v1alpha1', async () => {
    const test = await clusterWithAddon('v0.102.0-eksbuild.1');
    const group = JSON.parse((await rawRequest(test, 'GET', '/apis/opentelemetry.io')).body) as {
      versions: { version: string }[];
      preferredVersion: { version: string };
    };
    expect(group.versions.map((entry) => entry.version)).toEqual(['v1beta1', 'v1alpha1']);
    expect(group.preferredVersion.version).toBe('v1beta1');
    const hashes = await Promise.all(
      ['v1alpha1', 'v1beta1'].map(async (version) => {
        const list = JSON.parse((await rawRequest(test, 'GET', `/apis/opentelemetry.io/${version}`)).body) as {
          resources: { name: string; storageVersionHash?: string }[];
        };
        return list.resources.find((resource) => resource.name === 'opentelemetrycollectors')?.storageVersionHash;
      }),
    );
    expect(hashes[0]).toBeDefined();
    expect(hashes[0]).toBe(hashes[1]);
    const index = JSON.parse((await rawRequest(test, 'GET', '/openapi/v3')).body) as { paths: Record<string, unknown> };
    expect(Object.keys(index.paths)).toEqual(
      expect.arrayContaining(['apis/opentelemetry.io/v1alpha1', 'apis/opentelemetry.io/v1beta1']),
    );
    const path = `/apis/opentelemetry.io/%s/namespaces/${NAMESPACE}/opentelemetrycollectors`;
    const alpha = await rawRequest(test, 'GET', path.replace('%s', 'v1alpha1'));
    expect(alpha.headers.warning).toBe('299 - "OpenTelemetryCollector v1alpha1 is deprecated. Migrate to v1beta1."');
    const beta = await rawRequest(test, 'GET', path.replace('%s', 'v1beta1'));
    expect(beta.headers.warning).toBeUndefined();
  });

  it('server-side apply in v1alpha1, then v1beta1 by the same manager: one entry, pruned as SMD prunes', async () => {
    const test = await clusterWithAddon('v0.102.0-eksbuild.1');
    const apply = (object: KubernetesObject, manager = 'adot', force = false) =>
      client(test).patch(object, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);
    await apply(collector(V1ALPHA1, { mode: 'deployment', serviceAccount: 'aws-otel-collector', config: CONFIG }));

    const full = parse(CONFIG) as Record<string, unknown>;
    const withoutBatch = parse(CONFIG) as {
      processors?: unknown;
      service: { pipelines: { traces: Record<string, unknown> } };
    };
    delete withoutBatch.processors;
    delete withoutBatch.service.pipelines.traces.processors;
    const applied = (await apply(
      collector(V1BETA1, { mode: 'deployment', serviceAccount: 'aws-otel-collector', config: withoutBatch }),
    )) as KubernetesObject & { spec: Record<string, unknown> };
    expect(applied.metadata?.managedFields?.map((entry) => [entry.manager, entry.apiVersion])).toEqual([
      ['adot', V1BETA1],
    ]);
    // the last apply was v1alpha1, whose config is one string: pruning happens there, so what only the string held
    // stays, now owned by nobody (structured-merge-diff merge/update.go, Updater.prune)
    expect(applied.spec.config).toEqual(full);
    const owned = applied.metadata?.managedFields?.[0]?.fieldsV1 as Record<string, Record<string, unknown>>;
    expect(owned['f:spec']?.['f:config']).not.toHaveProperty('f:processors');

    // once adot owns the config field by field in v1beta1, a field it drops is pruned with the maps that held it
    await apply(collector(V1BETA1, { mode: 'deployment', serviceAccount: 'aws-otel-collector', config: full }));
    const pruned = (await apply(
      collector(V1BETA1, { mode: 'deployment', serviceAccount: 'aws-otel-collector', config: withoutBatch }),
    )) as KubernetesObject & { spec: Record<string, unknown> };
    expect(pruned.spec.config).toEqual(withoutBatch);
    expect(parse(String((await read(test, V1ALPHA1)).spec.config))).not.toHaveProperty('processors');

    // a manager of the other version conflicts on what adot owns in v1beta1
    const conflict = await failureOf(apply(collector(V1ALPHA1, { mode: 'daemonset' }), 'kubectl'));
    expect(conflict.code).toBe(409);
    expect(conflict.body.message).toBe(
      `Apply failed with 1 conflict: conflict with "adot" using ${V1BETA1}: .spec.mode`,
    );
    await apply(collector(V1ALPHA1, { mode: 'daemonset' }), 'kubectl', true);
    const after = await read(test, V1BETA1);
    expect(after.spec.mode).toBe('daemonset');
    const adot = after.metadata?.managedFields?.find((entry) => entry.manager === 'adot');
    expect(adot?.fieldsV1).not.toHaveProperty(['f:spec', 'f:mode']);
    expect(after.metadata?.managedFields?.find((entry) => entry.manager === 'kubectl')?.apiVersion).toBe(V1ALPHA1);
  });

  it('a watch in v1alpha1 sees a collector written in v1beta1 in v1alpha1', async () => {
    const test = await clusterWithAddon('v0.102.0-eksbuild.1');
    const events: { type: string; apiVersion?: string; config?: unknown }[] = [];
    const request = await new Watch(test.kubeConfig()).watch(
      `/apis/opentelemetry.io/v1alpha1/namespaces/${NAMESPACE}/opentelemetrycollectors`,
      {},
      (type, object: KubernetesObject & { spec?: { config?: unknown } }) =>
        events.push({ type, apiVersion: object.apiVersion, config: object.spec?.config }),
      () => undefined,
    );
    await client(test).create(collector(V1BETA1, { mode: 'deployment', config: parse(CONFIG) as object }));
    await eventually(
      () => events.length,
      (count) => count > 0,
    );
    request.abort();
    expect(events[0]).toMatchObject({ type: 'ADDED', apiVersion: V1ALPHA1 });
    expect(typeof events[0]?.config).toBe('string');
  });

  it('a v1alpha1 config that is not YAML cannot be converted: the write fails with the webhook message', async () => {
    const test = await clusterWithAddon('v0.102.0-eksbuild.1');
    const refused = await failureOf(client(test).create(collector(V1ALPHA1, { config: 'receivers: [unclosed' })));
    expect(refused.code).toBe(500);
    expect(refused.body).toMatchObject({
      reason: 'InternalError',
      message:
        'Internal error occurred: conversion webhook for opentelemetry.io/v1alpha1, Kind=OpenTelemetryCollector failed: failed to convert to v1beta1: could not convert config json to v1beta1.Config',
    });
    expect(test.store.list(V1BETA1, 'OpenTelemetryCollector')).toEqual([]);
  });

  it('reading a stored v1alpha1 collector whose config does not convert fails (500, no reason); its own version reads', async () => {
    const stale = { ...collector(V1ALPHA1, { mode: 'deployment', config: '{not yaml' }) } as KubeObject;
    const test = await clusterWithAddon('v0.102.0-eksbuild.1', [stale]);
    const failed = await failureOf(client(test).list(V1BETA1, 'OpenTelemetryCollector', NAMESPACE));
    expect(failed.code).toBe(500);
    expect(failed.body.reason).toBeUndefined();
    expect(String(failed.body.message)).toMatch(
      /^conversion webhook for opentelemetry\.io\/v1alpha1, Kind=OpenTelemetryCollector failed: /,
    );
    expect((await read(test, V1ALPHA1)).spec.config).toBe('{not yaml');
  });

  it('needs the webhook Service: without it only the stored version reads', async () => {
    const test = await clusterWithAddon('v0.102.0-eksbuild.1');
    await client(test).create(collector(V1BETA1, { mode: 'deployment', config: parse(CONFIG) as object }));
    test.store.remove('v1', 'Service', OPERATOR_WEBHOOK_SERVICE, ADDON_NAMESPACE);
    expect((await read(test, V1BETA1)).spec.mode).toBe('deployment');
    const failed = await failureOf(read(test, V1ALPHA1));
    expect(failed.code).toBe(500);
    expect(failed.body.message).toBe(
      `conversion webhook for ${V1BETA1}, Kind=OpenTelemetryCollector failed: Post "https://${OPERATOR_WEBHOOK_SERVICE}.${ADDON_NAMESPACE}.svc:443/convert?timeout=30s": service "${OPERATOR_WEBHOOK_SERVICE}" not found`,
    );
  });
});

describe('OpenTelemetryCollector with later operators and older add-ons', () => {
  it('from operator v0.134 an unreadable v1alpha1 config converts to an empty one', async () => {
    const test = await clusterWithAddon('v0.141.0-eksbuild.1');
    await client(test).create(collector(V1ALPHA1, { mode: 'deployment', config: 'receivers: [unclosed' }));
    expect((await read(test, V1BETA1)).spec.config).toEqual({
      receivers: {},
      exporters: {},
      service: { pipelines: {} },
    });
  });

  it('add-on v0.45.0 serves v1alpha1 only: v1beta1 is not found and objects are kept as written', async () => {
    const test = await clusterWithAddon('v0.45.0-eksbuild.1');
    await client(test).create(collector(V1ALPHA1, { mode: 'deployment', config: CONFIG }));
    expect((await read(test, V1ALPHA1)).spec.config).toBe(CONFIG);
    const missing = await rawRequest(
      test,
      'GET',
      `/apis/opentelemetry.io/v1beta1/namespaces/${NAMESPACE}/opentelemetrycollectors`,
    );
    expect(missing.status).toBe(404);
  });
});
