import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { describeKubeconfigContext } from '../../src/adapters/kube/kubeconfig.js';
import { ClientNodeKube, loadKubeConfig } from '../../src/adapters/kube/kube.js';
import { LazyKube } from '../../src/adapters/kube/lazy.js';
import { AdotError } from '../../src/core/errors.js';
import type { KubeObject } from '../../src/ports.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';

function kubeFor(kubeconfig: string, context?: string): ClientNodeKube {
  return new ClientNodeKube({ kubeConfig: loadKubeConfig({ text: kubeconfig }, context), clock: systemClock });
}

const configMap = (name: string, data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'default', labels: { app: 'adapter-test' } },
  data,
});

describe('Kubernetes adapter against the sandbox API server (real @kubernetes/client-node)', () => {
  let sandbox: RunningSandbox;
  let kube: ClientNodeKube;
  let dir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: scenarioSeed('installed-healthy') });
    kube = kubeFor(sandbox.kubeconfig());
    dir = mkdtempSync(join(tmpdir(), 'adot-kube-'));
  });

  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the context and the server version', async () => {
    expect(kube.context()).toEqual({
      contextName: expect.any(String),
      clusterName: expect.any(String),
      server: sandbox.clusters[0]?.server,
    });
    const version = await kube.version();
    expect(version.gitVersion).toBe('v1.22.17-eks-48e63af');
    expect(version.major).toBe('1');
  });

  it('gets built-in and custom objects in their wire form; absent ones are undefined', async () => {
    const namespace = await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'aws-otel-eks' });
    expect(namespace?.metadata.name).toBe('aws-otel-eks');
    expect(typeof namespace?.metadata.creationTimestamp).toBe('string');
    const collector = await kube.get({
      apiVersion: 'opentelemetry.io/v1alpha1',
      kind: 'OpenTelemetryCollector',
      name: 'observability',
      namespace: 'aws-otel-eks',
    });
    expect(collector?.kind).toBe('OpenTelemetryCollector');
    const crd = await kube.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'opentelemetrycollectors.opentelemetry.io',
    });
    expect(JSON.stringify(crd)).not.toContain('xKubernetes');
    expect(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'nope' })).toBeUndefined();
    expect(await kube.get({ apiVersion: 'example.com/v1', kind: 'Nothing', name: 'x' })).toBeUndefined();
  });

  it('applies server-side (create, then update, idempotent), lists by label, deletes', async () => {
    const created = await kube.apply(configMap('adapter-test', { a: '1' }));
    expect(created.metadata.uid).toBeTruthy();
    const fieldManagers = (created.metadata.managedFields as { manager: string }[] | undefined)?.map(
      (entry) => entry.manager,
    );
    expect(fieldManagers).toContain('adot');
    const updated = await kube.apply(configMap('adapter-test', { a: '2' }));
    expect(updated.data).toEqual({ a: '2' });
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    const listed = await kube.list('v1', 'ConfigMap', { namespace: 'default', labelSelector: 'app=adapter-test' });
    expect(listed.map((item) => [item.kind, item.metadata.name])).toEqual([['ConfigMap', 'adapter-test']]);
    const dryRun = await kube.apply(configMap('adapter-dry', { a: '1' }), { dryRun: true });
    expect(dryRun.metadata.name).toBe('adapter-dry');
    expect(
      await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'adapter-dry', namespace: 'default' }),
    ).toBeUndefined();
    expect(await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'adapter-test', namespace: 'default' })).toBe(
      true,
    );
    expect(await kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', name: 'adapter-test', namespace: 'default' })).toBe(
      false,
    );
    expect(await kube.list('example.com/v1', 'Nothing')).toEqual([]);
  });

  it('refuses to apply a kind the server does not serve, with KindNotFound and a hint', async () => {
    const error = await kube
      .apply({ apiVersion: 'example.com/v1', kind: 'Nothing', metadata: { name: 'x', namespace: 'default' } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'KindNotFound' });
    expect((error as AdotError).hint).toContain('kubectl api-resources');
  });

  it('answers can-i and the rollout status of a deployment', async () => {
    expect(
      (await kube.canI({ verb: 'create', group: 'apps', resource: 'deployments', namespace: 'aws-otel-eks' })).allowed,
    ).toBe(true);
    const rollout = await kube.rolloutStatus('aws-otel-eks', 'observability-collector');
    expect(rollout).toBeDefined();
    expect(rollout?.desired).toBe(1);
    expect(await kube.rolloutStatus('aws-otel-eks', 'nope')).toBeUndefined();
  });

  it('fetches a group/version discovery document once for concurrent calls, and again for a kind it lacks', async () => {
    const fresh = kubeFor(sandbox.kubeconfig());
    const cluster = sandbox.defaultCluster;
    const discoveries = (path: string): number =>
      sandbox.kubeRequests(cluster).filter((request) => request.method === 'GET' && request.path === path).length;
    const before = { core: discoveries('/api/v1'), apps: discoveries('/apis/apps/v1') };
    try {
      const answers = await Promise.all([
        fresh.list('apps/v1', 'Deployment'),
        fresh.list('apps/v1', 'DaemonSet'),
        fresh.get({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          namespace: 'aws-otel-eks',
          name: 'observability-collector',
        }),
        fresh.list('v1', 'Service'),
        fresh.list('v1', 'Node'),
        fresh.get({ apiVersion: 'v1', kind: 'Namespace', name: 'aws-otel-eks' }),
      ]);
      expect(answers.every((answer) => answer !== undefined)).toBe(true);
      expect(discoveries('/api/v1') - before.core).toBe(1);
      expect(discoveries('/apis/apps/v1') - before.apps).toBe(1);
      // client-node's rule, kept: a kind the cached document does not list is looked up again (a CRD may be new)
      expect(await fresh.list('apps/v1', 'NoSuchKind')).toEqual([]);
      expect(discoveries('/apis/apps/v1') - before.apps).toBe(2);
    } finally {
      fresh.destroy();
    }
  });

  it('turns a rejected token into KubeUnauthorized with the update-kubeconfig hint', async () => {
    const broken = new ClientNodeKube({
      kubeConfig: loadKubeConfig({ text: sandbox.kubeconfig().replace(/token: .*/, 'token: not-the-token') }),
      clock: systemClock,
      clusterName: 'demo',
    });
    const error = await broken.version().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdotError);
    expect(error).toMatchObject({ code: 'KubeUnauthorized', hint: 'aws eks update-kubeconfig --name demo' });
    expect((error as AdotError).message).not.toContain('not-the-token');
  });

  it('turns a closed port into KubeUnreachable', async () => {
    const server = sandbox.clusters[0]?.server ?? '';
    const closedPort = server.replace(/:\d+$/, ':1');
    const unreachable = new ClientNodeKube({
      kubeConfig: loadKubeConfig({ text: sandbox.kubeconfig().replace(server, closedPort) }),
      clock: { now: () => Date.now(), sleep: async () => undefined },
    });
    const error = await unreachable.version().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'KubeUnreachable' });
  });

  it('merges a KUBECONFIG list like kubectl (first current-context and first definitions win) and LazyKube agrees', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    writeFileSync(first, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    writeFileSync(second, sandbox.kubeconfig());
    const fromFiles = new ClientNodeKube({
      kubeConfig: loadKubeConfig({ paths: [first, second] }),
      clock: systemClock,
    });
    expect((await fromFiles.version()).gitVersion).toBe('v1.22.17-eks-48e63af');
    expect(describeKubeconfigContext({ paths: [first, second] })).toEqual(fromFiles.context());

    let loads = 0;
    const lazy = new LazyKube({ paths: [first, second] }, undefined, async () => {
      loads++;
      return fromFiles;
    });
    expect(lazy.context()).toEqual(fromFiles.context());
    expect(loads).toBe(0);
    await lazy.version();
    await lazy.get({ apiVersion: 'v1', kind: 'Namespace', name: 'default' });
    expect(loads).toBe(1);
  });

  it('fails clearly for an unknown --context', () => {
    expect(() => describeKubeconfigContext({ text: sandbox.kubeconfig() }, 'nope')).toThrow(/context "nope" not found/);
  });
});

describe('Kubernetes adapter under injected faults', () => {
  it('retries 500s on get and patch so that calls succeed at a 30% fault rate', async () => {
    const seed = scenarioSeed('flaky-api');
    const sandbox = await startSandbox({ seed: { ...seed, behaviour: { ...seed.behaviour, randomSeed: 11 } } });
    try {
      const kube = kubeFor(sandbox.kubeconfig());
      for (let i = 0; i < 10; i++) {
        await kube.apply(configMap(`flaky-${i}`, { i: String(i) }));
        expect(
          (await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: `flaky-${i}`, namespace: 'default' }))?.data,
        ).toEqual({ i: String(i) });
      }
    } finally {
      await sandbox.stop();
    }
  });
});

describe('Kubernetes adapter connections', () => {
  it('sends one request after another over one kept-alive TLS connection, and destroy() closes it', async () => {
    const sandbox = await startSandbox({ seed: scenarioSeed('installed-healthy') });
    // a TCP relay in front of the API server, counting the client's connections (TLS passes through untouched)
    const upstream = new URL(sandbox.clusters[0]?.server ?? '');
    const open = new Set<Socket>();
    let connections = 0;
    const relay = createServer((client) => {
      connections += 1;
      open.add(client);
      client.on('close', () => open.delete(client));
      const server = connect(Number(upstream.port), upstream.hostname);
      client.pipe(server).pipe(client);
      const end = (): void => {
        client.destroy();
        server.destroy();
      };
      client.on('error', end).on('close', end);
      server.on('error', end).on('close', end);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    try {
      const port = (relay.address() as AddressInfo).port;
      const kube = kubeFor(sandbox.kubeconfig().replace(upstream.origin, `https://127.0.0.1:${port}`));
      expect(kube.context().server).toBe(`https://127.0.0.1:${port}`);
      await kube.version();
      for (let i = 0; i < 4; i++) {
        await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'aws-otel-eks' });
        await kube.rolloutStatus('aws-otel-eks', 'observability-collector');
      }
      expect(connections).toBe(1);
      kube.destroy();
      await vi.waitFor(() => expect(open.size).toBe(0));
    } finally {
      relay.close();
      await sandbox.stop();
    }
  });
});
