import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SdkEks } from '../../src/adapters/aws/eks.js';
import { SdkIam } from '../../src/adapters/aws/iam.js';
import { SdkSts } from '../../src/adapters/aws/sts.js';
import type { AwsClientSettings } from '../../src/adapters/aws/client-config.js';
import { AdotError } from '../../src/core/errors.js';
import type { PolicyDocument } from '../../src/ports.js';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import { eventually } from '../helpers/eventually.js';

describe('AWS adapters against the sandbox (real SDK clients over HTTP)', () => {
  let sandbox: RunningSandbox;
  let eks: SdkEks;
  let iam: SdkIam;
  let sts: SdkSts;

  beforeAll(async () => {
    // the blog's installed world with today's built-in catalogue (its 30 versions make DescribeAddonVersions page)
    const { addonCatalog: _blogCatalogue, ...seed } = scenarioSeed('installed-healthy');
    sandbox = await startSandbox({
      seed: { ...seed, behaviour: { ...seed.behaviour, addonCreateSeconds: 0.1, addonDeleteSeconds: 0.1 } },
    });
    const settings: AwsClientSettings = {
      region: sandbox.region,
      endpoint: sandbox.awsEndpoint,
      credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
    };
    eks = new SdkEks(settings);
    iam = new SdkIam(settings);
    sts = new SdkSts(settings);
  });

  afterAll(async () => {
    for (const client of [eks, iam, sts]) client?.destroy();
    await sandbox?.stop();
  });

  it('STS: who am I', async () => {
    const identity = await sts.getCallerIdentity();
    expect(identity.account).toBe(sandbox.account);
    expect(identity.arn).toContain(sandbox.account);
  });

  it('EKS: clusters, the cluster, add-ons; a missing cluster is undefined', async () => {
    expect(await eks.listClusters()).toEqual(['demo']);
    const cluster = await eks.describeCluster('demo');
    expect(cluster).toMatchObject({ name: 'demo', version: '1.22', status: 'ACTIVE' });
    expect(cluster?.oidcIssuer).toMatch(/^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    expect(cluster?.endpoint).toBe(sandbox.clusters[0]?.server);
    expect(await eks.describeCluster('nope')).toBeUndefined();
    expect(await eks.listAddons('demo')).toEqual(['adot']);
    expect(await eks.describeAddon('demo', 'adot')).toMatchObject({
      addonName: 'adot',
      addonVersion: 'v0.45.0-eksbuild.1',
      status: 'ACTIVE',
      health: [],
    });
    expect(await eks.describeAddon('demo', 'vpc-cni')).toBeUndefined();
  });

  it('EKS: every page of DescribeAddonVersions, filtered by Kubernetes version', async () => {
    const all = await eks.describeAddonVersions('adot');
    expect(all.length).toBeGreaterThan(15);
    const for122 = await eks.describeAddonVersions('adot', '1.22');
    expect(for122.length).toBeGreaterThan(0);
    expect(for122.length).toBeLessThan(all.length);
    expect(await eks.describeAddonVersions('adot', '1.37')).toEqual([]);
  });

  it('EKS: a missing cluster on an add-on call is ClusterNotFound with a hint', async () => {
    const error = await eks.listAddons('nope').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdotError);
    expect(error).toMatchObject({ code: 'ClusterNotFound', kind: 'failed' });
    expect((error as AdotError).hint).toContain('aws eks list-clusters --region us-east-1');
  });

  it('EKS: delete, then create and update an add-on', async () => {
    expect(await eks.deleteAddon('demo', 'adot')).toBe(true);
    await eventually(
      () => eks.describeAddon('demo', 'adot'),
      (addon) => addon === undefined,
    );
    expect(await eks.deleteAddon('demo', 'adot')).toBe(false);
    const created = await eks.createAddon({
      clusterName: 'demo',
      addonName: 'adot',
      addonVersion: 'v0.45.0-eksbuild.1',
      resolveConflicts: 'OVERWRITE',
    });
    expect(created).toMatchObject({ addonName: 'adot', status: 'CREATING' });
    const error = await eks
      .createAddon({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.45.0-eksbuild.1' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'AwsError', details: { awsError: 'ResourceInUseException' } });
  });

  it('IAM: roles, trust policy decoded, policies, OIDC providers; missing ones are undefined/false', async () => {
    const role = await iam.getRole('EKS-ADOT-ServiceAccount-Role');
    expect(role?.arn).toBe(`arn:aws:iam::${sandbox.account}:role/EKS-ADOT-ServiceAccount-Role`);
    const statement = role?.assumeRolePolicyDocument.Statement[0];
    expect(statement?.Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(await iam.listAttachedRolePolicies('EKS-ADOT-ServiceAccount-Role')).toEqual([
      'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
    ]);
    expect(await iam.getRole('nope')).toBeUndefined();

    const [providerArn] = await iam.listOpenIdConnectProviders();
    const provider = await iam.getOpenIdConnectProvider(providerArn ?? '');
    expect(provider?.url).toMatch(/^oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
    expect(provider?.clientIds).toEqual(['sts.amazonaws.com']);
    expect(
      await iam.getOpenIdConnectProvider(`arn:aws:iam::${sandbox.account}:oidc-provider/example.com/none`),
    ).toBeUndefined();

    const trust: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    const created = await iam.createRole({
      roleName: 'adapter-test',
      assumeRolePolicyDocument: trust,
      tags: { owner: 'adot' },
    });
    expect(created.assumeRolePolicyDocument).toEqual(trust);
    await iam.attachRolePolicy('adapter-test', 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess');
    await iam.updateAssumeRolePolicy('adapter-test', {
      ...trust,
      Statement: [{ ...trust.Statement[0]!, Action: 'sts:TagSession' }],
    });
    expect((await iam.getRole('adapter-test'))?.assumeRolePolicyDocument.Statement[0]?.Action).toBe('sts:TagSession');
    expect(await iam.deleteRole('adapter-test')).toBe(true);
    expect(await iam.deleteRole('adapter-test')).toBe(false);

    const arn = await iam.createOpenIdConnectProvider({
      url: 'oidc.example.com/id/TEST',
      clientIds: ['sts.amazonaws.com'],
    });
    expect(await iam.deleteOpenIdConnectProvider(arn)).toBe(true);
    expect(await iam.deleteOpenIdConnectProvider(arn)).toBe(false);
  });
});

describe('AWS adapters under injected faults', () => {
  it('retries throttling (429) and 5xx so that calls succeed at a 30% fault rate', async () => {
    const seed = scenarioSeed('flaky-api');
    const sandbox = await startSandbox({ seed: { ...seed, behaviour: { ...seed.behaviour, randomSeed: 7 } } });
    const settings: AwsClientSettings = {
      region: sandbox.region,
      endpoint: sandbox.awsEndpoint,
      credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
    };
    const eks = new SdkEks(settings);
    const iam = new SdkIam(settings);
    try {
      for (let i = 0; i < 10; i++) {
        expect((await eks.describeCluster('demo'))?.name).toBe('demo');
        expect(await iam.getRole('nope')).toBeUndefined();
      }
    } finally {
      eks.destroy();
      iam.destroy();
      await sandbox.stop();
    }
  });
});
