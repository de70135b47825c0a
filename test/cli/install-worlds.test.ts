/**
 * `adot install` in the sandbox's two worlds: today's (the default scenario, what README's first command runs) and
 * the AWS blog's of April 2022 (blog-2022), plus the two catalogue situations that have broken installers: a
 * cert-manager too new for the add-on version in use, and a catalogue in which EKS marks no version default.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { cliSandboxes, fastSeed, planOutput, type PlanOutput } from '../helpers/install-sandbox.js';

const start = cliSandboxes('adot-install-worlds-');

function step(document: PlanOutput, id: string): PlanOutput['steps'][number] | undefined {
  return document.steps.find((candidate) => candidate.id === id);
}

describe('adot install --sandbox, as README shows it', () => {
  it('the first command works on the default scenario: EKS 1.36, the newest add-on, no add-on RBAC needed', async () => {
    const run = await runCli(['install', '--sandbox', '--target', 'xray', '--yes', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const document = planOutput(run);
    expect(step(document, 'addon-rbac')).toMatchObject({
      action: 'skipped',
      detail: 'not needed for v0.151.0-eksbuild.2',
    });
    expect(step(document, 'addon')).toMatchObject({ action: 'create', detail: 'v0.151.0-eksbuild.2' });
    expect(step(document, 'collector')?.action).toBe('create');
  });

  it('says the sandbox is gone, and gives next steps that work, written as the person ran adot', async () => {
    const run = await runCli(['install', '--sandbox', '--sandbox-scenario', 'blog-2022', '--target', 'xray', '--yes'], {
      invokedAs: 'npx adot',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/throw-away sandbox inside this command: it is gone now/);
    expect(run.stdout).toContain('npx adot sandbox start --scenario blog-2022');
    expect(run.stdout).toContain('. .adot-sandbox/env');
    expect(run.stdout).toContain('npx adot install --target xray --yes');
    expect(run.stdout).not.toMatch(/adot doctor --cluster demo/);
    expect(run.stdout).not.toMatch(/(^|[^x] )adot (install|doctor|sandbox)/m);
  });

  it('--sandbox-scenario blog-2022 reproduces the blog: v0.45.0-eksbuild.1 by default, its add-on RBAC applied first', async () => {
    const run = await runCli([
      'install',
      '--sandbox',
      '--sandbox-scenario',
      'blog-2022',
      '--target',
      'xray',
      '--yes',
      '-o',
      'json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const document = planOutput(run);
    const ids = document.steps.map((candidate) => candidate.id);
    expect(step(document, 'addon-rbac.clusterrole')?.action).toBe('create');
    expect(ids.indexOf('addon-rbac.clusterrole')).toBeLessThan(ids.indexOf('addon'));
    expect(step(document, 'addon')).toMatchObject({ action: 'create', detail: 'v0.45.0-eksbuild.1' });
  });
});

describe("the blog's world, seen through the sandbox", () => {
  it('blog-2022 is EKS 1.22 with cert-manager v1.5.3, and the add-on ends ACTIVE at v0.45.0-eksbuild.1', async () => {
    const { cli, sandbox } = await start(fastSeed('blog-2022'));
    const cluster = sandbox.eks.describeCluster(sandbox.defaultCluster) as { version: string };
    expect(cluster.version).toBe('1.22');
    const controller = sandbox
      .store(sandbox.defaultCluster)
      .list('apps/v1', 'Deployment')
      .find((deployment) => deployment.metadata.name === 'cert-manager');
    expect(controller?.metadata.labels?.['app.kubernetes.io/version']).toBe('v1.5.3');
    const run = await cli(['install', '--target', 'xray', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(sandbox.eks.describeAddon(sandbox.defaultCluster, 'adot')).toMatchObject({
      addonVersion: 'v0.45.0-eksbuild.1',
      status: 'ACTIVE',
    });
  });
});

describe('cert-manager too new for the add-on version in use', () => {
  it('the first fix the hint offers, a newer add-on version, works and leaves cert-manager alone', async () => {
    const { cli, sandbox } = await start(fastSeed('cert-manager-too-new'));
    const refused = await cli(['install', '--target', 'xray']);
    expect(refused.code).toBe(1);
    const fix = /1\) update the add-on to a version [^;]*: adot install --cluster demo --addon-version ([^\s;]+)/.exec(
      refused.stderr,
    );
    expect(fix, refused.stderr).not.toBeNull();
    expect(refused.stderr).toContain('2) (destructive: deletes cert-manager');
    const certManagerBefore = JSON.stringify(
      sandbox.store(sandbox.defaultCluster).list('apps/v1', 'Deployment', 'cert-manager'),
    );

    const fixed = await cli(['install', '--target', 'xray', '--addon-version', fix![1]!, '--yes', '-o', 'json']);
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(step(planOutput(fixed), 'addon')).toMatchObject({
      action: 'update',
      detail: `v0.45.0-eksbuild.1 -> ${fix![1]}`,
    });
    expect(sandbox.eks.describeAddon(sandbox.defaultCluster, 'adot')).toMatchObject({ addonVersion: fix![1] });
    const doctor = JSON.parse((await cli(['doctor', '-o', 'json'])).stdout) as {
      checks: { id: string; status: string }[];
    };
    expect(doctor.checks.filter((check) => check.status === 'fail')).toEqual([]);
    const certManagerAfter = sandbox.store(sandbox.defaultCluster).list('apps/v1', 'Deployment', 'cert-manager');
    expect(certManagerAfter.map((d) => d.metadata.labels?.['app.kubernetes.io/version'])).toEqual([
      'v1.8.2',
      'v1.8.2',
      'v1.8.2',
    ]);
    expect(JSON.stringify(certManagerAfter.map((d) => d.spec))).toBe(
      JSON.stringify((JSON.parse(certManagerBefore) as { spec: unknown }[]).map((d) => d.spec)),
    );
  });
});

describe('no version marked default (no-default-version)', () => {
  it('installs the newest offered version and says in the plan that EKS marks none', async () => {
    const { cli, sandbox } = await start(fastSeed('no-default-version'));
    const plan = await cli(['install', '--target', 'xray', '--dry-run', '-o', 'json']);
    expect(plan.code, plan.stderr).toBe(0);
    expect(step(planOutput(plan), 'addon')).toMatchObject({
      action: 'create',
      detail:
        'v0.151.0-eksbuild.2 (EKS marks no version default for Kubernetes 1.36: using the newest offered; --addon-version chooses another)',
    });
    const run = await cli(['install', '--target', 'xray']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('add-on v0.151.0-eksbuild.2: EKS marks no version default for Kubernetes 1.36');
    expect(sandbox.eks.describeAddon(sandbox.defaultCluster, 'adot')).toMatchObject({
      addonVersion: 'v0.151.0-eksbuild.2',
    });
  });

  it('an explicit --addon-version needs no default and says nothing about it', async () => {
    const { cli } = await start(fastSeed('no-default-version'));
    const plan = await cli([
      'install',
      '--target',
      'xray',
      '--addon-version',
      'v0.151.0-eksbuild.1',
      '--dry-run',
      '-o',
      'json',
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(step(planOutput(plan), 'addon')).toMatchObject({ action: 'create', detail: 'v0.151.0-eksbuild.1' });
  });
});
