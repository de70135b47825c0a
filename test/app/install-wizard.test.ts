import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Choice, Prompter } from '../../src/ports.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import { createSystem } from '../../src/system.js';
import { runCli } from '../helpers/cli.js';

/** A person at a terminal, answering from a script; it records every question with the flag it names. */
class ScriptedPrompter implements Prompter {
  readonly interactive = true;
  readonly asked: { kind: string; flag: string; message: string; choices?: string[]; default?: unknown }[] = [];

  constructor(private readonly answers: Record<string, unknown>) {}

  private answer(flag: string): unknown {
    if (!(flag in this.answers)) throw new Error(`unexpected question for ${flag}`);
    return this.answers[flag];
  }

  /** a list of booleans answers successive confirmations in order */
  async confirm(q: { message: string; flag: string }): Promise<boolean> {
    this.asked.push({ kind: 'confirm', ...q });
    const answer = this.answer(q.flag);
    if (!Array.isArray(answer)) return answer as boolean;
    if (answer.length === 0) throw new Error(`unexpected confirmation: ${q.message}`);
    return answer.shift() as boolean;
  }

  async select<T>(q: { message: string; flag: string; choices: Choice<T>[]; default?: T }): Promise<T> {
    this.asked.push({
      kind: 'select',
      flag: q.flag,
      message: q.message,
      choices: q.choices.map((c) => c.name),
      default: q.default,
    });
    return this.answer(q.flag) as T;
  }

  async checkbox<T>(q: { message: string; flag: string; choices: Choice<T>[] }): Promise<T[]> {
    this.asked.push({ kind: 'checkbox', flag: q.flag, message: q.message, choices: q.choices.map((c) => c.name) });
    return this.answer(q.flag) as T[];
  }

  async input(q: { message: string; flag: string; validate?: (value: string) => true | string }): Promise<string> {
    this.asked.push({ kind: 'input', ...q });
    const value = this.answer(q.flag) as string;
    expect(q.validate?.(value) ?? true).toBe(true);
    return value;
  }
}

const running: { sandbox: RunningSandbox; dir: string }[] = [];
afterEach(async () => {
  for (const { sandbox, dir } of running.splice(0)) {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

async function startFresh(): Promise<{ sandbox: RunningSandbox; env: Record<string, string> }> {
  const seed = scenarioSeed('fresh');
  const sandbox = await startSandbox({
    seed: { ...seed, behaviour: { ...seed.behaviour, addonCreateSeconds: 0.3, rolloutSeconds: 0.2 } },
  });
  const dir = mkdtempSync(join(tmpdir(), 'adot-wizard-'));
  running.push({ sandbox, dir });
  writeFileSync(join(dir, 'kubeconfig'), sandbox.kubeconfig());
  return { sandbox, env: sandbox.env(join(dir, 'kubeconfig')) };
}

describe('adot install as a wizard', () => {
  it('asks for the cluster, the targets, the identity, the add-on version (default preselected) and the AMP workspace, naming each flag', async () => {
    const { sandbox, env } = await startFresh();
    const prompter = new ScriptedPrompter({
      '--cluster': sandbox.defaultCluster,
      '--target': ['xray', 'amp'],
      '--identity': 'auto',
      '--amp-workspace-alias, --amp-workspace-id or --amp-remote-write-url': 'enter',
      '--amp-remote-write-url': 'ws-0123abcd',
      '--addon-version': 'v0.151.0-eksbuild.2',
      '--yes': true,
    });
    const run = await runCli(['install', '-o', 'json'], {
      env: { ...env, ADOT_CLUSTER: undefined },
      system: async (options) => ({ ...(await createSystem(options)), prompter }),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked.map((q) => `${q.kind} ${q.flag}`)).toEqual([
      'select --cluster',
      'checkbox --target',
      'select --identity',
      'select --addon-version',
      'select --amp-workspace-alias, --amp-workspace-id or --amp-remote-write-url',
      'input --amp-remote-write-url',
      'confirm --yes',
    ]);
    expect(prompter.asked[2]).toMatchObject({ choices: ['auto', 'pod-identity', 'irsa'], default: 'auto' });
    // the region's workspaces come first (none here), then creating one, then entering a URL or id
    expect(prompter.asked[4]!.choices).toEqual([
      'create a new workspace',
      'enter a remote-write URL or a workspace id',
    ]);
    expect(prompter.asked[6]!.message).toBe('Apply these changes to cluster demo?');
    expect(run.stderr).toMatch(/adot install will make \d+ changes on demo:\n/);
    expect(run.stderr).toContain('create  EKS add-on adot on demo');
    const versionQuestion = prompter.asked[3]!;
    // the default scenario: Kubernetes 1.36, whose default is the newest version (v0.151.0 stores v1beta1)
    expect(versionQuestion.default).toBe('v0.151.0-eksbuild.2');
    expect(versionQuestion.choices).toEqual(['v0.151.0-eksbuild.2 (default)', 'v0.151.0-eksbuild.1']);
    expect(versionQuestion.message).toMatch(/Kubernetes 1\.36/);
    const collector = sandbox
      .store(sandbox.defaultCluster)
      .get('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'observability', 'aws-otel-eks');
    expect(JSON.stringify((collector?.spec as { config: unknown }).config)).toContain(
      'workspaces/ws-0123abcd/api/v1/remote_write',
    );
  });

  it('asks once about replacing a running add-on, after the plan that says so; declining changes nothing', async () => {
    const { sandbox, env } = await startFresh();
    expect((await runCli(['install', '--target', 'xray'], { env })).code).toBe(0);
    const latest = sandbox.eks
      .describeAddonVersions({ addonName: 'adot', kubernetesVersion: '1.36' })
      .addons.flatMap((a) =>
        (a as { addonVersions: { addonVersion: string }[] }).addonVersions.map((v) => v.addonVersion),
      );
    const other = latest.find((v) => v !== 'v0.151.0-eksbuild.2');
    expect(other).toBeDefined();
    const prompter = new ScriptedPrompter({ '--identity': 'auto', '--yes': [false] });
    const run = await runCli(['install', '--target', 'xray', '--addon-version', other!], {
      env,
      system: async (options) => ({ ...(await createSystem(options)), prompter }),
    });
    expect(run.code).toBe(1);
    expect(prompter.asked).toEqual([
      expect.objectContaining({ kind: 'select', flag: '--identity' }),
      expect.objectContaining({ kind: 'confirm', flag: '--yes', message: 'Apply these changes to cluster demo?' }),
    ]);
    expect(run.stderr).toMatch(
      new RegExp(`Approving this plan also answers:\\n {2}! .*Update it to ${other!.replace(/\./g, '\\.')}`),
    );
    expect(sandbox.eks.describeAddon(sandbox.defaultCluster, 'adot').addonVersion).toBe('v0.151.0-eksbuild.2');

    const accepted = new ScriptedPrompter({ '--identity': 'auto', '--yes': [true] });
    const update = await runCli(['install', '--target', 'xray', '--addon-version', other!], {
      env,
      system: async (options) => ({ ...(await createSystem(options)), prompter: accepted }),
    });
    expect(update.code, update.stderr).toBe(0);
    expect(accepted.asked.filter((q) => q.kind === 'confirm')).toHaveLength(1);
    expect(sandbox.eks.describeAddon(sandbox.defaultCluster, 'adot').addonVersion).toBe(other);
  });

  it('shows the plan first; declining it changes nothing', async () => {
    const { sandbox, env } = await startFresh();
    const prompter = new ScriptedPrompter({
      '--identity': 'auto',
      '--addon-version': 'v0.151.0-eksbuild.2',
      '--yes': [false],
    });
    const run = await runCli(['install', '--target', 'xray'], {
      env,
      system: async (options) => ({ ...(await createSystem(options)), prompter }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/adot install will make \d+ changes on demo:/);
    expect(run.stderr).toMatch(/Declined/i);
    expect(sandbox.eks.listAddons(sandbox.defaultCluster, {}).addons).toEqual([]);
    // only the nodes' role, which the sandbox's account has from the start
    expect(sandbox.iam.listRoles({}).items.map((role) => role.RoleName)).toEqual(['AmazonEKSNodeRole']);
  });
});

describe('adot uninstall at a terminal', () => {
  it('shows its plan, then asks once; the result is said once, not the step lines again', async () => {
    const { sandbox, env } = await startFresh();
    expect((await runCli(['install', '--target', 'xray'], { env })).code).toBe(0);
    const prompter = new ScriptedPrompter({ '--yes': [true] });
    const run = await runCli(['uninstall'], {
      env,
      system: async (options) => ({ ...(await createSystem(options)), prompter }),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(prompter.asked).toEqual([
      expect.objectContaining({ kind: 'confirm', flag: '--yes', message: 'Uninstall ADOT from demo?' }),
    ]);
    expect(run.stderr).toMatch(/adot uninstall will make \d+ changes on demo:\n[\s\S]*delete +EKS add-on adot on demo/);
    expect(run.stdout.trim()).toMatch(/^ADOT uninstalled from demo \(\d+ changes\)\.$/);
    // install created the pod identity agent and nothing else uses it: uninstall removed it
    expect(sandbox.eks.listAddons(sandbox.defaultCluster, {}).addons).toEqual([]);
  });
});
