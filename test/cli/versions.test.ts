import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import type { VersionsDocument } from '../../src/app/versions.js';
import { runCli } from '../helpers/cli.js';

describe('adot versions --sandbox (in-process sandbox)', () => {
  it("lists the versions for the sandbox cluster's Kubernetes 1.36 (the default scenario), the newest the default", async () => {
    const result = await runCli(['versions', '--sandbox', '-o', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as VersionsDocument;
    expect(doc).toMatchObject({ schemaVersion: 1, addonName: 'adot', kubernetesVersion: '1.36' });
    expect(doc.versions.map((entry) => entry.version)).toEqual(['v0.151.0-eksbuild.2', 'v0.151.0-eksbuild.1']);
    for (const entry of doc.versions) expect(entry.clusterVersions).toContain('1.36');
    expect(doc.versions.filter((entry) => entry.default).map((entry) => entry.version)).toEqual([
      'v0.151.0-eksbuild.2',
    ]);
    expect(doc.versions[0]).toMatchObject({
      configurationSchema: 'presets',
      podIdentity: true,
      collectorV1beta1: true,
    });
  });

  it("reproduces the blog's listing with --sandbox-scenario blog-2022: v0.45.0 alone, amd64, the default", async () => {
    const result = await runCli(['versions', '--sandbox', '--sandbox-scenario', 'blog-2022', '-o', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as VersionsDocument;
    expect(doc).toEqual({
      schemaVersion: 1,
      ok: true,
      addonName: 'adot',
      kubernetesVersion: '1.22',
      versions: [
        {
          version: 'v0.45.0-eksbuild.1',
          architectures: ['amd64'],
          clusterVersions: ['1.22'],
          default: true,
          configurationSchema: 'none',
          podIdentity: false,
          collectorV1beta1: false,
        },
      ],
    });
  });

  it('prints an aligned table with the configuration schema, Pod Identity, v1beta1 and the default marked', async () => {
    const result = await runCli(['versions', '--sandbox', '--kubernetes-version', '1.27']);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^VERSION\s+ARCHITECTURE\s+KUBERNETES\s+CONFIGURATION\s+POD-IDENTITY\s+V1BETA1\s+DEFAULT$/);
    const row = (version: string) => rows.find((line) => line.startsWith(`${version} `));
    expect(row('v0.109.0-eksbuild.2')).toMatch(/amd64,arm64\s+1\.27\s+presets\s+yes\s+yes\s+yes$/);
    expect(row('v0.94.1-eksbuild.1')).toMatch(/1\.27\s+presets\s+yes\s*$/);
    expect(row('v0.84.0-eksbuild.1')).toMatch(/1\.27\s+collector keys\s*$/);
    expect(header?.indexOf('KUBERNETES')).toBe(row('v0.109.0-eksbuild.2')?.indexOf('1.27'));
    expect(header?.indexOf('CONFIGURATION')).toBe(row('v0.84.0-eksbuild.1')?.indexOf('collector keys'));
  });

  it('shows no default when EKS marks none (no-default-version)', async () => {
    const result = await runCli(['versions', '--sandbox', '--sandbox-scenario', 'no-default-version', '-o', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as VersionsDocument;
    expect(doc.versions.length).toBeGreaterThan(0);
    expect(doc.versions.some((entry) => entry.default)).toBe(false);
  });

  it('answers for --kubernetes-version, newest first and multi-arch', async () => {
    const result = await runCli(['versions', '--sandbox', '--kubernetes-version', '1.29', '-o', 'json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as VersionsDocument;
    expect(doc.kubernetesVersion).toBe('1.29');
    expect(doc.versions.filter((entry) => entry.default)).toHaveLength(1);
    expect(doc.versions.some((entry) => entry.architectures.includes('arm64'))).toBe(true);
    const numbers = doc.versions.map((entry) => entry.version);
    expect(numbers).toEqual([...numbers].sort((a, b) => b.localeCompare(a, 'en', { numeric: true })));
  });

  it('exits 1 saying no ADOT version supports a Kubernetes version that has none yet', async () => {
    const result = await runCli(['versions', '--sandbox', '--sandbox-scenario', 'no-addon-version']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no ADOT version supports Kubernetes 1.37 yet');
    expect(result.stdout).toBe('');
  });

  it('exits 2 on a malformed --kubernetes-version and on an unknown scenario', async () => {
    expect((await runCli(['versions', '--sandbox', '--kubernetes-version', '122'])).code).toBe(2);
    const unknown = await runCli(['versions', '--sandbox', '--sandbox-scenario', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('fresh');
  });
});

describe('adot versions against a running sandbox through the environment', () => {
  let sandbox: RunningSandbox;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: scenarioSeed('fresh') });
    dir = mkdtempSync(join(tmpdir(), 'adot-versions-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, sandbox.kubeconfig());
    env = sandbox.env(kubeconfig);
  });

  afterAll(async () => {
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uses AWS_ENDPOINT_URL, the keys, AWS_REGION and ADOT_CLUSTER from the environment', async () => {
    const result = await runCli(['versions', '-o', 'json'], { env });
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as VersionsDocument).kubernetesVersion).toBe('1.36');
  });

  it('exits 1 with ClusterNotFound and a hint for a cluster that does not exist', async () => {
    const result = await runCli(['versions', '--cluster', 'nope', '-o', 'json'], { env });
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout) as { error: { code: string; hint: string } };
    expect(doc.error.code).toBe('ClusterNotFound');
    expect(doc.error.hint).toContain('aws eks list-clusters');
  });

  it('lists every version with its Kubernetes range when neither a cluster nor a version is given', async () => {
    const { ADOT_CLUSTER: _cluster, ...withoutCluster } = env;
    const result = await runCli(['versions'], { env: withoutCluster });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^v0\.45\.0-eksbuild\.1\s+amd64\s+1\.19-1\.22\s+none\s*$/m);
    expect(result.stdout).toMatch(/^v0\.151\.0-eksbuild\.2\s+amd64,arm64\s+1\.31-1\.36\s+presets\s+yes\s+yes\s+yes$/m);
  });

  it('exits 1 with AwsUnreachable and a hint when the endpoint does not answer, without leaking the secret', async () => {
    const closed = await startSandbox({ seed: scenarioSeed('fresh') });
    const endpoint = closed.awsEndpoint;
    await closed.stop();
    const result = await runCli(['versions'], { env: { ...env, AWS_ENDPOINT_URL: endpoint } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach the AWS EKS endpoint');
    expect(result.stderr).toContain('hint: ');
    expect(result.stderr).not.toContain(env['AWS_SECRET_ACCESS_KEY']);
  });
});
