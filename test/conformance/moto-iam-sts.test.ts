import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  ListPoliciesCommand,
  ListPolicyVersionsCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
  type Policy,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTrustPolicy } from '../../src/core/irsa.js';
import { startMotoServer, type MotoServer } from '../helpers/aws-moto.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src/sandbox/seed/identity.js';

const ACCOUNT = '123456789012';
const ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/5C6F2A3B4D5E6F708192A3B4C5D6E7F8';
const ISSUER_HOST = ISSUER.replace('https://', '');
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST}`;
const XRAY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const AMP = 'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess';

function trust(serviceAccount: string) {
  return buildTrustPolicy({ providerArn: PROVIDER_ARN, issuerUrl: ISSUER, namespace: 'aws-otel-eks', serviceAccount });
}

type Step = { step: string; ok: unknown } | { step: string; error: string };

/**
 * The same IAM/STS calls adot makes during install and uninstall, recorded with what legitimately differs between
 * two implementations normalised away: ids, dates, request ids, the caller's user name.
 */
async function script(iam: IAMClient, sts: STSClient): Promise<Step[]> {
  const steps: Step[] = [];
  const run = async (step: string, call: () => Promise<unknown>) => {
    try {
      steps.push({ step, ok: await call() });
    } catch (error) {
      steps.push({ step, error: (error as Error).name });
    }
  };
  const roleName = 'EKS-ADOT-ServiceAccount-Role';
  await run('CreateOpenIDConnectProvider', async () => {
    const answer = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: ISSUER,
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['9e99a48a9960b14926bb7f3b02e22da2b0ab7280'],
      }),
    );
    return answer.OpenIDConnectProviderArn;
  });
  await run('GetOpenIDConnectProvider', async () => {
    const answer = await iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: PROVIDER_ARN }));
    return {
      Url: answer.Url,
      ClientIDList: answer.ClientIDList,
      ThumbprintList: answer.ThumbprintList,
      hasCreateDate: answer.CreateDate instanceof Date,
    };
  });
  await run(
    'ListOpenIDConnectProviders',
    async () => (await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList,
  );
  await run('CreateRole', async () =>
    normaliseRole(
      (
        await iam.send(
          new CreateRoleCommand({
            RoleName: roleName,
            AssumeRolePolicyDocument: JSON.stringify(trust('adot-collector')),
          }),
        )
      ).Role,
    ),
  );
  await run('GetRole', async () => normaliseRole((await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role));
  await run('UpdateAssumeRolePolicy', async () => {
    await iam.send(
      new UpdateAssumeRolePolicyCommand({
        RoleName: roleName,
        PolicyDocument: JSON.stringify(trust('aws-otel-collector')),
      }),
    );
    return normaliseRole((await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role).AssumeRolePolicyDocument;
  });
  await run('AttachRolePolicy xray', () =>
    iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: XRAY })).then(() => 'attached'),
  );
  await run('AttachRolePolicy amp', () =>
    iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: AMP })).then(() => 'attached'),
  );
  await run('ListAttachedRolePolicies', async () => {
    const answer = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    return { AttachedPolicies: sortBy(answer.AttachedPolicies ?? [], 'PolicyArn'), IsTruncated: answer.IsTruncated };
  });
  await run('DetachRolePolicy amp', () =>
    iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: AMP })).then(() => 'detached'),
  );
  await run(
    'ListAttachedRolePolicies after detach',
    async () => (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies,
  );
  await run('DeleteRole with a policy attached', () => iam.send(new DeleteRoleCommand({ RoleName: roleName })));
  await run('GetRole missing', () => iam.send(new GetRoleCommand({ RoleName: 'no-such-role' })));
  await run('CreateRole duplicate', () =>
    iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust('x')) })),
  );
  await run('DetachRolePolicy xray then DeleteRole', async () => {
    await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: XRAY }));
    await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
    return 'deleted';
  });
  await run('GetRole deleted', () => iam.send(new GetRoleCommand({ RoleName: roleName })));
  await run('GetCallerIdentity', async () => {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    // The caller's user name differs (moto: "moto", the sandbox: "adot-sandbox"). moto also reports an IAM user as
    // arn:aws:sts::ACCOUNT:user/NAME where real STS says arn:aws:iam::ACCOUNT:user/NAME (the sandbox follows
    // real STS), so the service part of the ARN is normalised too.
    const arn = identity.Arn?.replace(/^arn:aws:sts::(\d{12}):user\//, 'arn:aws:iam::$1:user/').replace(
      /:user\/.+$/,
      ':user/<name>',
    );
    return { Account: identity.Account, Arn: arn, hasUserId: (identity.UserId ?? '') !== '' };
  });
  return steps;
}

const XRAY_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['xray:PutTraceSegments'], Resource: '*' }],
});
const LOGS_DOCUMENT = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: '*' }],
});

/**
 * Customer managed and inline policies, as a user managing their own policy for the collector would call them.
 * Where moto does not do what IAM documents, the step is left out here and the sandbox keeps IAM's behaviour (see
 * test/integration/aws-iam-policies.test.ts): moto's DeletePolicy neither refuses an attached policy nor one with
 * non-default versions (IAM answers DeleteConflict for both).
 */
async function policyScript(iam: IAMClient): Promise<Step[]> {
  const steps: Step[] = [];
  const run = async (step: string, call: () => Promise<unknown>) => {
    try {
      steps.push({ step, ok: await call() });
    } catch (error) {
      steps.push({ step, error: (error as Error).name });
    }
  };
  const arn = `arn:aws:iam::${ACCOUNT}:policy/adot/adot-xray`;
  await run('CreatePolicy', async () =>
    normalisePolicy(
      (
        await iam.send(
          new CreatePolicyCommand({
            PolicyName: 'adot-xray',
            Path: '/adot/',
            Description: 'X-Ray for the collector',
            PolicyDocument: XRAY_DOCUMENT,
          }),
        )
      ).Policy,
    ),
  );
  await run('CreatePolicy duplicate', () =>
    iam.send(new CreatePolicyCommand({ PolicyName: 'adot-xray', Path: '/adot/', PolicyDocument: XRAY_DOCUMENT })),
  );
  await run('CreatePolicy with a principal', () =>
    iam.send(
      new CreatePolicyCommand({
        PolicyName: 'with-principal',
        PolicyDocument: JSON.stringify({
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }],
        }),
      }),
    ),
  );
  await run('GetPolicy', async () =>
    normalisePolicy((await iam.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy),
  );
  await run('GetPolicyVersion', async () => {
    const version = (await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }))).PolicyVersion;
    return {
      Document: JSON.parse(decodeURIComponent(version?.Document ?? 'null')) as unknown,
      VersionId: version?.VersionId,
      IsDefaultVersion: version?.IsDefaultVersion,
    };
  });
  await run('GetPolicyVersion missing', () =>
    iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v7' })),
  );
  await run('CreatePolicyVersion as default', async () => {
    const version = (
      await iam.send(
        new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: LOGS_DOCUMENT, SetAsDefault: true }),
      )
    ).PolicyVersion;
    return { VersionId: version?.VersionId, IsDefaultVersion: version?.IsDefaultVersion };
  });
  await run('ListPolicyVersions', async () =>
    ((await iam.send(new ListPolicyVersionsCommand({ PolicyArn: arn }))).Versions ?? [])
      .map((version) => ({ VersionId: version.VersionId, IsDefaultVersion: version.IsDefaultVersion }))
      .sort((a, b) => String(a.VersionId).localeCompare(String(b.VersionId))),
  );
  await run('DeletePolicyVersion default', () =>
    iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })),
  );
  await run('DeletePolicyVersion v1', () =>
    iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' })).then(() => 'deleted'),
  );
  await run('ListPolicies Local', async () =>
    ((await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies ?? []).map((policy) => ({
      Arn: policy.Arn,
      DefaultVersionId: policy.DefaultVersionId,
    })),
  );
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  await run('CreateRole for inline policies', () =>
    iam.send(new CreateRoleCommand({ RoleName: 'inline-role', AssumeRolePolicyDocument: trust })).then(() => 'created'),
  );
  await run('PutRolePolicy', () =>
    iam
      .send(new PutRolePolicyCommand({ RoleName: 'inline-role', PolicyName: 'xray', PolicyDocument: XRAY_DOCUMENT }))
      .then(() => 'put'),
  );
  await run('GetRolePolicy', async () => {
    const answer = await iam.send(new GetRolePolicyCommand({ RoleName: 'inline-role', PolicyName: 'xray' }));
    return {
      RoleName: answer.RoleName,
      PolicyName: answer.PolicyName,
      PolicyDocument: JSON.parse(decodeURIComponent(answer.PolicyDocument ?? 'null')) as unknown,
    };
  });
  await run('GetRolePolicy missing', () =>
    iam.send(new GetRolePolicyCommand({ RoleName: 'inline-role', PolicyName: 'nothing' })),
  );
  await run('ListRolePolicies', async () => {
    const answer = await iam.send(new ListRolePoliciesCommand({ RoleName: 'inline-role' }));
    return { PolicyNames: answer.PolicyNames, IsTruncated: answer.IsTruncated };
  });
  await run('DeleteRole with an inline policy', () => iam.send(new DeleteRoleCommand({ RoleName: 'inline-role' })));
  await run('DeleteRolePolicy then DeleteRole', async () => {
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'inline-role', PolicyName: 'xray' }));
    await iam.send(new DeleteRoleCommand({ RoleName: 'inline-role' }));
    return 'deleted';
  });
  await run('DeletePolicy', () => iam.send(new DeletePolicyCommand({ PolicyArn: arn })).then(() => 'deleted'));
  await run('GetPolicy deleted', () => iam.send(new GetPolicyCommand({ PolicyArn: arn })));
  return steps;
}

function normalisePolicy(policy: Policy | undefined) {
  return {
    PolicyName: policy?.PolicyName,
    // IAM's managed policy ids start ANPA (IAM identifiers, "Unique identifiers"); moto's ids are random
    hasPolicyId: (policy?.PolicyId ?? '') !== '',
    Arn: policy?.Arn,
    Path: policy?.Path,
    DefaultVersionId: policy?.DefaultVersionId,
    AttachmentCount: policy?.AttachmentCount,
    IsAttachable: policy?.IsAttachable,
    hasCreateDate: policy?.CreateDate instanceof Date,
  };
}

function normaliseRole(
  role:
    | {
        RoleName?: string;
        Arn?: string;
        Path?: string;
        RoleId?: string;
        CreateDate?: Date;
        AssumeRolePolicyDocument?: string;
        MaxSessionDuration?: number;
      }
    | undefined,
) {
  return {
    RoleName: role?.RoleName,
    Arn: role?.Arn,
    Path: role?.Path,
    RoleIdPrefix: role?.RoleId?.slice(0, 4),
    hasCreateDate: role?.CreateDate instanceof Date,
    // IAM returns the document URL-encoded: compare the decoded JSON
    AssumeRolePolicyDocument: JSON.parse(decodeURIComponent(role?.AssumeRolePolicyDocument ?? 'null')) as unknown,
    MaxSessionDuration: role?.MaxSessionDuration,
  };
}

function sortBy<T>(items: T[], key: keyof T): T[] {
  return [...items].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
}

describe('IAM and STS: the sandbox answers like moto', () => {
  let moto: MotoServer;
  let sandbox: TestAwsSandbox;

  beforeAll(async () => {
    [moto, sandbox] = await Promise.all([startMotoServer(), startTestAwsSandbox({ account: ACCOUNT })]);
  });

  afterAll(async () => {
    await Promise.all([moto?.close(), sandbox?.close()]);
  });

  // moto (started without IAM enforcement) accepts any keys; the sandbox only its own
  const clientsFor = (endpoint: string) => {
    const config = {
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
      maxAttempts: 1,
    };
    return { iam: new IAMClient(config), sts: new STSClient(config) };
  };

  it('runs the same customer managed and inline policy calls with the same results', async () => {
    const onMoto = clientsFor(moto.url);
    const onSandbox = clientsFor(sandbox.server.url);
    try {
      const expected = await policyScript(onMoto.iam);
      const actual = await policyScript(onSandbox.iam);
      expect(actual).toEqual(expected);
      expect(actual.filter((step) => 'error' in step)).toEqual([
        { step: 'CreatePolicy duplicate', error: 'EntityAlreadyExistsException' },
        { step: 'CreatePolicy with a principal', error: 'MalformedPolicyDocumentException' },
        { step: 'GetPolicyVersion missing', error: 'NoSuchEntityException' },
        { step: 'DeletePolicyVersion default', error: 'DeleteConflictException' },
        { step: 'GetRolePolicy missing', error: 'NoSuchEntityException' },
        { step: 'DeleteRole with an inline policy', error: 'DeleteConflictException' },
        { step: 'GetPolicy deleted', error: 'NoSuchEntityException' },
      ]);
    } finally {
      for (const client of [onMoto.iam, onMoto.sts, onSandbox.iam, onSandbox.sts]) client.destroy();
    }
  });

  it('runs the same IAM/STS script with the same results', async () => {
    const onMoto = clientsFor(moto.url);
    const onSandbox = clientsFor(sandbox.server.url);
    try {
      const expected = await script(onMoto.iam, onMoto.sts);
      const actual = await script(onSandbox.iam, onSandbox.sts);
      expect(actual).toEqual(expected);
      // and the script exercised what it should have: errors where IAM has them
      expect(actual.filter((step) => 'error' in step)).toEqual([
        { step: 'DeleteRole with a policy attached', error: 'DeleteConflictException' },
        { step: 'GetRole missing', error: 'NoSuchEntityException' },
        { step: 'CreateRole duplicate', error: 'EntityAlreadyExistsException' },
        { step: 'GetRole deleted', error: 'NoSuchEntityException' },
      ]);
    } finally {
      for (const client of [onMoto.iam, onMoto.sts, onSandbox.iam, onSandbox.sts]) client.destroy();
    }
  });
});
