import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import type { Seed } from '../../src/sandbox/types.js';
import { runCli, type CliRun } from './cli.js';
import { scenarioWith } from './sandbox.js';
import { eventually } from './eventually.js';

/** A running sandbox, the environment that points the CLI at it, and the CLI wired to that environment. */
export interface CliSandbox {
  sandbox: RunningSandbox;
  env: Record<string, string>;
  cli(argv: string[], signal?: AbortSignal): Promise<CliRun>;
}

/** The document `-o json` prints for install, uninstall and apply-template. */
export interface PlanOutput {
  ok: boolean;
  changes: number;
  dryRun: boolean;
  steps: { id: string; action: string; resource: string; detail: string }[];
  error?: { code: string; message: string };
  /** install only */
  identity?: { mode: string; reason: string };
  addonVersion?: string;
  roleArn?: string;
}

/** A built-in scenario with short timings, so a whole install takes about a second. */
export function fastSeed(name: string, behaviour: Seed['behaviour'] = {}): Seed {
  return scenarioWith(name, {
    addonCreateSeconds: 0.3,
    addonDeleteSeconds: 0.2,
    addonUpdateSeconds: 0.3,
    rolloutSeconds: 0.2,
    ...behaviour,
  });
}

/**
 * Call at the top of a test file: returns `start(seed)`, and stops every sandbox it started (removing its kubeconfig
 * directory, named after `tmpPrefix`) after each test.
 */
export function cliSandboxes(tmpPrefix: string): (seed: Seed) => Promise<CliSandbox> {
  const running: { sandbox: RunningSandbox; dir: string }[] = [];
  afterEach(async () => {
    for (const { sandbox, dir } of running.splice(0)) {
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return async (seed) => {
    const sandbox = await startSandbox({ seed });
    const dir = mkdtempSync(join(tmpdir(), tmpPrefix));
    running.push({ sandbox, dir });
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sandbox.kubeconfig());
    const env = sandbox.env(kubeconfig);
    return {
      sandbox,
      env,
      cli: (argv, signal) => runCli(argv, { env, ...(signal === undefined ? {} : { signal }) }),
    };
  };
}

export function rolesOf(sandbox: RunningSandbox): { RoleName: string }[] {
  const listing = sandbox.iam.listRoles({}) as unknown as Record<string, unknown>;
  const items = Object.values(listing).find(Array.isArray) as { RoleName: string }[] | undefined;
  return items ?? [];
}

export function attachedPolicies(sandbox: RunningSandbox, role: string): string[] {
  const listing = sandbox.iam.listAttachedRolePolicies(role, {}) as unknown as Record<string, unknown>;
  const items = (Object.values(listing).find(Array.isArray) ?? []) as { PolicyArn: string }[];
  return items.map((item) => item.PolicyArn).sort();
}

/** Waits until the sandbox's controllers (seeded rollouts of 0.2 s, endpoints) leave the state unchanged for 0.5 s. */
export async function settled(sandbox: RunningSandbox): Promise<string> {
  let previous = dump(sandbox);
  let unchangedSince = Date.now();
  const unchangedFor500Ms = (current: string): boolean => {
    if (current !== previous) [previous, unchangedSince] = [current, Date.now()];
    return Date.now() - unchangedSince >= 500;
  };
  return eventually(() => dump(sandbox), unchangedFor500Ms);
}

/** Every Kubernetes object, every add-on and the whole IAM state, to prove a run changed nothing. */
export function dump(sandbox: RunningSandbox): string {
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

/** The run's stdout as a plan document; a run that printed something else fails with its output. */
export function planOutput(run: CliRun): PlanOutput {
  try {
    return JSON.parse(run.stdout) as PlanOutput;
  } catch {
    throw new Error(`not JSON (exit ${run.code}):\n${run.stdout}\n--- stderr ---\n${run.stderr}`);
  }
}
