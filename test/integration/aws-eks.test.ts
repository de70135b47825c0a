import {
  CreateAddonCommand,
  DeleteAddonCommand,
  DescribeAddonCommand,
  DescribeAddonConfigurationCommand,
  DescribeAddonVersionsCommand,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  EKSClient,
  ListAddonsCommand,
  ListClustersCommand,
  paginateDescribeAddonVersions,
  UpdateAddonCommand,
  type Addon,
} from '@aws-sdk/client-eks';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestAwsSandbox, TEST_OIDC_ISSUER, type TestAwsSandbox } from '../helpers/aws-sandbox.js';
import { eventually } from '../helpers/eventually.js';

let sandbox: TestAwsSandbox | undefined;
let client: EKSClient | undefined;

async function start(
  options: Parameters<typeof startTestAwsSandbox>[0] = {},
): Promise<{ sandbox: TestAwsSandbox; eks: EKSClient }> {
  sandbox = await startTestAwsSandbox(options);
  client = new EKSClient(sandbox.clientConfig);
  return { sandbox, eks: client };
}

afterEach(async () => {
  client?.destroy();
  await sandbox?.close();
  sandbox = undefined;
  client = undefined;
});

async function addonOf(eks: EKSClient, addonName = 'adot'): Promise<Addon> {
  const { addon } = await eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName }));
  if (addon === undefined) throw new Error('DescribeAddon answered without an addon');
  return addon;
}

async function errorOf(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status: number | undefined; raw: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      raw: e as unknown as Record<string, unknown>,
    };
  }
  throw new Error('expected the call to fail');
}

describe('EKS emulator through the real EKS client', () => {
  it('lists and describes clusters in the model shapes', async () => {
    const { eks, sandbox } = await start();
    expect((await eks.send(new ListClustersCommand({}))).clusters).toEqual(['demo']);
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'demo' }));
    expect(cluster).toMatchObject({
      name: 'demo',
      arn: 'arn:aws:eks:us-east-1:111122223333:cluster/demo',
      version: '1.22',
      endpoint: 'https://127.0.0.1:6443',
      status: 'ACTIVE',
      identity: { oidc: { issuer: TEST_OIDC_ISSUER } },
      platformVersion: 'eks.1',
    });
    expect(cluster?.createdAt).toBeInstanceOf(Date);
    expect(Math.abs((cluster?.createdAt?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(cluster?.resourcesVpcConfig?.vpcId).toMatch(/^vpc-[0-9a-f]+$/);
    expect(sandbox.server.requests()).toEqual([
      { service: 'eks', operation: 'ListClusters', status: 200 },
      { service: 'eks', operation: 'DescribeCluster', status: 200 },
    ]);
  });

  it('answers a missing cluster with ResourceNotFoundException naming it', async () => {
    const { eks } = await start();
    const error = await errorOf(eks.send(new DescribeClusterCommand({ name: 'nope' })));
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'No cluster found for name: nope.',
    });
  });

  it('describes add-on versions, filtered by Kubernetes version, with one default', async () => {
    const { eks } = await start();
    const all = await eks.send(new DescribeAddonVersionsCommand({ addonName: 'adot' }));
    expect(all.addons).toHaveLength(1);
    expect(all.addons?.[0]).toMatchObject({ addonName: 'adot', type: 'observability', owner: 'aws', publisher: 'eks' });
    expect(all.addons?.[0]?.addonVersions?.map((v) => v.addonVersion)).toEqual([
      'v0.88.0-eksbuild.1',
      'v0.66.0-eksbuild.1',
      'v0.62.1-eksbuild.1',
      'v0.45.0-eksbuild.1',
    ]);

    const for122 = await eks.send(new DescribeAddonVersionsCommand({ addonName: 'adot', kubernetesVersion: '1.22' }));
    const versions = for122.addons?.[0]?.addonVersions ?? [];
    expect(versions.map((v) => v.addonVersion)).toEqual([
      'v0.66.0-eksbuild.1',
      'v0.62.1-eksbuild.1',
      'v0.45.0-eksbuild.1',
    ]);
    expect(versions.find((v) => v.addonVersion === 'v0.45.0-eksbuild.1')).toEqual({
      addonVersion: 'v0.45.0-eksbuild.1',
      architecture: ['amd64'],
      compatibilities: [{ clusterVersion: '1.22', platformVersions: ['*'], defaultVersion: true }],
      requiresConfiguration: false,
      requiresIamPermissions: false,
    });
    expect(versions.filter((v) => v.compatibilities?.[0]?.defaultVersion)).toHaveLength(1);

    // no entry is flagged default for 1.25: the newest compatible version is
    const for125 = await eks.send(new DescribeAddonVersionsCommand({ addonName: 'adot', kubernetesVersion: '1.25' }));
    expect(
      for125.addons?.[0]?.addonVersions
        ?.filter((v) => v.compatibilities?.[0]?.defaultVersion)
        .map((v) => v.addonVersion),
    ).toEqual(['v0.88.0-eksbuild.1']);

    expect(
      (await eks.send(new DescribeAddonVersionsCommand({ addonName: 'adot', kubernetesVersion: '1.33' }))).addons,
    ).toEqual([]);
    expect((await eks.send(new DescribeAddonVersionsCommand({ addonName: 'vpc-cni' }))).addons).toEqual([]);
  });

  it('pages add-on versions with maxResults and nextToken', async () => {
    const { eks } = await start();
    const first = await eks.send(new DescribeAddonVersionsCommand({ addonName: 'adot', maxResults: 3 }));
    expect(first.addons?.[0]?.addonVersions).toHaveLength(3);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await eks.send(
      new DescribeAddonVersionsCommand({ addonName: 'adot', maxResults: 3, nextToken: first.nextToken }),
    );
    expect(second.addons?.[0]?.addonVersions?.map((v) => v.addonVersion)).toEqual(['v0.45.0-eksbuild.1']);
    expect(second.nextToken).toBeUndefined();

    const paged: string[] = [];
    for await (const page of paginateDescribeAddonVersions({ client: eks, pageSize: 1 }, { addonName: 'adot' })) {
      paged.push(
        ...(page.addons ?? []).flatMap((addon) => (addon.addonVersions ?? []).map((v) => v.addonVersion ?? '')),
      );
    }
    expect(paged).toHaveLength(4);

    const bad = await errorOf(
      eks.send(new DescribeAddonVersionsCommand({ addonName: 'adot', nextToken: 'not-a-token' })),
    );
    expect(bad).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    const tooMany = await errorOf(eks.send(new DescribeAddonVersionsCommand({ addonName: 'adot', maxResults: 101 })));
    expect(tooMany.name).toBe('InvalidParameterException');
  });

  it('creates the add-on: CREATING, then ACTIVE with installAddon called', async () => {
    const { eks, sandbox } = await start({ clusterVersion: '1.24' });
    const { addon } = await eks.send(
      new CreateAddonCommand({
        clusterName: 'demo',
        addonName: 'adot',
        addonVersion: 'v0.66.0-eksbuild.1',
        serviceAccountRoleArn: 'arn:aws:iam::111122223333:role/collector',
        resolveConflicts: 'OVERWRITE',
        tags: { team: 'obs' },
      }),
    );
    expect(addon).toMatchObject({
      addonName: 'adot',
      clusterName: 'demo',
      status: 'CREATING',
      addonVersion: 'v0.66.0-eksbuild.1',
      serviceAccountRoleArn: 'arn:aws:iam::111122223333:role/collector',
      health: { issues: [] },
      tags: { team: 'obs' },
    });
    expect(addon?.addonArn).toMatch(/^arn:aws:eks:us-east-1:111122223333:addon\/demo\/adot\/[0-9a-f-]{36}$/);
    expect(addon?.createdAt).toBeInstanceOf(Date);
    expect(sandbox.hooks.installed).toEqual([]);

    const active = await eventually(
      () => addonOf(eks),
      (a) => a.status !== 'CREATING',
    );
    expect(active.status).toBe('ACTIVE');
    expect(sandbox.hooks.installed).toEqual(['v0.66.0-eksbuild.1']);
    expect((await eks.send(new ListAddonsCommand({ clusterName: 'demo' }))).addons).toEqual(['adot']);

    const again = await errorOf(eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot' })));
    expect(again).toMatchObject({ name: 'ResourceInUseException', status: 409 });
    expect(again.raw.addonName).toBe('adot');
    expect(again.raw.clusterName).toBe('demo');
  });

  it('picks the catalogue default when no version is given', async () => {
    const { eks, sandbox } = await start();
    sandbox.hooks.rbac = true;
    const { addon } = await eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
    expect(addon?.addonVersion).toBe('v0.45.0-eksbuild.1');
  });

  it('ends CREATE_FAILED with AccessDenied when an old version lacks the add-on RBAC', async () => {
    const { eks, sandbox } = await start();
    await eks.send(
      new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.62.1-eksbuild.1' }),
    );
    const failed = await eventually(
      () => addonOf(eks),
      (a) => a.status !== 'CREATING',
    );
    expect(failed.status).toBe('CREATE_FAILED');
    expect(failed.health?.issues).toEqual([
      {
        code: 'AccessDenied',
        message:
          'User "eks:addon-manager" cannot patch resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "opentelemetry-operator-system"',
        resourceIds: [],
      },
    ]);
    expect(sandbox.hooks.installed).toEqual([]);
  });

  it('installs an old version when the add-on RBAC is present, and a new one without it', async () => {
    const { eks, sandbox } = await start();
    sandbox.hooks.rbac = true;
    await eks.send(
      new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.62.1-eksbuild.1' }),
    );
    expect(
      (
        await eventually(
          () => addonOf(eks),
          (a) => a.status !== 'CREATING',
        )
      ).status,
    ).toBe('ACTIVE');
    sandbox.hooks.rbac = false;
    await eks.send(new DeleteAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
    await eventually(
      () => eks.send(new ListAddonsCommand({ clusterName: 'demo' })),
      (r) => r.addons?.length === 0,
    );
    await eks.send(
      new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.66.0-eksbuild.1' }),
    );
    expect(
      (
        await eventually(
          () => addonOf(eks),
          (a) => a.status !== 'CREATING',
        )
      ).status,
    ).toBe('ACTIVE');
    expect(sandbox.hooks.installed).toEqual(['v0.62.1-eksbuild.1', 'v0.66.0-eksbuild.1']);
  });

  it("refuses CreateAddon while cert-manager is unusable, with the hook's reason", async () => {
    const { eks, sandbox } = await start();
    sandbox.hooks.certManager = 'cert-manager is not installed in the cluster';
    const error = await errorOf(eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot' })));
    expect(error).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
      message: 'cert-manager is not installed in the cluster',
    });
    expect((await eks.send(new ListAddonsCommand({ clusterName: 'demo' }))).addons).toEqual([]);
  });

  it('refuses unknown add-ons and versions that do not fit the cluster', async () => {
    const { eks } = await start();
    const unknownAddon = await errorOf(eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'nope' })));
    expect(unknownAddon.name).toBe('InvalidParameterException');
    const incompatible = await errorOf(
      eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.88.0-eksbuild.1' })),
    );
    expect(incompatible.name).toBe('InvalidParameterException');
    expect(incompatible.message).toContain('v0.88.0-eksbuild.1');
    expect(incompatible.message).toContain('1.22');
    const unknownVersion = await errorOf(
      eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v9.9.9-eksbuild.1' })),
    );
    expect(unknownVersion.name).toBe('InvalidParameterException');
    const noCluster = await errorOf(eks.send(new CreateAddonCommand({ clusterName: 'gone', addonName: 'adot' })));
    expect(noCluster.name).toBe('ResourceNotFoundException');
    const badConfig = await errorOf(
      eks.send(
        new CreateAddonCommand({
          clusterName: 'demo',
          addonName: 'adot',
          addonVersion: 'v0.66.0-eksbuild.1',
          configurationValues: '{"bogus": 1}',
        }),
      ),
    );
    expect(badConfig.name).toBe('InvalidParameterException');
  });

  it('describes a missing add-on like EKS does', async () => {
    const { eks } = await start();
    const error = await errorOf(eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'adot' })));
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      status: 404,
      message: 'No addon: adot found in cluster: demo',
    });
    expect(error.raw.addonName).toBe('adot');
  });

  it('updates an add-on through UPDATING and reports the update', async () => {
    const { eks, sandbox } = await start({
      clusterVersion: '1.24',
      addons: [
        {
          name: 'adot',
          version: 'v0.62.1-eksbuild.1',
          status: 'DEGRADED',
          health: [{ code: 'InsufficientNumberOfReplicas', message: 'not ready' }],
        },
      ],
    });
    const seeded = await addonOf(eks);
    expect(seeded).toMatchObject({
      status: 'DEGRADED',
      health: { issues: [{ code: 'InsufficientNumberOfReplicas', message: 'not ready', resourceIds: [] }] },
    });

    const { update } = await eks.send(
      new UpdateAddonCommand({
        clusterName: 'demo',
        addonName: 'adot',
        addonVersion: 'v0.66.0-eksbuild.1',
        serviceAccountRoleArn: 'arn:aws:iam::111122223333:role/collector',
        resolveConflicts: 'PRESERVE',
        configurationValues: '{"replicaCount": 2}',
      }),
    );
    expect(update).toMatchObject({
      status: 'InProgress',
      type: 'AddonUpdate',
      errors: [],
      params: [
        { type: 'AddonVersion', value: 'v0.66.0-eksbuild.1' },
        { type: 'ServiceAccountRoleArn', value: 'arn:aws:iam::111122223333:role/collector' },
        { type: 'ResolveConflicts', value: 'PRESERVE' },
        { type: 'ConfigurationValues', value: '{"replicaCount": 2}' },
      ],
    });
    expect((await addonOf(eks)).status).toBe('UPDATING');
    const busy = await errorOf(eks.send(new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot' })));
    expect(busy.name).toBe('ResourceInUseException');

    const done = await eventually(
      () => eks.send(new DescribeUpdateCommand({ name: 'demo', updateId: update?.id, addonName: 'adot' })),
      (r) => r.update?.status !== 'InProgress',
    );
    expect(done.update?.status).toBe('Successful');
    expect(await addonOf(eks)).toMatchObject({
      status: 'ACTIVE',
      addonVersion: 'v0.66.0-eksbuild.1',
      serviceAccountRoleArn: 'arn:aws:iam::111122223333:role/collector',
      configurationValues: '{"replicaCount": 2}',
      health: { issues: [] },
    });
    expect(sandbox.hooks.installed).toEqual(['v0.66.0-eksbuild.1']);

    const missing = await errorOf(eks.send(new DescribeUpdateCommand({ name: 'demo', updateId: 'nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('fails an update to an old version without the add-on RBAC', async () => {
    const { eks } = await start({ addons: [{ name: 'adot', version: 'v0.66.0-eksbuild.1' }] });
    const { update } = await eks.send(
      new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.45.0-eksbuild.1' }),
    );
    const done = await eventually(
      () => eks.send(new DescribeUpdateCommand({ name: 'demo', updateId: update?.id })),
      (r) => r.update?.status !== 'InProgress',
    );
    expect(done.update).toMatchObject({ status: 'Failed', errors: [{ errorCode: 'AccessDenied' }] });
    expect(await addonOf(eks)).toMatchObject({
      status: 'UPDATE_FAILED',
      addonVersion: 'v0.66.0-eksbuild.1',
      health: { issues: [{ code: 'AccessDenied' }] },
    });
  });

  it('refuses to update an add-on that is still CREATING', async () => {
    const { eks } = await start({ timing: { addonCreateSeconds: 5 } });
    await eks.send(
      new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.66.0-eksbuild.1' }),
    );
    const error = await errorOf(
      eks.send(new UpdateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.62.1-eksbuild.1' })),
    );
    expect(error).toMatchObject({ name: 'ResourceInUseException', status: 409 });
  });

  it('deletes an add-on: DELETING, then gone with removeAddon called (unless preserved)', async () => {
    const { eks, sandbox } = await start({ addons: [{ name: 'adot', version: 'v0.66.0-eksbuild.1' }] });
    const { addon } = await eks.send(new DeleteAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
    expect(addon?.status).toBe('DELETING');
    expect((await addonOf(eks)).status).toBe('DELETING');
    await eventually(
      () => eks.send(new ListAddonsCommand({ clusterName: 'demo' })),
      (r) => r.addons?.length === 0,
    );
    expect(sandbox.hooks.removed).toBe(1);
    const gone = await errorOf(eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'adot' })));
    expect(gone.name).toBe('ResourceNotFoundException');

    sandbox.hooks.rbac = true;
    await eks.send(
      new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot', addonVersion: 'v0.66.0-eksbuild.1' }),
    );
    await eventually(
      () => addonOf(eks),
      (a) => a.status === 'ACTIVE',
    );
    await eks.send(new DeleteAddonCommand({ clusterName: 'demo', addonName: 'adot', preserve: true }));
    await eventually(
      () => eks.send(new ListAddonsCommand({ clusterName: 'demo' })),
      (r) => r.addons?.length === 0,
    );
    expect(sandbox.hooks.removed).toBe(1);
  });

  it('answers DescribeAddonConfiguration with a JSON schema', async () => {
    const { eks } = await start();
    const answer = await eks.send(
      new DescribeAddonConfigurationCommand({ addonName: 'adot', addonVersion: 'v0.88.0-eksbuild.1' }),
    );
    expect(answer.addonName).toBe('adot');
    const schema = JSON.parse(answer.configurationSchema ?? '') as {
      type: string;
      properties: Record<string, unknown>;
    };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toContain('collector');
    const missing = await errorOf(
      eks.send(new DescribeAddonConfigurationCommand({ addonName: 'adot', addonVersion: 'v1.0.0' })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('throttles with ThrottlingException, and the client retries through', async () => {
    const always = await start({
      faults: [{ service: 'eks', operation: 'ListClusters', status: 429, rate: 1 }],
      maxAttempts: 3,
    });
    const error = await errorOf(always.eks.send(new ListClustersCommand({})));
    expect(error).toMatchObject({ name: 'ThrottlingException', status: 429 });
    expect(always.sandbox.server.requests()).toEqual(
      Array(3).fill({ service: 'eks', operation: 'ListClusters', status: 429 }),
    );
    expect((await always.eks.send(new DescribeClusterCommand({ name: 'demo' }))).cluster?.name).toBe('demo');
    client?.destroy();
    await always.sandbox.close();

    const half = await start({ faults: [{ service: 'eks', status: 429, rate: 0.5 }], randomSeed: 2, maxAttempts: 3 });
    for (let call = 0; call < 6; call += 1) {
      expect((await half.eks.send(new ListClustersCommand({}))).clusters).toEqual(['demo']);
    }
    const statuses = half.sandbox.server.requests().map((r) => r.status);
    // seed 2 throttles five of the eleven requests, never three in a row
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
  });

  it('answers injected server faults with ServerException and ServiceUnavailableException', async () => {
    const { eks } = await start({
      faults: [
        { service: 'eks', operation: 'ListClusters', status: 500, rate: 1 },
        { service: 'eks', operation: 'ListAddons', status: 503, rate: 1 },
      ],
    });
    expect(await errorOf(eks.send(new ListClustersCommand({})))).toMatchObject({
      name: 'ServerException',
      status: 500,
    });
    expect(await errorOf(eks.send(new ListAddonsCommand({ clusterName: 'demo' })))).toMatchObject({
      name: 'ServiceUnavailableException',
      status: 503,
    });
  });

  it('refuses unsigned requests with MissingAuthenticationTokenException', async () => {
    const { sandbox } = await start();
    const response = await fetch(`${sandbox.server.url}/clusters`);
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });
});
