import { describe, expect, it } from 'vitest';
import { cliSandboxes, dump, fastSeed, planOutput, settled } from '../helpers/install-sandbox.js';

const WORKSPACE = 'ws-0123abcd-4567-89ef-0123-456789abcdef';

const start = cliSandboxes('adot-apply-template-');

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
    expect(planOutput(run).steps).toEqual([expect.objectContaining({ id: 'collector', action: 'update' })]);
    const collector = sandbox
      .store(sandbox.defaultCluster)
      .get('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', 'observability', 'aws-otel-eks');
    expect(String((collector?.spec as { config: string }).config)).toContain('5s');
    const again = await cli(['apply-template', '--target', 'xray', '--set', 'batch.timeout=5s', '-o', 'json']);
    expect(planOutput(again).changes).toBe(0);
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
