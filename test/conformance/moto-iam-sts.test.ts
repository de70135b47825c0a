import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTrustPolicy } from '../../src/core/irsa.js';
import { startMotoServer, type MotoServer } from '../helpers/aws-moto.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';

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

  it('runs the same IAM/STS script with the same results', async () => {
    const clientsFor = (endpoint: string) => {
      const config = {
        endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'secret' },
        maxAttempts: 1,
      };
      return { iam: new IAMClient(config), sts: new STSClient(config) };
    };
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
