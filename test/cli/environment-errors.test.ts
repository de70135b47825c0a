/**
 * A broken environment is named for what it is: an empty or user-less kubeconfig, an AWS profile no file defines —
 * and a healthy run prints no Node warning on the user's terminal.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const run = promisify(execFile);
const AWS = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1' };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adot-environment-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function checkOf(stdout: string, id: string): { status: string; message: string; hint?: string } {
  const document = JSON.parse(stdout) as { checks: { id: string; status: string; message: string; hint?: string }[] };
  const found = document.checks.find((check) => check.id === id);
  if (found === undefined) throw new Error(`no check ${id}`);
  return found;
}

describe('a broken environment, named', () => {
  it('an empty kubeconfig and a context without a user say so, instead of a library error', async () => {
    const empty = join(dir, 'empty');
    await writeFile(empty, '');
    const userless = join(dir, 'userless');
    await writeFile(
      userless,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'contexts: [{name: x, context: {cluster: c}}]',
        'current-context: x',
      ].join('\n'),
    );
    const env = { ...AWS, AWS_ENDPOINT_URL: 'http://127.0.0.1:1', HOME: dir };
    const first = await runCli(['doctor', '--cluster', 'demo', '--kubeconfig', empty, '-o', 'json'], { env });
    expect(checkOf(first.stdout, 'k8s.api').message).toContain('defines no cluster and no context');
    const second = await runCli(['doctor', '--cluster', 'demo', '--kubeconfig', userless, '-o', 'json'], { env });
    expect(checkOf(second.stdout, 'k8s.api')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('context "x" names no user: no credentials would be sent'),
      hint: expect.stringContaining('aws eks update-kubeconfig'),
    });
  });

  it('an AWS profile that no file defines is named (exit 2), with the profiles that exist', async () => {
    await writeFile(join(dir, 'config'), '[profile dev]\nregion = eu-west-1\n');
    const env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
    const versions = await runCli(['versions', '--kubernetes-version', '1.30', '--profile', 'nope'], { env });
    expect(versions.code).toBe(2);
    expect(versions.stderr).toContain(`AWS profile "nope" is not defined in ${join(dir, 'config')}`);
    expect(versions.stderr).toContain('known profiles: dev');
  });

  it('doctor as a process prints no Node warning (one abort signal serves every call in flight)', async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      [resolve('bin/adot.js'), 'doctor', '--sandbox', '-o', 'json'],
      { env: { PATH: process.env['PATH'] ?? '', HOME: dir } },
    ).catch((error: { stdout: string; stderr: string }) => error);
    expect(JSON.parse(stdout)).toMatchObject({ schemaVersion: 1 });
    expect(stderr).not.toMatch(/Warning|\(node:\d+\)/);
  }, 60_000);
});
