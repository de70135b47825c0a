import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  paginateListPolicies,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf } from '../helpers/aws-errors.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';

const ACCOUNT = '111122223333';
const XRAY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const document = (actions: string[], resource = '*') =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] });
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

let sandbox: TestAwsSandbox | undefined;
let client: IAMClient | undefined;

async function start(): Promise<IAMClient> {
  sandbox = await startTestAwsSandbox({ account: ACCOUNT });
  client = new IAMClient(sandbox.clientConfig);
  return client;
}

afterEach(async () => {
  client?.destroy();
  await sandbox?.close();
  sandbox = undefined;
  client = undefined;
});

describe('customer managed policies through the real IAM client', () => {
  it('creates, gets and lists a policy; the document comes back URL-encoded and decodes to what was given', async () => {
    const iam = await start();
    const text = document(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
    const created = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'adot-xray',
        Path: '/adot/',
        Description: 'what the collector needs',
        PolicyDocument: text,
        Tags: [{ Key: 'app', Value: 'adot' }],
      }),
    );
    const arn = `arn:aws:iam::${ACCOUNT}:policy/adot/adot-xray`;
    expect(created.Policy).toMatchObject({
      PolicyName: 'adot-xray',
      Arn: arn,
      Path: '/adot/',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      IsAttachable: true,
      Tags: [{ Key: 'app', Value: 'adot' }],
    });
    expect(created.Policy?.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy).toMatchObject({
      Description: 'what the collector needs',
      DefaultVersionId: 'v1',
    });
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    expect(version.PolicyVersion).toMatchObject({ VersionId: 'v1', IsDefaultVersion: true });
    expect(decodeURIComponent(version.PolicyVersion?.Document ?? '')).toBe(text);

    const local = await iam.send(new ListPoliciesCommand({ Scope: 'Local' }));
    expect(local.Policies?.map((policy) => policy.Arn)).toEqual([arn]);
    expect(local.Policies?.[0]?.Description).toBeUndefined();
    const aws = await iam.send(new ListPoliciesCommand({ Scope: 'AWS', MaxItems: 1000 }));
    expect(aws.Policies?.map((policy) => policy.PolicyName)).toContain('AWSXrayWriteOnlyAccess');
    expect(aws.Policies?.some((policy) => policy.Arn === arn)).toBe(false);
    expect((await iam.send(new ListPoliciesCommand({ PathPrefix: '/adot/' }))).Policies).toHaveLength(1);
    expect((await iam.send(new ListPoliciesCommand({ OnlyAttached: true }))).Policies).toEqual([]);
    const pages: string[] = [];
    for await (const page of paginateListPolicies({ client: iam, pageSize: 4 }, {})) {
      expect((page.Policies ?? []).length).toBeLessThanOrEqual(4);
      pages.push(...(page.Policies ?? []).map((policy) => policy.PolicyName ?? ''));
    }
    expect(pages).toHaveLength(aws.Policies!.length + 1);
  });

  it('serves the real document and version id of an AWS managed policy, and refuses to change it', async () => {
    const iam = await start();
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: XRAY, VersionId: 'v2' }));
    expect(JSON.parse(decodeURIComponent(version.PolicyVersion?.Document ?? '{}'))).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AWSXRayDaemonWriteAccess',
          Effect: 'Allow',
          Action: [
            'xray:PutTraceSegments',
            'xray:PutTelemetryRecords',
            'xray:GetSamplingRules',
            'xray:GetSamplingTargets',
            'xray:GetSamplingStatisticSummaries',
          ],
          Resource: ['*'],
        },
      ],
    });
    expect(
      await errorOf(iam.send(new CreatePolicyVersionCommand({ PolicyArn: XRAY, PolicyDocument: document(['s3:*']) }))),
    ).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('keeps up to five versions, switches the default, and deletes only when detached and alone', async () => {
    const iam = await start();
    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'p', PolicyDocument: document(['xray:*']) }),
    );
    const arn = Policy?.Arn ?? '';
    const v2 = await iam.send(
      new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document(['logs:*']), SetAsDefault: true }),
    );
    expect(v2.PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    expect(v2.PolicyVersion?.Document).toBeUndefined();
    for (const _ of [3, 4, 5]) {
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document(['aps:*']) }));
    }
    expect(
      await errorOf(iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: document(['eks:*']) }))),
    ).toEqual({
      name: 'LimitExceededException',
      status: 409,
      message:
        'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    });
    const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(versions.Versions?.map((version) => [version.VersionId, version.IsDefaultVersion])).toEqual([
      ['v5', false],
      ['v4', false],
      ['v3', false],
      ['v2', true],
      ['v1', false],
    ]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.DefaultVersionId).toBe('v2');
    expect(await errorOf(iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })))).toEqual({
      name: 'DeleteConflictException',
      status: 409,
      message: 'Cannot delete the default version of a policy.',
    });
    expect(await errorOf(iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v9' })))).toMatchObject({
      name: 'NoSuchEntityException',
      status: 404,
    });

    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'r', PolicyArn: arn }));
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(1);
    expect((await iam.send(new ListPoliciesCommand({ OnlyAttached: true }))).Policies?.map((p) => p.Arn)).toEqual([
      arn,
    ]);
    expect(await errorOf(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).toEqual({
      name: 'DeleteConflictException',
      status: 409,
      message: 'Cannot delete a policy attached to entities.',
    });
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'r', PolicyArn: arn }));
    expect((await errorOf(iam.send(new DeletePolicyCommand({ PolicyArn: arn })))).message).toBe(
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
    );
    for (const id of ['v1', 'v3', 'v4', 'v5']) {
      await iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: id }));
    }
    await iam.send(new DeletePolicyCommand({ PolicyArn: arn }));
    expect(await errorOf(iam.send(new GetPolicyCommand({ PolicyArn: arn })))).toEqual({
      name: 'NoSuchEntityException',
      status: 404,
      message: `Policy ${arn} was not found.`,
    });
  });

  it('refuses what IAM refuses: duplicates, principals, missing resources, and documents over 6,144 characters', async () => {
    const iam = await start();
    await iam.send(new CreatePolicyCommand({ PolicyName: 'dup', PolicyDocument: document(['xray:*']) }));
    expect(
      await errorOf(iam.send(new CreatePolicyCommand({ PolicyName: 'DUP', PolicyDocument: document(['xray:*']) }))),
    ).toEqual({
      name: 'EntityAlreadyExistsException',
      status: 409,
      message: 'A policy called DUP already exists. Duplicate names are not allowed.',
    });
    const withPrincipal = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: '*', Action: 'xray:*', Resource: '*' }],
    });
    expect(
      await errorOf(iam.send(new CreatePolicyCommand({ PolicyName: 'a', PolicyDocument: withPrincipal }))),
    ).toEqual({
      name: 'MalformedPolicyDocumentException',
      status: 400,
      message: 'Policy document should not specify a principal.',
    });
    const noResource = JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'xray:*' }] });
    expect(
      (await errorOf(iam.send(new CreatePolicyCommand({ PolicyName: 'b', PolicyDocument: noResource })))).message,
    ).toBe('Policy statement must contain resources.');
    const large = document(Array.from({ length: 400 }, (_, index) => `xray:Action${index}`));
    expect(await errorOf(iam.send(new CreatePolicyCommand({ PolicyName: 'c', PolicyDocument: large })))).toEqual({
      name: 'LimitExceededException',
      status: 409,
      message: 'Cannot exceed quota for PolicySize: 6144',
    });
  });
});

describe('inline role policies through the real IAM client', () => {
  it('puts, gets, lists and deletes; DeleteRole refuses while one remains', async () => {
    const iam = await start();
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    const text = document(['aps:RemoteWrite']);
    await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'amp', PolicyDocument: text }));
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'xray', PolicyDocument: document(['xray:*']) }),
    );
    const got = await iam.send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'amp' }));
    expect(got).toMatchObject({ RoleName: 'r', PolicyName: 'amp' });
    expect(decodeURIComponent(got.PolicyDocument ?? '')).toBe(text);
    expect((await iam.send(new ListRolePoliciesCommand({ RoleName: 'r' }))).PolicyNames).toEqual(['amp', 'xray']);
    expect(await errorOf(iam.send(new DeleteRoleCommand({ RoleName: 'r' })))).toEqual({
      name: 'DeleteConflictException',
      status: 409,
      message: 'Cannot delete entity, must delete policies first.',
    });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'amp' }));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'xray' }));
    expect(await errorOf(iam.send(new GetRolePolicyCommand({ RoleName: 'r', PolicyName: 'amp' })))).toEqual({
      name: 'NoSuchEntityException',
      status: 404,
      message: 'The role policy with name amp cannot be found.',
    });
    await iam.send(new DeleteRoleCommand({ RoleName: 'r' }));
  });

  it("refuses more than 10,240 characters of inline policies on one role, with IAM's message", async () => {
    const iam = await start();
    await iam.send(new CreateRoleCommand({ RoleName: 'r', AssumeRolePolicyDocument: TRUST }));
    const half = document(Array.from({ length: 330 }, (_, index) => `xray:Action${index}`));
    await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'one', PolicyDocument: half }));
    // replacing a policy counts its new size, not both
    await iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'one', PolicyDocument: half }));
    expect(
      await errorOf(iam.send(new PutRolePolicyCommand({ RoleName: 'r', PolicyName: 'two', PolicyDocument: half }))),
    ).toEqual({
      name: 'LimitExceededException',
      status: 409,
      message: 'Maximum policy size of 10240 bytes exceeded for role r',
    });
  });
});
