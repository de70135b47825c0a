import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsJson, runAwsCli } from '../helpers/aws-cli.js';
import { startTestAwsSandbox, TEST_OIDC_ISSUER, type TestAwsSandbox } from '../helpers/aws-sandbox.js';

/** The real AWS CLI (botocore's own models, parsers and waiters) against the emulator. */
describe('aws CLI against the sandbox endpoint', () => {
  let sandbox: TestAwsSandbox;
  let url: string;

  beforeAll(async () => {
    sandbox = await startTestAwsSandbox({ clusterVersion: '1.24', timing: { addonCreateSeconds: 2 } });
    sandbox.hooks.rbac = true;
    url = sandbox.server.url;
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('eks list-clusters and describe-cluster', async () => {
    expect(await awsJson(url, ['eks', 'list-clusters'])).toEqual({ clusters: ['demo'] });
    const { cluster } = await awsJson<{ cluster: Record<string, unknown> }>(url, [
      'eks',
      'describe-cluster',
      '--name',
      'demo',
    ]);
    expect(cluster).toMatchObject({
      name: 'demo',
      arn: 'arn:aws:eks:us-east-1:111122223333:cluster/demo',
      version: '1.24',
      status: 'ACTIVE',
      identity: { oidc: { issuer: TEST_OIDC_ISSUER } },
    });
    // CLI v1 prints timestamps as the wire had them (cli_timestamp_format "none"): restJson1 epoch seconds
    expect(Math.abs(Number(cluster.createdAt) - Date.now() / 1000)).toBeLessThan(600);
  });

  it('eks describe-addon-versions, with and without --kubernetes-version', async () => {
    type Versions = {
      addons: {
        addonName: string;
        addonVersions: {
          addonVersion: string;
          compatibilities: { clusterVersion: string; defaultVersion: boolean }[];
        }[];
      }[];
    };
    const all = await awsJson<Versions>(url, ['eks', 'describe-addon-versions', '--addon-name', 'adot']);
    expect(all.addons.map((a) => a.addonName)).toEqual(['adot']);
    expect(all.addons[0]?.addonVersions).toHaveLength(4);
    const for124 = await awsJson<Versions>(url, [
      'eks',
      'describe-addon-versions',
      '--addon-name',
      'adot',
      '--kubernetes-version',
      '1.24',
    ]);
    const versions = for124.addons[0]?.addonVersions ?? [];
    expect(versions.map((v) => v.addonVersion)).toEqual([
      'v0.88.0-eksbuild.1',
      'v0.66.0-eksbuild.1',
      'v0.62.1-eksbuild.1',
    ]);
    expect(versions.filter((v) => v.compatibilities[0]?.defaultVersion).map((v) => v.addonVersion)).toEqual([
      'v0.88.0-eksbuild.1',
    ]);
    // the CLI follows nextToken itself when asked for small pages
    const paged = await awsJson<Versions>(url, [
      'eks',
      'describe-addon-versions',
      '--addon-name',
      'adot',
      '--page-size',
      '1',
    ]);
    expect(paged.addons.flatMap((a) => a.addonVersions.map((v) => v.addonVersion))).toHaveLength(4);
  });

  it('eks create-addon, wait addon-active, describe-addon', { timeout: 60_000 }, async () => {
    const { addon } = await awsJson<{ addon: Record<string, unknown> }>(url, [
      'eks',
      'create-addon',
      '--cluster-name',
      'demo',
      '--addon-name',
      'adot',
      '--addon-version',
      'v0.66.0-eksbuild.1',
      '--service-account-role-arn',
      'arn:aws:iam::111122223333:role/collector',
      '--resolve-conflicts',
      'OVERWRITE',
    ]);
    expect(addon).toMatchObject({ addonName: 'adot', status: 'CREATING', addonVersion: 'v0.66.0-eksbuild.1' });
    const waited = await runAwsCli(url, [
      'eks',
      'wait',
      'addon-active',
      '--cluster-name',
      'demo',
      '--addon-name',
      'adot',
    ]);
    expect(waited).toMatchObject({ code: 0, stderr: '' });
    const described = await awsJson<{ addon: Record<string, unknown> }>(url, [
      'eks',
      'describe-addon',
      '--cluster-name',
      'demo',
      '--addon-name',
      'adot',
    ]);
    expect(described.addon).toMatchObject({
      addonName: 'adot',
      clusterName: 'demo',
      status: 'ACTIVE',
      serviceAccountRoleArn: 'arn:aws:iam::111122223333:role/collector',
      health: { issues: [] },
    });
    expect(sandbox.hooks.installed).toEqual(['v0.66.0-eksbuild.1']);
  });

  it('iam create-role, get-role, attach-role-policy, list-attached-role-policies', async () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    const created = await awsJson<{ Role: Record<string, unknown> }>(url, [
      'iam',
      'create-role',
      '--role-name',
      'cli-role',
      '--assume-role-policy-document',
      JSON.stringify(trust),
    ]);
    expect(created.Role).toMatchObject({
      RoleName: 'cli-role',
      Arn: 'arn:aws:iam::111122223333:role/cli-role',
      Path: '/',
    });
    const fetched = await awsJson<{ Role: Record<string, unknown> }>(url, [
      'iam',
      'get-role',
      '--role-name',
      'cli-role',
    ]);
    // botocore URL-decodes and parses policy documents, so the CLI prints the document as an object
    expect(fetched.Role.AssumeRolePolicyDocument).toEqual(trust);
    await awsJson(url, [
      'iam',
      'attach-role-policy',
      '--role-name',
      'cli-role',
      '--policy-arn',
      'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
    ]);
    expect(await awsJson(url, ['iam', 'list-attached-role-policies', '--role-name', 'cli-role'])).toEqual({
      AttachedPolicies: [
        { PolicyName: 'AWSXRayDaemonWriteAccess', PolicyArn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess' },
      ],
    });
  });

  it('iam list-open-id-connect-providers', async () => {
    sandbox.iam.seed({ oidcProviders: [{ url: TEST_OIDC_ISSUER, clientIds: ['sts.amazonaws.com'] }] });
    expect(await awsJson(url, ['iam', 'list-open-id-connect-providers'])).toEqual({
      OpenIDConnectProviderList: [
        { Arn: `arn:aws:iam::111122223333:oidc-provider/${TEST_OIDC_ISSUER.replace('https://', '')}` },
      ],
    });
  });

  it('sts get-caller-identity', async () => {
    expect(await awsJson(url, ['sts', 'get-caller-identity'])).toMatchObject({
      Account: '111122223333',
      Arn: 'arn:aws:iam::111122223333:user/adot-sandbox',
    });
  });

  it('iam get-role of a missing role fails with NoSuchEntity on stderr', async () => {
    const result = await runAwsCli(url, ['iam', 'get-role', '--role-name', 'missing-role']);
    expect([254, 255]).toContain(result.code);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('(NoSuchEntity)');
    expect(result.stderr).toContain('The role with name missing-role cannot be found.');
  });

  it('eks describe-addon of a missing add-on fails with ResourceNotFoundException', async () => {
    const result = await runAwsCli(url, ['eks', 'describe-addon', '--cluster-name', 'demo', '--addon-name', 'nothing']);
    expect([254, 255]).toContain(result.code);
    expect(result.stderr).toContain('(ResourceNotFoundException)');
    expect(result.stderr).toContain('No addon: nothing found in cluster: demo');
  });
});
