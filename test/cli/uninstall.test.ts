import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import type { Seed } from '../../src/sandbox/types.js';
import { runCli, type CliRun } from '../helpers/cli.js';

const XRAY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const CLOUDWATCH = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';
const ROLE = 'EKS-ADOT-ServiceAccount-Role';

interface Started {
  sandbox: RunningSandbox;
  env: Record<string, string>;
  cli(argv: string[], signal?: AbortSignal): Promise<CliRun>;
}

const running: { sandbox: RunningSandbox; dir: string }[] = [];

afterEach(async () => {
  for (const { sandbox, dir } of running.splice(0)) {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A built-in scenario with short timings, so a whole install takes about a second. */
function fastSeed(name: string, behaviour: Seed['behaviour'] = {}): Seed {
  const seed = scenarioSeed(name);
  return {
    ...seed,
    behaviour: {
      ...seed.behaviour,
      addonCreateSeconds: 0.3,
      addonDeleteSeconds: 0.2,
      addonUpdateSeconds: 0.3,
      rolloutSeconds: 0.2,
      ...behaviour,
    },
  };
}

async function start(seed: Seed): Promise<Started> {
  const sandbox = await startSandbox({ seed });
  const dir = mkdtempSync(join(tmpdir(), 'adot-uninstall-'));
  running.push({ sandbox, dir });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sandbox.kubeconfig());
  const env = sandbox.env(kubeconfig);
  return {
    sandbox,
    env,
    cli: (argv, signal) => runCli(argv, { env, ...(signal === undefined ? {} : { signal }) }),
  };
}

function rolesOf(sandbox: RunningSandbox): { RoleName: string }[] {
  const listing = sandbox.iam.listRoles({}) as unknown as Record<string, unknown>;
  const items = Object.values(listing).find(Array.isArray) as { RoleName: string }[] | undefined;
  return items ?? [];
}

function attachedPolicies(sandbox: RunningSandbox, role: string): string[] {
  const listing = sandbox.iam.listAttachedRolePolicies(role, {}) as unknown as Record<string, unknown>;
  const items = (Object.values(listing).find(Array.isArray) ?? []) as { PolicyArn: string }[];
  return items.map((item) => item.PolicyArn).sort();
}

/** Waits until the sandbox's controllers (seeded rollouts of 0.2 s, endpoints) leave the state unchanged for 0.5 s. */
async function settled(sandbox: RunningSandbox): Promise<string> {
  let previous = dump(sandbox);
  let stableFor = 0;
  for (let waited = 0; waited < 10_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const current = dump(sandbox);
    stableFor = current === previous ? stableFor + 100 : 0;
    if (stableFor >= 500) return current;
    previous = current;
  }
  throw new Error('the sandbox did not settle');
}

/** Every Kubernetes object, every add-on and the whole IAM state, to prove a run changed nothing. */
function dump(sandbox: RunningSandbox): string {
  const cluster = sandbox.defaultCluster;
  const objects = sandbox
    .store(cluster)
    .all()
    .map((object) => JSON.stringify(object))
    .sort();
  const addons = sandbox.eks.listAddons(cluster, {}).addons.map((name) => sandbox.eks.describeAddon(cluster, name));
  const roles = rolesOf(sandbox);
  const names = roles.map((role) => role.RoleName);
  const attached = names.map((name) => sandbox.iam.listAttachedRolePolicies(name, {}));
  const providers = sandbox.iam.listOpenIdConnectProviders().map((arn) => sandbox.iam.getOpenIdConnectProvider(arn));
  return JSON.stringify({ objects, addons, roles, attached, providers });
}

function json(run: CliRun): {
  ok: boolean;
  changes: number;
  dryRun: boolean;
  steps: { id: string; action: string; resource: string; detail: string }[];
  error?: { code: string; message: string };
} {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
  }
}

describe('adot uninstall against the sandbox', () => {
  it('removes the collector, its RBAC and the add-on (waiting until gone); a second run changes nothing', async () => {
    const { cli, sandbox } = await start(fastSeed('fresh'));
    const install = await cli(['install', '--target', 'xray,cloudwatch', '-o', 'json']);
    expect(install.code, install.stderr).toBe(0);
    const before = await settled(sandbox);
    const plan = await cli(['uninstall', '--dry-run', '-o', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(json(plan).dryRun).toBe(true);
    expect(json(plan).changes).toBeGreaterThan(0);
    expect(dump(sandbox)).toBe(before);

    const run = await cli(['uninstall', '--yes', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const actions = Object.fromEntries(json(run).steps.map((s) => [s.id, s.action]));
    expect(actions).toMatchObject({
      collector: 'delete',
      'service-account': 'delete',
      addon: 'delete',
      'iam.role': 'skipped',
    });
    const store = sandbox.store(sandbox.defaultCluster);
    expect(store.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition').map((c) => c.metadata.name)).not.toContain(
      'opentelemetrycollectors.opentelemetry.io',
    );
    expect(store.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'otel-prometheus-role')).toBeUndefined();
    expect(store.get('rbac.authorization.k8s.io/v1', 'ClusterRole', 'eks:addon-manager-otel')).toBeUndefined();
    expect(sandbox.eks.listAddons(sandbox.defaultCluster, {}).addons).toEqual([]);
    expect(attachedPolicies(sandbox, ROLE)).toEqual([CLOUDWATCH, XRAY].sort());

    const again = await cli(['uninstall', '--yes', '-o', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(json(again).steps.filter((s) => s.action !== 'none' && s.action !== 'skipped')).toEqual([]);
  });

  it('--delete-role detaches our policies and deletes the role, but refuses a role with foreign policies', async () => {
    const { cli, sandbox } = await start(fastSeed('installed-healthy'));
    sandbox.iam.attachRolePolicy(ROLE, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const before = await settled(sandbox);
    const refused = await cli(['uninstall', '--yes', '--delete-role']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/ReadOnlyAccess/);
    expect(dump(sandbox)).toBe(before);

    sandbox.iam.detachRolePolicy(ROLE, 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const run = await cli(['uninstall', '--yes', '--delete-role', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run).steps.find((s) => s.id === 'iam.role')?.action).toBe('delete');
    expect(rolesOf(sandbox).map((r) => r.RoleName)).not.toContain(ROLE);
  });

  it('asks for confirmation: not interactive and no --yes exits 2 naming --yes, nothing changed', async () => {
    const { cli, sandbox } = await start(fastSeed('installed-healthy'));
    const before = await settled(sandbox);
    const run = await cli(['uninstall']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--yes/);
    expect(dump(sandbox)).toBe(before);
  });
});
