import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  ListRolesCommand,
  paginateListRoles,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTrustPolicy } from '../../src/core/irsa.js';
import { errorOf } from '../helpers/aws-errors.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';

const ISSUER_HOST = 'oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const PROVIDER_ARN = `arn:aws:iam::111122223333:oidc-provider/${ISSUER_HOST}`;
const trustPolicy = buildTrustPolicy({
  providerArn: PROVIDER_ARN,
  issuerUrl: `https://${ISSUER_HOST}`,
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
});
const XRAY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const AMP = 'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess';

let sandbox: TestAwsSandbox | undefined;
let client: IAMClient | undefined;

async function start(
  options: Parameters<typeof startTestAwsSandbox>[0] = {},
): Promise<{ sandbox: TestAwsSandbox; iam: IAMClient }> {
  sandbox = await startTestAwsSandbox(options);
  client = new IAMClient(sandbox.clientConfig);
  return { sandbox, iam: client };
}

afterEach(async () => {
  client?.destroy();
  await sandbox?.close();
  sandbox = undefined;
  client = undefined;
});

async function createRole(iam: IAMClient, name = 'EKS-ADOT-ServiceAccount-Role') {
  return iam.send(
    new CreateRoleCommand({
      RoleName: name,
      AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
      Description: 'ADOT collector',
      Tags: [{ Key: 'app', Value: 'adot' }],
    }),
  );
}

describe('IAM emulator through the real IAM client', () => {
  it('creates and gets a role, its trust policy URL-encoded as IAM returns it', async () => {
    const { iam } = await start();
    const created = await createRole(iam);
    expect(created.Role).toMatchObject({
      Path: '/',
      RoleName: 'EKS-ADOT-ServiceAccount-Role',
      Arn: 'arn:aws:iam::111122223333:role/EKS-ADOT-ServiceAccount-Role',
      Description: 'ADOT collector',
      MaxSessionDuration: 3600,
      Tags: [{ Key: 'app', Value: 'adot' }],
    });
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(created.Role?.CreateDate).toBeInstanceOf(Date);

    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role' }));
    expect(Role?.RoleId).toBe(created.Role?.RoleId);
    expect(Role?.AssumeRolePolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? ''))).toEqual(trustPolicy);
  });

  it('surfaces NoSuchEntity, EntityAlreadyExists, MalformedPolicyDocument and ValidationError', async () => {
    const { iam } = await start();
    expect(await errorOf(iam.send(new GetRoleCommand({ RoleName: 'missing' })))).toEqual({
      name: 'NoSuchEntityException',
      status: 404,
      message: 'The role with name missing cannot be found.',
    });
    await createRole(iam);
    expect(await errorOf(createRole(iam))).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
    expect(
      await errorOf(iam.send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: '{not json' }))),
    ).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
    expect(
      await errorOf(
        iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', PolicyDocument: '[]' })),
      ),
    ).toMatchObject({ name: 'MalformedPolicyDocumentException' });
    expect(
      await errorOf(
        iam.send(
          new CreateRoleCommand({ RoleName: 'has space', AssumeRolePolicyDocument: JSON.stringify(trustPolicy) }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationError', status: 400 });
  });

  it('updates the trust policy', async () => {
    const { iam } = await start();
    await createRole(iam);
    const changed = {
      ...trustPolicy,
      Statement: [
        {
          ...trustPolicy.Statement[0],
          Condition: { StringLike: { [`${ISSUER_HOST}:sub`]: 'system:serviceaccount:*' } },
        },
      ],
    };
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: 'EKS-ADOT-ServiceAccount-Role',
        PolicyDocument: JSON.stringify(changed),
      }),
    );
    const { Role } = await iam.send(new GetRoleCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role' }));
    expect(JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? ''))).toEqual(changed);
  });

  it('attaches, lists, detaches managed policies; DeleteRole conflicts while any is attached', async () => {
    const { iam } = await start();
    await createRole(iam);
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', PolicyArn: XRAY }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', PolicyArn: AMP }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', PolicyArn: XRAY }));
    const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role' }));
    expect(listed.AttachedPolicies).toEqual([
      { PolicyName: 'AWSXRayDaemonWriteAccess', PolicyArn: XRAY },
      { PolicyName: 'AmazonPrometheusRemoteWriteAccess', PolicyArn: AMP },
    ]);
    expect(listed.IsTruncated).toBe(false);

    const paged = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', MaxItems: 1 }),
    );
    expect(paged).toMatchObject({ IsTruncated: true, AttachedPolicies: [{ PolicyArn: XRAY }] });
    const rest = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', Marker: paged.Marker }),
    );
    expect(rest).toMatchObject({ IsTruncated: false, AttachedPolicies: [{ PolicyArn: AMP }] });

    expect(await errorOf(iam.send(new DeleteRoleCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role' })))).toMatchObject({
      name: 'DeleteConflictException',
      status: 409,
    });
    expect(
      await errorOf(
        iam.send(
          new AttachRolePolicyCommand({
            RoleName: 'EKS-ADOT-ServiceAccount-Role',
            PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy',
          }),
        ),
      ),
    ).toMatchObject({ name: 'NoSuchEntityException', status: 404 });

    await iam.send(new DetachRolePolicyCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', PolicyArn: XRAY }));
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', PolicyArn: AMP }));
    expect(
      await errorOf(
        iam.send(new DetachRolePolicyCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', PolicyArn: AMP })),
      ),
    ).toMatchObject({
      name: 'NoSuchEntityException',
    });
    await iam.send(new DeleteRoleCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role' }));
    expect((await errorOf(iam.send(new GetRoleCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role' })))).name).toBe(
      'NoSuchEntityException',
    );
  });

  it('describes AWS managed policies with their attachment count', async () => {
    const { iam } = await start();
    await createRole(iam);
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role', PolicyArn: XRAY }));
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: XRAY }));
    expect(Policy).toMatchObject({
      PolicyName: 'AWSXRayDaemonWriteAccess',
      Arn: XRAY,
      Path: '/',
      AttachmentCount: 1,
      IsAttachable: true,
      // the policy's real default version (AWS Managed Policy Reference: AWSXRayDaemonWriteAccess v2)
      DefaultVersionId: 'v2',
    });
    expect(Policy?.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    for (const name of [
      'CloudWatchAgentServerPolicy',
      'AmazonEKSClusterPolicy',
      'AmazonEKSWorkerNodePolicy',
      'AmazonEC2ContainerRegistryReadOnly',
      'ReadOnlyAccess',
      'AdministratorAccess',
    ]) {
      expect(
        (await iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::aws:policy/${name}` }))).Policy
          ?.AttachmentCount,
      ).toBe(0);
    }
    expect((await errorOf(iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/Nope' })))).name).toBe(
      'NoSuchEntityException',
    );
  });

  it('lists roles page by page and tags them', async () => {
    const { iam } = await start();
    for (const name of ['b-role', 'a-role', 'c-role']) await createRole(iam, name);
    const names: string[] = [];
    for await (const page of paginateListRoles({ client: iam, pageSize: 2 }, {}))
      names.push(...(page.Roles ?? []).map((r) => r.RoleName ?? ''));
    expect(names).toEqual(['a-role', 'b-role', 'c-role']);
    const firstPage = await iam.send(new ListRolesCommand({ MaxItems: 2 }));
    expect(firstPage.IsTruncated).toBe(true);
    expect(firstPage.Roles?.[0]?.AssumeRolePolicyDocument).toMatch(/^%7B/);

    await iam.send(
      new TagRoleCommand({
        RoleName: 'a-role',
        Tags: [
          { Key: 'app', Value: 'other' },
          { Key: 'team', Value: 'obs' },
        ],
      }),
    );
    expect((await iam.send(new GetRoleCommand({ RoleName: 'a-role' }))).Role?.Tags).toEqual([
      { Key: 'app', Value: 'other' },
      { Key: 'team', Value: 'obs' },
    ]);
    expect((await errorOf(iam.send(new TagRoleCommand({ RoleName: 'zzz', Tags: [] })))).name).toBe(
      'NoSuchEntityException',
    );
  });

  it('manages OpenID Connect providers', async () => {
    const { iam } = await start();
    const created = await iam.send(
      new CreateOpenIDConnectProviderCommand({ Url: `https://${ISSUER_HOST}`, ClientIDList: ['sts.amazonaws.com'] }),
    );
    expect(created.OpenIDConnectProviderArn).toBe(PROVIDER_ARN);
    const provider = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }));
    expect(provider).toMatchObject({
      Url: ISSUER_HOST,
      ClientIDList: ['sts.amazonaws.com'],
      ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
    });
    expect(provider.CreateDate).toBeInstanceOf(Date);
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([
      { Arn: PROVIDER_ARN },
    ]);
    expect(
      await errorOf(
        iam.send(
          new CreateOpenIDConnectProviderCommand({
            Url: `https://${ISSUER_HOST}`,
            ClientIDList: ['sts.amazonaws.com'],
          }),
        ),
      ),
    ).toMatchObject({ name: 'EntityAlreadyExistsException', status: 409 });
    await iam.send(new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }));
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([]);
    expect(
      (await errorOf(iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN })))).name,
    ).toBe('NoSuchEntityException');
  });

  it('preloads providers and roles from a seed', async () => {
    const { iam, sandbox } = await start();
    sandbox.iam.seed({
      oidcProviders: [{ url: `https://${ISSUER_HOST}`, clientIds: ['sts.amazonaws.com'] }],
      roles: [
        { name: 'EKS-ADOT-ServiceAccount-Role', assumeRolePolicyDocument: trustPolicy, attachedPolicies: [XRAY] },
      ],
    });
    expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toEqual([
      { Arn: PROVIDER_ARN },
    ]);
    expect(
      (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role' })))
        .AttachedPolicies,
    ).toEqual([{ PolicyName: 'AWSXRayDaemonWriteAccess', PolicyArn: XRAY }]);
  });

  it('throttles with code Throttling, and the client retries through', async () => {
    const always = await start({
      faults: [{ service: 'iam', operation: 'ListRoles', status: 429, rate: 1 }],
      maxAttempts: 2,
    });
    expect(await errorOf(always.iam.send(new ListRolesCommand({})))).toMatchObject({ name: 'Throttling', status: 400 });
    expect(always.sandbox.server.requests()).toEqual(
      Array(2).fill({ service: 'iam', operation: 'ListRoles', status: 400 }),
    );
    client?.destroy();
    await always.sandbox.close();

    const half = await start({ faults: [{ service: 'iam', status: 429, rate: 0.5 }], randomSeed: 2, maxAttempts: 3 });
    for (let call = 0; call < 6; call += 1) expect((await half.iam.send(new ListRolesCommand({}))).Roles).toEqual([]);
    expect(half.sandbox.server.requests().filter((r) => r.status === 400)).toHaveLength(5);
  });

  it('answers server faults with InternalFailure and ServiceUnavailable, and refuses unsigned calls', async () => {
    const { iam, sandbox } = await start({
      faults: [
        { service: 'iam', operation: 'ListRoles', status: 500, rate: 1 },
        { service: 'iam', operation: 'ListOpenIDConnectProviders', status: 503, rate: 1 },
      ],
    });
    expect(await errorOf(iam.send(new ListRolesCommand({})))).toMatchObject({ name: 'InternalFailure', status: 500 });
    expect(await errorOf(iam.send(new ListOpenIDConnectProvidersCommand({})))).toMatchObject({
      name: 'ServiceUnavailable',
      status: 503,
    });
    const unsigned = await fetch(sandbox.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetRole&Version=2010-05-08&RoleName=x',
    });
    expect(unsigned.status).toBe(403);
    const body = await unsigned.text();
    expect(body).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(body).toContain('<Type>Sender</Type>');
  });
});
