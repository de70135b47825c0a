import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/sandbox/process/files.js';
import { runCli } from '../helpers/cli.js';
import { SANDBOX_ENV_NAMES } from '../helpers/sandbox.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'adot-sandbox-cli-'));
const sandboxDir = join(dir, 'state');

/** POSIX `export K='v'` lines -> an environment */
function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^export ([A-Z_][A-Z0-9_]*)='((?:[^']|'\\'')*)'$/gm)) {
    env[match[1] ?? ''] = (match[2] ?? '').replaceAll("'\\''", "'");
  }
  return env;
}

afterAll(async () => {
  await runCli(['sandbox', 'stop', '--dir', sandboxDir]);
  rmSync(dir, { recursive: true, force: true });
});

describe('adot sandbox (through the CLI; start spawns the built bin/adot.js)', () => {
  it('lists the scenarios as a table and as JSON', async () => {
    const text = await runCli(['sandbox', 'scenarios']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^NAME\s+DESCRIPTION$/m);
    expect(text.stdout).toMatch(/^fresh\s+/m);
    const json = await runCli(['sandbox', 'scenarios', '-o', 'json']);
    const names = (JSON.parse(json.stdout) as { scenarios: { name: string }[] }).scenarios.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['fresh', 'installed-healthy', 'no-addon-version']));
  });

  it('refuses an unknown scenario before starting anything (exit 2)', async () => {
    const result = await runCli(['sandbox', 'start', '--scenario', 'nope', '--dir', sandboxDir]);
    expect(result.code).toBe(2);
  });

  it('starts in the background, prints what to do next, and its env file drives adot and kubectl', async () => {
    const started = await runCli(['sandbox', 'start', '--scenario', 'installed-healthy', '--dir', sandboxDir], {
      cwd: dir,
    });
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('Sandbox running (pid ');
    expect(started.stdout).toContain('. state/env');
    expect(started.stdout).toContain('adot sandbox stop --dir');

    const printed = await runCli(['sandbox', 'env', '--dir', sandboxDir]);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(readFileSync(join(sandboxDir, 'env'), 'utf8'));
    const env = parseEnvFile(printed.stdout);
    expect(Object.keys(env)).toEqual(expect.arrayContaining(SANDBOX_ENV_NAMES));

    const versions = await runCli(['versions', '-o', 'json'], { env });
    expect(versions.code, versions.stderr).toBe(0);
    expect(JSON.parse(versions.stdout)).toMatchObject({ kubernetesVersion: '1.22' });

    const kubectl = await run('kubectl', ['get', 'namespace', 'aws-otel-eks', '-o', 'name'], {
      env: { PATH: process.env['PATH'] ?? '', HOME: dir, ...env },
    });
    expect(kubectl.stdout.trim()).toBe('namespace/aws-otel-eks');

    const again = await runCli(['sandbox', 'start', '--dir', sandboxDir]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('sandbox stop');

    const stopped = await runCli(['sandbox', 'stop', '--dir', sandboxDir, '-o', 'json']);
    expect(stopped.code).toBe(0);
    const { pid, stopped: wasRunning } = JSON.parse(stopped.stdout) as { pid: number; stopped: boolean };
    expect(wasRunning).toBe(true);
    // gone, or a zombie not reaped yet (stop waits for exactly that)
    expect(isProcessAlive(pid)).toBe(false);

    const nothing = await runCli(['sandbox', 'stop', '--dir', sandboxDir]);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toContain('nothing to stop');
  });
});
