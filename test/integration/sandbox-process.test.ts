import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxEnv, sandboxStart, sandboxStop } from '../../src/app/sandbox.js';
import { isAdotError } from '../../src/core/errors.js';
import { isProcessAlive, parseEnvFile } from '../../src/sandbox/process/files.js';
import { kubeForKubeconfigFile as kubeFor } from '../../src/system.js';
import { SANDBOX_ENV_NAMES } from '../helpers/sandbox.js';

const run = promisify(execFile);
/** a minimal `adot sandbox serve` over the built dist/ (npm test builds before running vitest) */
const SERVE_ENTRY = resolve('test/helpers/sandbox-serve-entry.mjs');
const serveCommand = [SERVE_ENTRY, 'sandbox', 'serve'];

describe('detached sandbox process', () => {
  let dir: string;

  beforeAll(async () => {
    if (!existsSync(resolve('dist/app/sandbox.js'))) throw new Error('dist/ is missing: build first (npm run build)');
    dir = await mkdtemp(join(tmpdir(), 'adot-sandbox-process-'));
  });
  afterAll(async () => {
    if (dir !== undefined) {
      await sandboxStop({ dir }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad seed before spawning anything', async () => {
    const seedFile = join(dir, 'bad-seed.yaml');
    await writeFile(seedFile, 'clusters:\n  - name: demo\n    verison: "1.22"\n');
    const sandboxDir = join(dir, 'never');
    const attempt = sandboxStart({ dir: sandboxDir, seedFile, serveCommand, nodePath: process.execPath, kubeFor });
    await expect(attempt).rejects.toSatisfy(
      (error) => isAdotError(error) && error.exitStatus === 2 && /clusters\[0\]\.verison/.test(error.message),
    );
    expect(existsSync(sandboxDir)).toBe(false);
  });

  it('starts detached, serves aws and kubectl through the env file, and stops without leaving a process', async () => {
    const seedFile = join(dir, 'seed.yaml');
    await writeFile(seedFile, 'clusters:\n  - name: demo\n    presets: [cert-manager-v1.5.3]\n  - name: second\n');
    const info = await sandboxStart({ dir, seedFile, serveCommand, nodePath: process.execPath, kubeFor });
    expect(isProcessAlive(info.pid)).toBe(true);
    expect(info.clusters.map((cluster) => cluster.name)).toEqual(['demo', 'second']);

    const again = sandboxStart({ dir, scenario: 'fresh', serveCommand, nodePath: process.execPath, kubeFor });
    await expect(again).rejects.toSatisfy(
      (error) => isAdotError(error) && error.code === 'SandboxRunning' && /adot sandbox stop/.test(error.hint ?? ''),
    );

    const envText = await sandboxEnv({ dir });
    expect(envText).toBe(await readFile(info.envFile, 'utf8'));
    expect(envText).toMatch(/^export AWS_ENDPOINT_URL='http:\/\/127\.0\.0\.1:\d+'$/m);
    const sandboxVariables = parseEnvFile(envText);
    expect(Object.keys(sandboxVariables)).toEqual(expect.arrayContaining(SANDBOX_ENV_NAMES));
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...sandboxVariables };

    const clusters = await run('aws', ['eks', 'list-clusters', '--output', 'json'], { env });
    expect(JSON.parse(clusters.stdout)).toEqual({ clusters: ['demo', 'second'] });
    const namespaces = await run('kubectl', ['get', 'ns', '-o', 'name'], { env });
    expect(namespaces.stdout).toContain('namespace/cert-manager');

    const stopped = await sandboxStop({ dir });
    expect(stopped).toEqual({ stopped: true, pid: info.pid });
    expect(isProcessAlive(info.pid)).toBe(false);
    expect(existsSync(join(dir, 'sandbox.json'))).toBe(false);
    expect(await sandboxStop({ dir })).toEqual({ stopped: false });
    await expect(sandboxEnv({ dir })).rejects.toSatisfy(
      (error) => isAdotError(error) && error.code === 'SandboxNotRunning',
    );
  });

  it('never signals a process it did not start: a stale or planted sandbox.json naming another pid is only removed', async () => {
    const bystander = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      const planted = join(dir, 'planted');
      await mkdir(planted);
      await writeFile(join(planted, 'sandbox.json'), JSON.stringify({ pid: bystander.pid, instance: 'guessed' }));
      expect(await sandboxStop({ dir: planted })).toMatchObject({ stopped: false });
      expect(isProcessAlive(bystander.pid ?? 0)).toBe(true);
      expect(existsSync(join(planted, 'sandbox.json'))).toBe(false);
      await writeFile(join(planted, 'sandbox.json'), JSON.stringify({ pid: bystander.pid }));
      await expect(sandboxEnv({ dir: planted })).rejects.toSatisfy(
        (error) => isAdotError(error) && error.code === 'SandboxNotRunning',
      );
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('writes its files without following links planted in --dir, private to the user; a --dir that is a file is bad input', async () => {
    const planted = join(dir, 'links');
    await mkdir(planted);
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    await symlink(victim, join(planted, 'sandbox.log'));
    await symlink(victim, join(planted, 'kubeconfig'));
    const info = await sandboxStart({
      dir: planted,
      scenario: 'fresh',
      serveCommand,
      nodePath: process.execPath,
      kubeFor,
    });
    try {
      expect(await readFile(victim, 'utf8')).toBe('precious\n');
      for (const name of ['sandbox.log', 'kubeconfig', 'env', 'sandbox.json']) {
        const found = await lstat(join(planted, name));
        expect(found.isSymbolicLink(), name).toBe(false);
        expect(found.mode & 0o077, name).toBe(0);
      }
      expect(info.pid).toBeGreaterThan(0);
    } finally {
      await sandboxStop({ dir: planted });
    }
    const file = join(dir, 'a-file');
    await writeFile(file, '');
    for (const attempt of [
      () => sandboxStart({ dir: file, scenario: 'fresh', serveCommand, nodePath: process.execPath, kubeFor }),
      () => sandboxStop({ dir: file }),
      () => sandboxEnv({ dir: file }),
    ]) {
      await expect(attempt()).rejects.toSatisfy(
        (error) => isAdotError(error) && error.exitStatus === 2 && error.code === 'SandboxDirNotADirectory',
      );
    }
  });

  it('reports the log tail when the serve process fails', async () => {
    const failing = join(dir, 'failing');
    const attempt = sandboxStart({
      dir: failing,
      serveCommand: ['-e', 'console.error("boom: cannot serve"); process.exit(3)', '--'],
      nodePath: process.execPath,
      kubeFor,
    });
    await expect(attempt).rejects.toSatisfy(
      (error) =>
        isAdotError(error) && error.code === 'SandboxStartFailed' && error.message.includes('boom: cannot serve'),
    );
  });
});
