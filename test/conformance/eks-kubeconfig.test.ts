import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';

/**
 * The way people reach a real EKS cluster: `aws eks update-kubeconfig` writes a kubeconfig whose user runs
 * `aws eks get-token`; kubectl and adot (through @kubernetes/client-node's exec support) then authenticate with it.
 */
const adot = fileURLToPath(new URL('../../bin/adot.js', import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a kubeconfig written by aws eks update-kubeconfig', () => {
  let sandbox: RunningSandbox;
  let directory: string;
  let kubeconfig: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: scenarioSeed('fresh') });
    directory = await mkdtemp(join(tmpdir(), 'adot-eks-kubeconfig-'));
    kubeconfig = join(directory, 'config');
    env = {
      PATH: process.env.PATH,
      HOME: directory,
      AWS_ENDPOINT_URL: sandbox.awsEndpoint,
      AWS_ACCESS_KEY_ID: sandbox.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sandbox.secretAccessKey,
      AWS_DEFAULT_REGION: sandbox.region,
      AWS_REGION: sandbox.region,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_PAGER: '',
    };
    const written = await run('aws', ['eks', 'update-kubeconfig', '--name', 'demo', '--kubeconfig', kubeconfig], env);
    expect(written.stderr).toBe('');
    expect(written.code).toBe(0);
  });

  afterAll(async () => {
    await sandbox?.stop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('lets kubectl in through aws eks get-token', async () => {
    const namespaces = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'ns', '-o', 'name'], env);
    expect(namespaces.stderr).toBe('');
    expect(namespaces.stdout.split('\n')).toContain('namespace/kube-system');
  });

  it('lets adot in through the same exec credential plugin', async () => {
    const doctor = await run(
      process.execPath,
      [adot, 'doctor', '--pre', '--cluster', 'demo', '-o', 'json', '--kubeconfig', kubeconfig],
      env,
    );
    const document = JSON.parse(doctor.stdout) as { ok: boolean; checks: { id: string; status: string }[] };
    expect(doctor.code).toBe(0);
    expect(document.ok).toBe(true);
    const status = Object.fromEntries(document.checks.map((check) => [check.id, check.status]));
    expect(status['k8s.api']).toBe('pass');
    expect(status['eks.cluster']).toBe('pass');
  });

  it('refuses a token signed with an access key the cluster does not know', async () => {
    const stranger = { ...env, AWS_ACCESS_KEY_ID: 'AKIAOTHER00000000000' };
    const namespaces = await run('kubectl', ['--kubeconfig', kubeconfig, 'get', 'ns'], stranger);
    expect(namespaces.code).not.toBe(0);
    expect(namespaces.stderr).toMatch(/Unauthorized|provide credentials/);
  });
});
