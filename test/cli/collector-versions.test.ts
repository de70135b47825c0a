/**
 * The OpenTelemetryCollector version adot writes, reads and deletes: add-on v0.102.0 and later serve (and store)
 * v1beta1, older ones only v1alpha1. Each test names the Kubernetes and add-on versions it needs.
 */
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { KubeConfig } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/sandbox.js';
import type { KubeObject, Seed } from '../../src/sandbox/types.js';
import { cliSandboxes, planOutput, type CliSandbox } from '../helpers/install-sandbox.js';

const start = cliSandboxes('adot-collector-versions-');
const V1ALPHA1 = 'opentelemetry.io/v1alpha1';
const V1BETA1 = 'opentelemetry.io/v1beta1';
const NAMESPACE = 'aws-otel-eks';

const fast = { addonCreateSeconds: 0.3, addonDeleteSeconds: 0.2, addonUpdateSeconds: 0.3, rolloutSeconds: 0.2 };

/** EKS 1.28 with cert-manager v1.13.1: add-on v0.102.0-eksbuild.1 is offered */
const CURRENT: { seed: Seed; addon: string } = {
  seed: { behaviour: fast, clusters: [{ name: 'demo', version: '1.28', presets: ['cert-manager-v1.13.1'] }] },
  addon: 'v0.102.0-eksbuild.1',
};
/** EKS 1.22 with cert-manager v1.5.3: add-on v0.45.0-eksbuild.1 */
const BLOG: { seed: Seed; addon: string } = {
  seed: {
    behaviour: fast,
    clusters: [{ name: 'demo', version: '1.22', gitVersion: 'v1.22.17-eks-48e63af', presets: ['cert-manager-v1.5.3'] }],
  },
  addon: 'v0.45.0-eksbuild.1',
};

function storedCollector(sandbox: RunningSandbox): KubeObject | undefined {
  return sandbox.store(sandbox.defaultCluster).get(V1BETA1, 'OpenTelemetryCollector', 'observability', NAMESPACE);
}

/** the version of adot's last server-side apply of the collector */
function adotApplyVersion(collector: KubeObject | undefined): unknown {
  const entries = (collector?.metadata.managedFields ?? []) as {
    manager: string;
    operation: string;
    apiVersion: string;
  }[];
  return entries.find((entry) => entry.manager === 'adot' && entry.operation === 'Apply')?.apiVersion;
}

async function doctorFailures(cli: CliSandbox['cli']): Promise<string[]> {
  const run = await cli(['doctor', '--target', 'xray', '-o', 'json']);
  const document = JSON.parse(run.stdout) as { checks: { id: string; status: string; message: string }[] };
  return document.checks.filter((check) => check.status === 'fail').map((check) => `${check.id}: ${check.message}`);
}

function objectsClient(sandbox: RunningSandbox): KubernetesObjectApi {
  const config = new KubeConfig();
  config.loadFromString(sandbox.kubeconfig());
  return KubernetesObjectApi.makeApiClient(config);
}

const install = (addon: string) => [
  'install',
  '--target',
  'xray',
  '--addon-version',
  addon,
  '--identity',
  'irsa',
  '--yes',
  '-o',
  'json',
];

describe('the collector version adot writes', () => {
  for (const { name, world, written, configType } of [
    { name: 'add-on v0.102.0 on EKS 1.28', world: CURRENT, written: V1BETA1, configType: 'object' },
    { name: 'add-on v0.45.0 on EKS 1.22', world: BLOG, written: V1ALPHA1, configType: 'string' },
  ]) {
    it(`${name}: writes ${written}; doctor passes; a second install changes nothing; uninstall removes it`, async () => {
      const { cli, sandbox } = await start(world.seed);
      const dryRun = await cli([
        'install',
        '--target',
        'xray',
        '--addon-version',
        world.addon,
        '--identity',
        'irsa',
        '--dry-run',
        '-o',
        'yaml',
      ]);
      expect(dryRun.code, dryRun.stderr).toBe(0);
      const manifest = parse(
        dryRun.stdout.split(/^---$/m).find((part) => part.includes('kind: OpenTelemetryCollector')) ?? '',
      ) as KubeObject;
      expect(manifest.apiVersion).toBe(written);

      const first = await cli(install(world.addon));
      expect(first.code, first.stderr).toBe(0);
      const collector = storedCollector(sandbox);
      expect(adotApplyVersion(collector)).toBe(written);
      expect(typeof (collector?.spec as { config: unknown }).config).toBe(configType);
      expect(await doctorFailures(cli)).toEqual([]);

      const second = await cli(install(world.addon));
      expect(second.code, second.stderr).toBe(0);
      expect(planOutput(second).changes).toBe(0);

      const removed = await cli(['uninstall', '--yes', '-o', 'json']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(planOutput(removed).steps.find((step) => step.id === 'collector')?.action).toBe('delete');
      expect(storedCollector(sandbox)).toBeUndefined();
    });
  }

  it('an add-on upgrade from v0.94.1 to v0.102.0 keeps the v1alpha1 collector: nothing to rewrite, doctor passes', async () => {
    const { cli, sandbox } = await start(CURRENT.seed);
    expect((await cli(install('v0.94.1-eksbuild.1'))).code).toBe(0);
    expect(adotApplyVersion(storedCollector(sandbox))).toBe(V1ALPHA1);
    const preview = await cli([...install(CURRENT.addon), '--dry-run']);
    expect(planOutput(preview).steps.find((step) => step.id === 'collector')).toMatchObject({
      action: 'none',
      detail: `up to date; written as ${V1BETA1}`,
    });
    const upgraded = await cli(install(CURRENT.addon));
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(planOutput(upgraded).steps.find((step) => step.id === 'collector')?.action).toBe('none');
    // still the object the old add-on stored, served as v1beta1 by the new one
    expect(storedCollector(sandbox)?.apiVersion).toBe(V1ALPHA1);
    expect(await doctorFailures(cli)).toEqual([]);
  });

  it('a collector an older adot applied as v1alpha1 is the same object: nothing to change, or migrated without leftovers', async () => {
    const { cli, sandbox } = await start(CURRENT.seed);
    expect((await cli(install(CURRENT.addon))).code).toBe(0);
    const written = storedCollector(sandbox);
    const desiredConfig = (written?.spec as { config: Record<string, unknown> }).config;
    const client = objectsClient(sandbox);
    const asOlderAdot = (config: Record<string, unknown>) =>
      client.patch(
        {
          apiVersion: V1ALPHA1,
          kind: 'OpenTelemetryCollector',
          metadata: { name: 'observability', namespace: NAMESPACE, labels: written?.metadata.labels ?? {} },
          spec: { ...(written?.spec as Record<string, unknown>), config: stringify(config) },
        } as KubernetesObject,
        undefined,
        undefined,
        'adot',
        true,
        PatchStrategy.ServerSideApply,
      );

    // the same configuration, applied the v1alpha1 way: the object is unchanged and install has nothing to do
    await asOlderAdot(desiredConfig);
    expect(adotApplyVersion(storedCollector(sandbox))).toBe(V1ALPHA1);
    const same = await cli(install(CURRENT.addon));
    expect(same.code, same.stderr).toBe(0);
    expect(planOutput(same).changes).toBe(0);

    // an older configuration with one more processor: install migrates it and nothing of the old one stays behind
    const older = structuredClone(desiredConfig) as {
      processors: Record<string, unknown>;
      service: { pipelines: Record<string, { processors?: string[] }> };
    };
    older.processors['memory_limiter'] = { check_interval: '1s', limit_mib: 400 };
    for (const pipeline of Object.values(older.service.pipelines))
      pipeline.processors = ['memory_limiter', ...(pipeline.processors ?? [])];
    await asOlderAdot(older);
    const migrated = await cli(install(CURRENT.addon));
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(planOutput(migrated).steps.find((step) => step.id === 'collector')?.action).toBe('update');
    const after = storedCollector(sandbox);
    expect((after?.spec as { config: unknown }).config).toEqual(desiredConfig);
    expect(adotApplyVersion(after)).toBe(V1BETA1);
    const again = await cli(install(CURRENT.addon));
    expect(planOutput(again).changes).toBe(0);
  });

  it('a stored v1alpha1 collector whose configuration cannot convert: doctor reports it, uninstall deletes it', async () => {
    const { cli, sandbox } = await start(CURRENT.seed);
    expect((await cli(install(CURRENT.addon))).code).toBe(0);
    const store = sandbox.store(sandbox.defaultCluster);
    const written = storedCollector(sandbox)!;
    // as etcd keeps an object written before the add-on stored v1beta1
    store.put({
      ...written,
      apiVersion: V1ALPHA1,
      spec: { ...(written.spec as object), config: 'receivers: [unclosed' },
    });

    const failures = await doctorFailures(cli);
    expect(failures.find((failure) => failure.startsWith('collector.resource:'))).toMatch(
      /configuration of aws-otel-eks\/observability/,
    );

    const removed = await cli(['uninstall', '--yes', '-o', 'json']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(storedCollector(sandbox)).toBeUndefined();
  });
});
