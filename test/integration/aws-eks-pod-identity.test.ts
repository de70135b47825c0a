import {
  CreatePodIdentityAssociationCommand,
  DeletePodIdentityAssociationCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListPodIdentityAssociationsCommand,
  paginateListPodIdentityAssociations,
  UpdatePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf } from '../helpers/aws-errors.js';
import { startTestAwsSandbox, type TestAwsSandbox, type TestAwsSandboxOptions } from '../helpers/aws-sandbox.js';

const ACCOUNT = '111122223333';
const POD_IDENTITY_TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
};
const roleArn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

let sandbox: TestAwsSandbox | undefined;
let client: EKSClient | undefined;

async function start(options: TestAwsSandboxOptions = {}): Promise<{ sandbox: TestAwsSandbox; eks: EKSClient }> {
  sandbox = await startTestAwsSandbox(options);
  client = new EKSClient(sandbox.clientConfig);
  createRole(sandbox, 'collector', POD_IDENTITY_TRUST);
  createRole(sandbox, 'other', POD_IDENTITY_TRUST);
  return { sandbox, eks: client };
}

function createRole(target: TestAwsSandbox, name: string, trust: unknown): void {
  target.iam.createRole({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) });
}

afterEach(async () => {
  client?.destroy();
  await sandbox?.close();
  sandbox = undefined;
  client = undefined;
});

describe('EKS Pod Identity associations through the real EKS client', () => {
  it('creates, describes, lists, updates and deletes an association in the model shapes', async () => {
    const { eks } = await start();
    const created = await eks.send(
      new CreatePodIdentityAssociationCommand({
        clusterName: 'demo',
        namespace: 'aws-otel-eks',
        serviceAccount: 'aws-otel-collector',
        roleArn: roleArn('collector'),
        tags: { team: 'observability' },
      }),
    );
    const association = created.association;
    expect(association).toMatchObject({
      clusterName: 'demo',
      namespace: 'aws-otel-eks',
      serviceAccount: 'aws-otel-collector',
      roleArn: roleArn('collector'),
      tags: { team: 'observability' },
      disableSessionTags: false,
    });
    expect(association?.associationId).toMatch(/^a-[a-z0-9]{17}$/);
    expect(association?.associationArn).toBe(
      `arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/demo/${association?.associationId}`,
    );
    expect(association?.createdAt).toBeInstanceOf(Date);
    expect(association?.ownerArn).toBeUndefined();
    const id = association?.associationId ?? '';

    const described = await eks.send(
      new DescribePodIdentityAssociationCommand({ clusterName: 'demo', associationId: id }),
    );
    expect(described.association).toEqual(association);

    const listed = await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo' }));
    expect(listed.associations).toEqual([
      {
        clusterName: 'demo',
        namespace: 'aws-otel-eks',
        serviceAccount: 'aws-otel-collector',
        associationArn: association?.associationArn,
        associationId: id,
      },
    ]);
    expect(listed.nextToken).toBeUndefined();

    const updated = await eks.send(
      new UpdatePodIdentityAssociationCommand({
        clusterName: 'demo',
        associationId: id,
        roleArn: roleArn('other'),
        targetRoleArn: 'arn:aws:iam::444455556666:role/target',
      }),
    );
    expect(updated.association).toMatchObject({ associationId: id, roleArn: roleArn('other') });
    expect(updated.association?.targetRoleArn).toBe('arn:aws:iam::444455556666:role/target');
    expect(updated.association?.externalId).toEqual(expect.any(String));
    expect(updated.association?.modifiedAt?.getTime()).toBeGreaterThanOrEqual(association?.createdAt?.getTime() ?? 0);

    const deleted = await eks.send(new DeletePodIdentityAssociationCommand({ clusterName: 'demo', associationId: id }));
    expect(deleted.association?.associationId).toBe(id);
    expect((await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo' }))).associations).toEqual([]);
  });

  it('filters by namespace and service account and pages with maxResults and nextToken', async () => {
    const { eks } = await start();
    const accounts = ['a', 'b', 'c', 'd', 'e'];
    for (const account of accounts) {
      await eks.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: 'demo',
          namespace: account === 'e' ? 'other' : 'apps',
          serviceAccount: account,
          roleArn: roleArn('collector'),
        }),
      );
    }
    const inApps = await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo', namespace: 'apps' }));
    expect(inApps.associations?.map((entry) => entry.serviceAccount)).toEqual(['a', 'b', 'c', 'd']);
    const one = await eks.send(
      new ListPodIdentityAssociationsCommand({ clusterName: 'demo', namespace: 'apps', serviceAccount: 'c' }),
    );
    expect(one.associations?.map((entry) => entry.serviceAccount)).toEqual(['c']);

    const first = await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo', maxResults: 2 }));
    expect(first.associations).toHaveLength(2);
    expect(first.nextToken).toEqual(expect.any(String));
    const seen: string[] = [];
    for await (const page of paginateListPodIdentityAssociations(
      { client: eks, pageSize: 2 },
      { clusterName: 'demo' },
    )) {
      seen.push(...(page.associations ?? []).map((entry) => entry.serviceAccount ?? ''));
    }
    expect(seen).toEqual(accounts);
    const tooMany = await errorOf(
      eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo', maxResults: 101 })),
    );
    expect(tooMany).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });

  it('answers a duplicate namespace/service account pair with ResourceInUseException naming the association', async () => {
    const { eks } = await start();
    const input = { clusterName: 'demo', namespace: 'apps', serviceAccount: 'web', roleArn: roleArn('collector') };
    const first = await eks.send(new CreatePodIdentityAssociationCommand(input));
    const again = await errorOf(
      eks.send(new CreatePodIdentityAssociationCommand({ ...input, roleArn: roleArn('other') })),
    );
    expect(again).toEqual({
      name: 'ResourceInUseException',
      status: 409,
      message: `Association already exists: ${first.association?.associationId}`,
    });
  });

  it('is idempotent for a repeated clientRequestToken and refuses the token with other parameters', async () => {
    const { eks } = await start();
    const input = {
      clusterName: 'demo',
      namespace: 'apps',
      serviceAccount: 'web',
      roleArn: roleArn('collector'),
      clientRequestToken: 'token-1',
    };
    const first = await eks.send(new CreatePodIdentityAssociationCommand(input));
    const replayed = await eks.send(new CreatePodIdentityAssociationCommand(input));
    expect(replayed.association?.associationId).toBe(first.association?.associationId);
    const misused = await errorOf(
      eks.send(new CreatePodIdentityAssociationCommand({ ...input, serviceAccount: 'api' })),
    );
    expect(misused).toMatchObject({ name: 'InvalidParameterException', status: 400 });
  });

  it('checks the role as EKS does: it must exist, be in the account and trust pods.eks.amazonaws.com', async () => {
    const { sandbox, eks } = await start();
    const create = (overrides: Record<string, unknown>) =>
      errorOf(
        eks.send(
          new CreatePodIdentityAssociationCommand({
            clusterName: 'demo',
            namespace: 'apps',
            serviceAccount: 'web',
            roleArn: roleArn('collector'),
            ...overrides,
          }),
        ),
      );
    expect(await create({ roleArn: roleArn('missing') })).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Role provided in the request does not exist.',
    });
    createRole(sandbox, 'irsa-only', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/x' },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
    });
    expect(await create({ roleArn: roleArn('irsa-only') })).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message: 'Trust policy of the role provided is invalid.',
    });
    createRole(sandbox, 'no-tag-session', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect((await create({ roleArn: roleArn('no-tag-session') })).message).toBe(
      'Trust policy of the role provided is invalid.',
    );
    // without session tags, sts:TagSession is not needed
    const untagged = await eks.send(
      new CreatePodIdentityAssociationCommand({
        clusterName: 'demo',
        namespace: 'apps',
        serviceAccount: 'web',
        roleArn: roleArn('no-tag-session'),
        disableSessionTags: true,
      }),
    );
    expect(untagged.association?.disableSessionTags).toBe(true);
    expect(await create({ serviceAccount: 'api', roleArn: 'arn:aws:iam::444455556666:role/collector' })).toMatchObject({
      name: 'InvalidParameterException',
      status: 400,
    });
    expect(await create({ serviceAccount: 'api', roleArn: 'not-an-arn' })).toMatchObject({
      name: 'InvalidParameterException',
    });
    expect(await create({ serviceAccount: 'api', policy: '{"Version":"2012-10-17","Statement":[]}' })).toMatchObject({
      name: 'InvalidParameterException',
    });
    const tags = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, 'v']));
    expect(await create({ serviceAccount: 'api', tags })).toMatchObject({ name: 'InvalidParameterException' });
  });

  it('answers unknown clusters and associations, and malformed ids, as EKS does', async () => {
    const { eks } = await start();
    expect(
      await errorOf(
        eks.send(
          new CreatePodIdentityAssociationCommand({
            clusterName: 'nope',
            namespace: 'apps',
            serviceAccount: 'web',
            roleArn: roleArn('collector'),
          }),
        ),
      ),
    ).toEqual({ name: 'ResourceNotFoundException', status: 404, message: 'No cluster found for name: nope.' });
    expect(
      await errorOf(eks.send(new DeletePodIdentityAssociationCommand({ clusterName: 'demo', associationId: 'a-123' }))),
    ).toEqual({
      name: 'InvalidParameterException',
      status: 400,
      message: 'The parameter associationId should be 19 characters long.',
    });
    for (const command of [
      new DescribePodIdentityAssociationCommand({ clusterName: 'demo', associationId: 'a-aaaaaaaaaaaaaaaaa' }),
      new UpdatePodIdentityAssociationCommand({
        clusterName: 'demo',
        associationId: 'a-aaaaaaaaaaaaaaaaa',
        roleArn: roleArn('collector'),
      }),
      new DeletePodIdentityAssociationCommand({ clusterName: 'demo', associationId: 'a-aaaaaaaaaaaaaaaaa' }),
    ]) {
      expect(await errorOf(eks.send(command as never))).toMatchObject({
        name: 'ResourceNotFoundException',
        status: 404,
      });
    }
  });

  it('refuses to create associations while the cluster is not ACTIVE (InvalidRequestException)', async () => {
    const { eks } = await start({ clusterStatus: 'CREATING' });
    const refused = await errorOf(
      eks.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: 'demo',
          namespace: 'apps',
          serviceAccount: 'web',
          roleArn: roleArn('collector'),
        }),
      ),
    );
    expect(refused).toEqual({
      name: 'InvalidRequestException',
      status: 400,
      message: 'Cluster demo is not in ACTIVE state',
    });
  });

  it('refuses an update that changes nothing and one whose new role is not usable', async () => {
    const { eks } = await start();
    const created = await eks.send(
      new CreatePodIdentityAssociationCommand({
        clusterName: 'demo',
        namespace: 'apps',
        serviceAccount: 'web',
        roleArn: roleArn('collector'),
      }),
    );
    const associationId = created.association?.associationId ?? '';
    expect(
      await errorOf(eks.send(new UpdatePodIdentityAssociationCommand({ clusterName: 'demo', associationId }))),
    ).toMatchObject({ name: 'InvalidParameterException', status: 400 });
    expect(
      await errorOf(
        eks.send(
          new UpdatePodIdentityAssociationCommand({ clusterName: 'demo', associationId, roleArn: roleArn('gone') }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterException', message: 'Role provided in the request does not exist.' });
  });

  it('holds at most 1000 associations per cluster (ResourceLimitExceededException)', async () => {
    const { sandbox, eks } = await start();
    for (let index = 0; index < 1000; index += 1) {
      sandbox.eks.createPodIdentityAssociation('demo', {
        namespace: 'bulk',
        serviceAccount: `sa-${index}`,
        roleArn: roleArn('collector'),
      });
    }
    const over = await errorOf(
      eks.send(
        new CreatePodIdentityAssociationCommand({
          clusterName: 'demo',
          namespace: 'bulk',
          serviceAccount: 'one-more',
          roleArn: roleArn('collector'),
        }),
      ),
    );
    expect(over).toMatchObject({ name: 'ResourceLimitExceededException', status: 400 });
  });

  it('lists seeded associations, keeping a seeded id', async () => {
    const { eks } = await start({
      podIdentityAssociations: [
        { namespace: 'apps', serviceAccount: 'web', roleArn: roleArn('collector'), id: 'a-0123456789abcdefg' },
      ],
    });
    const described = await eks.send(
      new DescribePodIdentityAssociationCommand({ clusterName: 'demo', associationId: 'a-0123456789abcdefg' }),
    );
    expect(described.association).toMatchObject({
      namespace: 'apps',
      serviceAccount: 'web',
      disableSessionTags: false,
    });
  });
});
