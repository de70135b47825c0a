import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import type { Seed } from '../../src/sandbox/types.js';
import { runCli, type CliRun } from '../helpers/cli.js';

const WORKSPACE = 'ws-0123abcd-4567-89ef-0123-456789abcdef';

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
  const dir = mkdtempSync(join(tmpdir(), 'adot-apply-template-'));
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

describe('adot apply-template against the sandbox', () => {
  it('--dry-run -o yaml prints one collector for xray and amp and touches nothing', async () => {
    const { cli, sandbox } = await start(fastSeed('installed-healthy'));
    const before = await settled(sandbox);
    const run = await cli([
      'apply-template',
      '--target',
      'xray',
      '--target',
      'amp',
      '--amp-workspace-id',
      WORKSPACE,
      '--dry-run',
      '-o',
      'yaml',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.match(/kind: OpenTelemetryCollector/g)).toHaveLength(1);
    expect(run.stdout).toContain('awsxray');
    expect(run.stdout).toContain(`workspaces/${WORKSPACE}/api/v1/remote_write`);
    expect(dump(sandbox)).toBe(before);
  });

  it('applies the template server-side; an identical re-run reports none', async () => {
    const { cli, sandbox } = await start(fastSeed('installed-healthy'));
    const run = await cli(['apply-template', '--target', 'xray', '--set', 'batch.timeout=5s', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(json(run).steps).toEqual([expect.objectContaining({ id: 'collector', action: 'update' })]);
    const collector = sandbox
      .store(sandbox.defaultCluster)
      .get('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'observability', 'aws-otel-eks');
    expect(String((collector?.spec as { config: string }).config)).toContain('5s');
    const again = await cli(['apply-template', '--target', 'xray', '--set', 'batch.timeout=5s', '-o', 'json']);
    expect(json(again).changes).toBe(0);
  });

  it('refuses bad input with exit 2 and a collector kind that is not served with exit 1', async () => {
    const { cli, sandbox } = await start(fastSeed('fresh'));
    const before = await settled(sandbox);
    for (const args of [
      ['--target', 'nope'],
      ['--target', 'xray', '--set', 'unknown.key=1'],
      ['--target', 'amp', '--amp-remote-write-url', 'ftp://x'],
    ]) {
      const bad = await cli(['apply-template', ...args]);
      expect(bad.code, args.join(' ')).toBe(2);
    }
    const missing = await cli(['apply-template', '--target', 'xray']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not serve OpenTelemetryCollector/);
    expect(dump(sandbox)).toBe(before);
  });
});
