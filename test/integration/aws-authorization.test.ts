import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, GetRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import snappy from 'snappy';
import { afterEach, describe, expect, it } from 'vitest';
import { apsService, ApsState } from '../../src/sandbox/aws/aps/index.js';
import { LogsState, logsService } from '../../src/sandbox/aws/logs/index.js';
import { xrayService, XRaySampling, XRayState } from '../../src/sandbox/aws/xray/index.js';
import { errorOf } from '../helpers/aws-errors.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';
import { signedFetch, type SigningCredentials } from '../helpers/aws-signed-fetch.js';
import { segment } from '../helpers/collector-segments.js';

const ACCOUNT = '111122223333';
const ROLE = 'collector';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/test`;
const WORKSPACE = 'ws-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d';
const GROUP = '/aws/containerinsights/demo/prometheus';
const XRAY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
/** a trust policy that lets the account's principals (the sandbox user, an administrator) assume the role */
const TRUST_ACCOUNT = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' }],
};

interface World {
  sandbox: TestAwsSandbox;
  xray: XRayState;
  logs: LogsState;
  aps: ApsState;
  clock: { now: number };
}

let world: World | undefined;
const clients: { destroy(): void }[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  world?.aps.workspaces.close();
  await world?.sandbox.close();
  world = undefined;
});

async function start(): Promise<World> {
  const clock = { now: Date.now() };
  const xray = new XRayState();
  const logs = new LogsState(ACCOUNT, 'us-east-1');
  const aps = new ApsState({ account: ACCOUNT, region: 'us-east-1', workspaceCreateSeconds: 0 });
  aps.workspaces.seed({ workspaceId: WORKSPACE });
  logs.createLogGroup(GROUP);
  logs.createLogStream(GROUP, 's1');
  logs.createLogGroup('/other');
  logs.createLogStream('/other', 's1');
  const sandbox = await startTestAwsSandbox({
    account: ACCOUNT,
    services: [xrayService(xray, new XRaySampling(ACCOUNT, 'us-east-1')), logsService(logs), apsService(aps)],
    now: () => clock.now,
  });
  world = { sandbox, xray, logs, aps, clock };
  return world;
}

function policy(...statements: Record<string, unknown>[]) {
  return { Version: '2012-10-17', Statement: statements };
}

/** The role `collector` with these policies, assumed by the sandbox user: the session's credentials. */
async function session(
  target: World,
  setup: { attached?: string[]; inline?: Record<string, object> } = {},
): Promise<SigningCredentials> {
  target.sandbox.iam.seed({
    roles: [
      {
        name: ROLE,
        assumeRolePolicyDocument: TRUST_ACCOUNT,
        attachedPolicies: setup.attached ?? [],
        inlinePolicies: setup.inline ?? {},
      },
    ],
  });
  const sts = new STSClient(target.sandbox.clientConfig);
  clients.push(sts);
  const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 'test' }));
  return {
    accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
    secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
    sessionToken: assumed.Credentials?.SessionToken ?? '',
  };
}

function as<T extends { destroy(): void }>(
  target: World,
  Client: new (config: object) => T,
  credentials: SigningCredentials,
): T {
  const client = new Client({ ...target.sandbox.clientConfig, credentials });
  clients.push(client);
  return client;
}

const putSegment = (xray: XRayClient) =>
  xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: [JSON.stringify(segment())] }));
const putEvent = (logs: CloudWatchLogsClient, group = GROUP) =>
  logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: 's1',
      logEvents: [{ timestamp: Date.now(), message: 'hello' }],
    }),
  );

describe('the data path refuses what IAM would refuse', () => {
  it('a role with AWSXRayDaemonWriteAccess writes segments, and is refused PutLogEvents with no event stored', async () => {
    const target = await start();
    const credentials = await session(target, { attached: [XRAY] });
    await putSegment(as(target, XRayClient, credentials));
    expect(target.xray.segmentCount()).toBe(1);

    const logs = as(target, CloudWatchLogsClient, credentials);
    const refused = await errorOf(putEvent(logs));
    expect(refused).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: `User: ${SESSION_ARN} is not authorized to perform: logs:PutLogEvents on resource: arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${GROUP}:log-stream:s1 because no identity-based policy allows the logs:PutLogEvents action`,
    });
    expect(target.logs.streamEvents(GROUP, 's1', {})).toEqual([]);
    expect(target.sandbox.server.requests().slice(-2)).toEqual([
      { service: 'xray', operation: 'PutTraceSegments', status: 200 },
      { service: 'logs', operation: 'PutLogEvents', status: 400 },
    ]);
  });

  it('a role without X-Ray permissions is refused PutTraceSegments (403) and nothing is stored', async () => {
    const target = await start();
    const credentials = await session(target, {
      inline: { logs: policy({ Effect: 'Allow', Action: 'logs:*', Resource: '*' }) },
    });
    const refused = await errorOf(putSegment(as(target, XRayClient, credentials)));
    expect(refused).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(refused.message).toBe(
      `User: ${SESSION_ARN} is not authorized to perform: xray:PutTraceSegments on resource: * because no identity-based policy allows the xray:PutTraceSegments action`,
    );
    expect(target.xray.segmentCount()).toBe(0);
  });

  it('an explicit Deny wins over the managed policy, with the explicit-deny message', async () => {
    const target = await start();
    const credentials = await session(target, {
      attached: [XRAY],
      inline: { 'no-traces': policy({ Effect: 'Deny', Action: 'xray:PutTraceSegments', Resource: '*' }) },
    });
    const refused = await errorOf(putSegment(as(target, XRayClient, credentials)));
    expect(refused.message).toBe(
      `User: ${SESSION_ARN} is not authorized to perform: xray:PutTraceSegments on resource: * with an explicit deny in an identity-based policy`,
    );
    expect(target.xray.segmentCount()).toBe(0);
  });

  it('a resource-restricted logs policy reaches its log group and no other; a customer managed policy counts', async () => {
    const target = await start();
    target.sandbox.iam.createPolicy({
      PolicyName: 'container-insights',
      PolicyDocument: JSON.stringify(
        policy({
          Effect: 'Allow',
          Action: ['logs:PutLogEvents', 'logs:CreateLogStream'],
          Resource: `arn:aws:logs:*:${ACCOUNT}:log-group:/aws/containerinsights/*`,
        }),
      ),
    });
    const credentials = await session(target, { attached: [`arn:aws:iam::${ACCOUNT}:policy/container-insights`] });
    const logs = as(target, CloudWatchLogsClient, credentials);
    await putEvent(logs);
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's2' }));
    expect(target.logs.streamEvents(GROUP, 's1', {})).toHaveLength(1);
    expect(await errorOf(putEvent(logs, '/other'))).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    const createGroup = await errorOf(
      logs.send(new CreateLogGroupCommand({ logGroupName: '/aws/containerinsights/x' })),
    );
    expect(createGroup.message).toContain(
      `logs:CreateLogGroup on resource: arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/containerinsights/x:log-stream:`,
    );
    expect(target.logs.streamEvents('/other', 's1', {})).toEqual([]);
  });

  it('the policy a session is judged by is the current one: a new default version changes the answer', async () => {
    const target = await start();
    const created = target.sandbox.iam.createPolicy({
      PolicyName: 'xray-writer',
      PolicyDocument: JSON.stringify(policy({ Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: '*' })),
    });
    const credentials = await session(target, { attached: [created.Arn] });
    const xray = as(target, XRayClient, credentials);
    await putSegment(xray);
    target.sandbox.iam.createPolicyVersion(
      created.Arn,
      JSON.stringify(policy({ Effect: 'Allow', Action: 'xray:GetSamplingRules', Resource: '*' })),
      true,
    );
    expect(await errorOf(putSegment(xray))).toMatchObject({ name: 'AccessDeniedException' });
    expect(target.xray.segmentCount()).toBe(1);
  });

  it('AMP remote write needs aps:RemoteWrite on the workspace; refused writes store no sample', async () => {
    const target = await start();
    const body = snappy.compressSync(Buffer.alloc(0));
    const write = (credentials: SigningCredentials) =>
      signedFetch(
        target.sandbox.server.url,
        { service: 'aps', region: 'us-east-1', credentials },
        {
          method: 'POST',
          path: `/workspaces/${WORKSPACE}/api/v1/remote_write`,
          headers: { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf' },
          body,
        },
      );
    const xrayOnly = await session(target, { attached: [XRAY] });
    const refused = await write(xrayOnly);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(((await refused.json()) as { message: string }).message).toBe(
      `User: ${SESSION_ARN} is not authorized to perform: aps:RemoteWrite on resource: arn:aws:aps:us-east-1:${ACCOUNT}:workspace/${WORKSPACE} because no identity-based policy allows the aps:RemoteWrite action`,
    );
    target.sandbox.iam.attachRolePolicy(ROLE, 'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess');
    expect((await write(xrayOnly)).status).toBe(204);
  });

  it('session tags reach policies as aws:PrincipalTag (as EKS Pod Identity passes them)', async () => {
    const target = await start();
    target.sandbox.iam.seed({
      roles: [
        {
          name: ROLE,
          assumeRolePolicyDocument: TRUST_ACCOUNT,
          inlinePolicies: {
            scoped: policy({
              Effect: 'Allow',
              Action: 'xray:PutTraceSegments',
              Resource: '*',
              Condition: { StringEquals: { 'aws:PrincipalTag/kubernetes-namespace': 'aws-otel-eks' } },
            }),
          },
        },
      ],
    });
    const issue = (namespace: string) =>
      target.sandbox.server.credentials.issueRoleSession({
        roleArn: ROLE_ARN,
        sessionName: 'eks-demo-pod',
        durationSeconds: 3600,
        tags: [{ Key: 'kubernetes-namespace', Value: namespace }],
      }).credentials;
    const toCredentials = (c: ReturnType<typeof issue>): SigningCredentials => ({
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
    });
    await putSegment(as(target, XRayClient, toCredentials(issue('aws-otel-eks'))));
    expect(await errorOf(putSegment(as(target, XRayClient, toCredentials(issue('default')))))).toMatchObject({
      name: 'AccessDeniedException',
    });
    expect(target.xray.segmentCount()).toBe(1);
  });

  it('IAM and STS from a role session: GetCallerIdentity needs no permission, IAM actions are authorized', async () => {
    const target = await start();
    const credentials = await session(target, {
      attached: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      inline: { 'no-sts': policy({ Effect: 'Deny', Action: 'sts:*', Resource: '*' }) },
    });
    const sts = as(target, STSClient, credentials);
    expect(await sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: SESSION_ARN, Account: ACCOUNT });
    const iam = as(target, IAMClient, credentials);
    expect((await iam.send(new GetRoleCommand({ RoleName: ROLE }))).Role?.Arn).toBe(ROLE_ARN);
    expect((await iam.send(new ListRolesCommand({}))).Roles).toHaveLength(1);
    const created = await errorOf(
      iam.send(new CreateRoleCommand({ RoleName: 'other', AssumeRolePolicyDocument: JSON.stringify(TRUST_ACCOUNT) })),
    );
    expect(created).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${SESSION_ARN} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/other because no identity-based policy allows the iam:CreateRole action`,
    });
  });
});

describe('credentials the sandbox did not issue, or no longer honours', () => {
  const stranger = { accessKeyId: 'AKIAOTHER00000000000', secretAccessKey: 'made-up' };

  it('an unknown access key gets each protocol invalid-token error, and nothing is served', async () => {
    const target = await start();
    expect(await errorOf(putSegment(as(target, XRayClient, stranger)))).toEqual({
      name: 'UnrecognizedClientException',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    expect(await errorOf(putEvent(as(target, CloudWatchLogsClient, stranger)))).toMatchObject({
      name: 'UnrecognizedClientException',
      status: 400,
    });
    expect(await errorOf(as(target, STSClient, stranger).send(new GetCallerIdentityCommand({})))).toEqual({
      name: 'InvalidClientTokenId',
      status: 403,
      message: 'The security token included in the request is invalid.',
    });
    expect(await errorOf(as(target, IAMClient, stranger).send(new ListRolesCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId',
      status: 403,
    });
    expect(target.xray.segmentCount()).toBe(0);
  });

  it('a session key with the wrong session token is not recognized', async () => {
    const target = await start();
    const credentials = await session(target, { attached: [XRAY] });
    const forged = { ...credentials, sessionToken: 'not-the-token' };
    expect(await errorOf(putSegment(as(target, XRayClient, forged)))).toMatchObject({
      name: 'UnrecognizedClientException',
    });
  });

  it('an expired session gets ExpiredTokenException (ExpiredToken from IAM and STS)', async () => {
    const target = await start();
    const credentials = await session(target, { attached: [XRAY] });
    target.clock.now += 3601_000;
    expect(await errorOf(putSegment(as(target, XRayClient, credentials)))).toEqual({
      name: 'ExpiredTokenException',
      status: 403,
      message: 'The security token included in the request is expired',
    });
    expect(await errorOf(as(target, STSClient, credentials).send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'ExpiredToken',
      status: 403,
    });
    expect(target.xray.segmentCount()).toBe(0);
  });
});

describe('STS AssumeRole', () => {
  it('refuses a role whose trust policy does not name the caller, and a role that does not exist', async () => {
    const target = await start();
    target.sandbox.iam.seed({
      roles: [
        {
          name: ROLE,
          assumeRolePolicyDocument: policy({
            Effect: 'Allow',
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Action: 'sts:AssumeRole',
          }),
        },
      ],
    });
    const sts = new STSClient(target.sandbox.clientConfig);
    clients.push(sts);
    const message = `User: arn:aws:iam::${ACCOUNT}:user/adot-sandbox is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`;
    expect(await errorOf(sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: 's' + 'x' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message,
    });
    expect(
      await errorOf(
        sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/missing`, RoleSessionName: 'sx' })),
      ),
    ).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('session tags need sts:TagSession in the trust policy', async () => {
    const target = await start();
    target.sandbox.iam.seed({ roles: [{ name: ROLE, assumeRolePolicyDocument: TRUST_ACCOUNT }] });
    const sts = new STSClient(target.sandbox.clientConfig);
    clients.push(sts);
    const tagged = new AssumeRoleCommand({
      RoleArn: ROLE_ARN,
      RoleSessionName: 'tagged',
      Tags: [{ Key: 'team', Value: 'obs' }],
    });
    expect(await errorOf(sts.send(tagged))).toMatchObject({ name: 'AccessDenied' });
    target.sandbox.iam.updateAssumeRolePolicy(
      ROLE,
      JSON.stringify(
        policy({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: ['sts:AssumeRole', 'sts:TagSession'] }),
      ),
    );
    expect((await sts.send(tagged)).AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/tagged`);
  });

  it('role chaining: a trust naming the account needs the caller role to allow sts:AssumeRole; one naming the role does not', async () => {
    const target = await start();
    const first = await session(target, { attached: [XRAY] });
    target.sandbox.iam.seed({ roles: [{ name: 'second', assumeRolePolicyDocument: TRUST_ACCOUNT }] });
    const sts = as(target, STSClient, first);
    const second = new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/second`,
      RoleSessionName: 'chained',
    });
    expect(await errorOf(sts.send(second))).toMatchObject({ name: 'AccessDenied' });
    target.sandbox.iam.updateAssumeRolePolicy(
      'second',
      JSON.stringify(policy({ Effect: 'Allow', Principal: { AWS: ROLE_ARN }, Action: 'sts:AssumeRole' })),
    );
    expect((await sts.send(second)).AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/second/chained`);
    expect(
      await errorOf(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${ACCOUNT}:role/second`,
            RoleSessionName: 'long',
            DurationSeconds: 7200,
          }),
        ),
      ),
    ).toMatchObject({ name: 'ValidationError' });
  });
});
