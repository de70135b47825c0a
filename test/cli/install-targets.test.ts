import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { answerInTerminal, KEY } from '../helpers/terminal.js';
import {
  attachedPolicies,
  cliSandboxes,
  dump,
  fastSeed,
  settled,
  type CliSandbox,
} from '../helpers/install-sandbox.js';
import { parse } from 'yaml';

const XRAY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const AMP = 'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess';
const CLOUDWATCH = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';
const ROLE = 'EKS-ADOT-ServiceAccount-Role';
const WORKSPACE = 'ws-0123abcd-4567-89ef-0123-456789abcdef';
const BINDING = 'otel-prometheus-role-binding';
const ADDON_NAMESPACE = 'opentelemetry-operator-system';

const start = cliSandboxes('adot-install-targets-');

interface TargetsDocument {
  ok: boolean;
  changes: number;
  targets: string[];
  keptTargets: string[];
  removedTargets: string[];
  steps: { id: string; action: string; detail: string }[];
}

function targetsDocument(run: { stdout: string }): TargetsDocument {
  return JSON.parse(run.stdout) as TargetsDocument;
}

function step(document: TargetsDocument, id: string) {
  return document.steps.find((s) => s.id === id);
}

/** the pipelines of the collector resource as stored (v1beta1: spec.config is an object) */
function pipelines({ sandbox }: CliSandbox): string[] {
  const collector = sandbox
    .store(sandbox.defaultCluster)
    .get('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'observability', 'aws-otel-eks');
  const config = (collector?.spec as { config?: unknown } | undefined)?.config;
  const parsed = (typeof config === 'string' ? parse(config) : config) as { service: { pipelines: object } };
  return Object.keys(parsed.service.pipelines).sort();
}

async function doctorFailures(world: CliSandbox): Promise<string[]> {
  const run = await world.cli(['doctor', '-o', 'json']);
  const document = JSON.parse(run.stdout) as { checks: { id: string; status: string }[] };
  return document.checks.filter((check) => check.status === 'fail').map((check) => check.id);
}

function prometheusBinding({ sandbox }: CliSandbox): unknown {
  return sandbox.store(sandbox.defaultCluster).get('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', BINDING);
}

const seed = () => ({ ...fastSeed('fresh'), amp: { workspaces: [{ id: WORKSPACE }] } });

describe('adot install: target changes are explicit', () => {
  it('adds: xray, then amp installs both (both policies, both pipelines); a re-run of either converges', async () => {
    const world = await start(seed());
    const first = await world.cli(['install', '--target', 'xray', '-o', 'json']);
    expect(first.code, first.stderr).toBe(0);
    expect(pipelines(world)).toEqual(['traces']);

    const second = await world.cli(['install', '--target', 'amp', '--amp-workspace-id', WORKSPACE, '-o', 'json']);
    expect(second.code, second.stderr).toBe(0);
    const document = targetsDocument(second);
    expect(document).toMatchObject({ ok: true, targets: ['amp', 'xray'], keptTargets: ['xray'], removedTargets: [] });
    expect(step(document, 'targets')?.detail).toBe(
      'amp, xray: adds amp; keeps xray (installed; --prune removes what --target does not name)',
    );
    expect(step(document, 'iam.policies')).toMatchObject({
      action: 'update',
      detail: 'attach AmazonPrometheusRemoteWriteAccess',
    });
    expect(second.stderr).toContain('targets: amp, xray: adds amp; keeps xray');
    expect(attachedPolicies(world.sandbox, ROLE)).toEqual([AMP, XRAY].sort());
    expect(pipelines(world)).toEqual(['metrics/amp', 'traces']);
    expect(prometheusBinding(world)).toBeDefined();
    expect(await doctorFailures(world)).toEqual([]);

    // the same command again, and the first one again (amp is kept with the endpoint it writes to): nothing changes
    const before = await settled(world.sandbox);
    for (const args of [
      ['--target', 'amp', '--amp-workspace-id', WORKSPACE],
      ['--target', 'xray'],
    ]) {
      const again = await world.cli(['install', ...args, '-o', 'json']);
      expect(again.code, again.stderr).toBe(0);
      expect(targetsDocument(again).changes).toBe(0);
    }
    expect(dump(world.sandbox)).toBe(before);
  });

  it('prunes: xray,amp then --target amp --prune detaches the X-Ray policy and drops its pipeline, keeps the RBAC amp needs', async () => {
    const world = await start(seed());
    const first = await world.cli(['install', '--target', 'xray,amp', '--amp-workspace-id', WORKSPACE, '-o', 'json']);
    expect(first.code, first.stderr).toBe(0);

    const dryRun = await world.cli([
      'install',
      '--target',
      'amp',
      '--amp-workspace-id',
      WORKSPACE,
      '--prune',
      '--dry-run',
      '-o',
      'json',
    ]);
    expect(dryRun.code, dryRun.stderr).toBe(0);
    const plan = targetsDocument(dryRun);
    expect(plan).toMatchObject({ targets: ['amp'], keptTargets: [], removedTargets: ['xray'] });
    expect(step(plan, 'targets')?.detail).toBe(
      'amp: removes xray (detach AWSXRayDaemonWriteAccess; remove pipeline traces)',
    );
    expect(step(plan, 'iam.policies')).toMatchObject({ action: 'update', detail: 'detach AWSXRayDaemonWriteAccess' });
    expect(step(plan, 'collector')?.action).toBe('update');
    expect(attachedPolicies(world.sandbox, ROLE)).toEqual([AMP, XRAY].sort());

    const pruned = await world.cli([
      'install',
      '--target',
      'amp',
      '--amp-workspace-id',
      WORKSPACE,
      '--prune',
      '-o',
      'json',
    ]);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(targetsDocument(pruned).removedTargets).toEqual(['xray']);
    expect(attachedPolicies(world.sandbox, ROLE)).toEqual([AMP]);
    expect(pipelines(world)).toEqual(['metrics/amp']);
    expect(prometheusBinding(world)).toBeDefined();
    expect(step(targetsDocument(pruned), 'prometheus-rbac.clusterrolebinding')?.action).toBe('none');
    expect(await doctorFailures(world)).toEqual([]);

    const again = await world.cli([
      'install',
      '--target',
      'amp',
      '--amp-workspace-id',
      WORKSPACE,
      '--prune',
      '-o',
      'json',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(targetsDocument(again).changes).toBe(0);
  });

  it('in CI without --prune the installed targets are kept, and the text output says so and how to remove them', async () => {
    const world = await start(seed());
    expect((await world.cli(['install', '--target', 'xray', '-o', 'json'])).code).toBe(0);
    // no terminal, CI set: nobody can be asked
    const run = await runCli(['install', '--target', 'amp', '--amp-workspace-id', WORKSPACE], {
      env: { ...world.env, CI: 'true' },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(
      'targets: amp, xray: adds amp; keeps xray (installed; --prune removes what --target does not name)',
    );
    expect(run.stdout).toContain('targets amp, xray');
    expect(attachedPolicies(world.sandbox, ROLE)).toEqual([AMP, XRAY].sort());
    expect(pipelines(world)).toEqual(['metrics/amp', 'traces']);
    expect(await doctorFailures(world)).toEqual([]);
  });

  it('at a terminal without --prune the plan proposes the removal, and the one confirmation of the run covers it', async () => {
    const world = await start(seed());
    const first = await world.cli(['install', '--target', 'xray,amp', '--amp-workspace-id', WORKSPACE, '-o', 'json']);
    expect(first.code, first.stderr).toBe(0);
    const command = `${JSON.stringify(process.execPath)} bin/adot.js install --target amp --amp-workspace-id ${WORKSPACE} --identity auto --addon-version default`;
    const terminal = (answer: string) =>
      answerInTerminal(command, {
        cwd: resolve('.'),
        env: { PATH: process.env['PATH'], ...world.env },
        answers: [{ after: `Apply these changes to cluster ${world.sandbox.defaultCluster}? (--yes)`, keys: answer }],
      });
    const caution =
      '! Remove installed target not in --target: xray (detach AWSXRayDaemonWriteAccess; remove pipeline traces)? (destructive: --prune; to keep it, answer no and name it in --target)';

    // no: nothing changes
    const declined = await terminal(`n${KEY.enter}`);
    expect(declined.unanswered, declined.screen).toEqual([]);
    expect(declined.code, declined.screen).not.toBe(0);
    expect(declined.screen).toContain(
      'targets: amp: removes xray (detach AWSXRayDaemonWriteAccess; remove pipeline traces)',
    );
    expect(declined.screen).toContain(caution);
    expect(declined.screen).not.toContain('Installed target not in --target');
    expect(attachedPolicies(world.sandbox, ROLE)).toEqual([AMP, XRAY].sort());
    expect(pipelines(world)).toEqual(['metrics/amp', 'traces']);

    // yes: the plan, approved once, removes xray
    const approved = await terminal(`y${KEY.enter}`);
    expect(approved.code, approved.screen).toBe(0);
    expect(approved.screen.match(/✔ /g)?.length, approved.screen).toBe(1);
    expect(approved.screen).toContain(caution);
    expect(attachedPolicies(world.sandbox, ROLE)).toEqual([AMP]);
    expect(pipelines(world)).toEqual(['metrics/amp']);
    expect(await doctorFailures(world)).toEqual([]);
  }, 120_000);

  it('the last metrics target removed with --prune takes the Prometheus RBAC; without --prune it stays', async () => {
    const world = await start(seed());
    expect((await world.cli(['install', '--target', 'amp', '--amp-workspace-id', WORKSPACE, '-o', 'json'])).code).toBe(
      0,
    );
    const kept = await world.cli(['install', '--target', 'xray', '-o', 'json']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(targetsDocument(kept).keptTargets).toEqual(['amp']);
    expect(prometheusBinding(world)).toBeDefined();

    const pruned = await world.cli(['install', '--target', 'xray', '--prune', '-o', 'json']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(step(targetsDocument(pruned), 'prometheus-rbac.clusterrolebinding')?.action).toBe('delete');
    expect(prometheusBinding(world)).toBeUndefined();
    expect(attachedPolicies(world.sandbox, ROLE)).toEqual([XRAY]);
    expect(pipelines(world)).toEqual(['traces']);
    expect(await doctorFailures(world)).toEqual([]);
  });

  it('--mode addon-config adds too (the kept preset keeps its policy); --prune turns the removed pipeline off and detaches its policy', async () => {
    const world = await start(seed());
    const first = await world.cli(['install', '--mode', 'addon-config', '--target', 'xray', '--yes', '-o', 'json']);
    expect(first.code, first.stderr).toBe(0);
    const logs = await world.cli(['install', '--mode', 'addon-config', '--target', 'logs', '--yes', '-o', 'json']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(targetsDocument(logs)).toMatchObject({
      targets: ['xray', 'logs'],
      keptTargets: ['xray'],
      removedTargets: [],
    });
    expect(attachedPolicies(world.sandbox, ROLE)).toEqual([CLOUDWATCH, XRAY].sort());
    expect(await doctorFailures(world)).toEqual([]);
    const otlpIngest = () =>
      world.sandbox
        .store(world.sandbox.defaultCluster)
        .get('opentelemetry.io/v1beta1', 'OpenTelemetryCollector', 'adot-col-otlp-ingest', ADDON_NAMESPACE);
    expect(otlpIngest()).toBeDefined();

    const prune = await world.cli([
      'install',
      '--mode',
      'addon-config',
      '--target',
      'logs',
      '--prune',
      '--yes',
      '-o',
      'json',
    ]);
    expect(prune.code, prune.stderr).toBe(0);
    const document = targetsDocument(prune);
    expect(document).toMatchObject({ targets: ['logs'], keptTargets: [], removedTargets: ['xray'] });
    expect(step(document, 'targets')?.detail).toBe(
      'logs: removes xray (detach AWSXRayDaemonWriteAccess; remove pipeline collector.otlpIngest.pipelines.traces.xray)',
    );
    expect(attachedPolicies(world.sandbox, ROLE)).toEqual([CLOUDWATCH]);
    expect(otlpIngest()).toBeUndefined();
    expect(await doctorFailures(world)).toEqual([]);

    // xray is no longer installed: the same command converges, and logs alone is what a plain run finds
    const again = await world.cli([
      'install',
      '--mode',
      'addon-config',
      '--target',
      'logs',
      '--prune',
      '--yes',
      '-o',
      'json',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(targetsDocument(again)).toMatchObject({
      changes: 0,
      targets: ['logs'],
      keptTargets: [],
      removedTargets: [],
    });
  });
});
