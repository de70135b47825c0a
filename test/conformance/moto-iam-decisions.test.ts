import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { PutTraceSegmentsCommand, XRayClient } from '@aws-sdk/client-xray';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogsState, logsService } from '../../src/sandbox/aws/logs/index.js';
import { xrayService, XRaySampling, XRayState } from '../../src/sandbox/aws/xray/index.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src/sandbox/seed/identity.js';
import { startMotoServer, type MotoServer } from '../helpers/aws-moto.js';
import { startTestAwsSandbox, type TestAwsSandbox } from '../helpers/aws-sandbox.js';
import { segment } from '../helpers/collector-segments.js';

/**
 * The same role policies judged by moto's IAM enforcement and by the sandbox: each role is assumed with sts
 * AssumeRole, then its session calls X-Ray PutTraceSegments and CloudWatch Logs CreateLogStream / PutLogEvents.
 * moto enforces IAM once its no-auth allowance is used up (INITIAL_NO_AUTH_ACTION_COUNT, reset through
 * /moto-api/reset-auth; moto/iam/access_control.py, docs "IAM-like Access Control"). Where moto decides otherwise
 * than AWS documents, the sandbox keeps AWS's answer and the row says why moto differs.
 */
const ACCOUNT = '123456789012';
const USER = 'adot-sandbox';
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/${USER}`;
const ALLOWED_GROUP = '/adot/allowed';
const OTHER_GROUP = '/adot/other';

type Call = 'xray:PutTraceSegments' | 'logs:CreateLogStream' | 'logs:PutLogEvents' | 'logs:PutLogEvents (other group)';
type Decision = 'allow' | 'deny';

/** moto names the X-Ray action after the request path (xray:TraceSegments), not the IAM action xray:PutTraceSegments */
const MOTO_XRAY_ACTION =
  'moto checks X-Ray requests as the action xray:TraceSegments (its URL path), which no AWS policy names';
/** moto passes the resource `*` for CloudWatch Logs requests, so a statement limited to log-group ARNs never matches */
const MOTO_LOGS_RESOURCE = 'moto authorizes CloudWatch Logs requests on the resource "*", not on the log group ARN';

interface Row {
  name: string;
  attached?: string[];
  inline?: Record<string, unknown>[];
  /** what AWS documents for each call */
  aws: Record<Call, Decision>;
  /** calls on which moto decides otherwise, and why */
  motoDiffers?: Partial<Record<Call, string>>;
}

const statement = (effect: 'Allow' | 'Deny', action: string[], resource: string | string[] = '*') => ({
  Effect: effect,
  Action: action,
  Resource: resource,
});
const groupArn = (group: string) => `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${group}:*`;
const noLogs = {
  'logs:CreateLogStream': 'deny',
  'logs:PutLogEvents': 'deny',
  'logs:PutLogEvents (other group)': 'deny',
} as const;
const allLogs = {
  'logs:CreateLogStream': 'allow',
  'logs:PutLogEvents': 'allow',
  'logs:PutLogEvents (other group)': 'allow',
} as const;

const rows: Row[] = [
  {
    name: 'AWS managed AWSXRayDaemonWriteAccess',
    attached: ['arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess'],
    aws: { 'xray:PutTraceSegments': 'allow', ...noLogs },
    motoDiffers: { 'xray:PutTraceSegments': MOTO_XRAY_ACTION },
  },
  {
    name: 'AWS managed AWSXrayWriteOnlyAccess',
    attached: ['arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess'],
    aws: { 'xray:PutTraceSegments': 'allow', ...noLogs },
    motoDiffers: { 'xray:PutTraceSegments': MOTO_XRAY_ACTION },
  },
  {
    name: 'a custom policy with exactly the actions the collector needs',
    inline: [
      statement('Allow', [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]),
    ],
    aws: { 'xray:PutTraceSegments': 'allow', ...allLogs },
    motoDiffers: { 'xray:PutTraceSegments': MOTO_XRAY_ACTION },
  },
  {
    name: 'a custom policy lacking PutTraceSegments',
    inline: [statement('Allow', ['xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'logs:*'])],
    aws: { 'xray:PutTraceSegments': 'deny', ...allLogs },
  },
  {
    name: 'everything allowed, X-Ray and PutLogEvents explicitly denied',
    inline: [statement('Allow', ['*']), statement('Deny', ['xray:*', 'logs:PutLogEvents'])],
    aws: {
      'xray:PutTraceSegments': 'deny',
      'logs:CreateLogStream': 'allow',
      'logs:PutLogEvents': 'deny',
      'logs:PutLogEvents (other group)': 'deny',
    },
  },
  {
    name: 'a wildcard xray:Put*',
    inline: [statement('Allow', ['xray:Put*'])],
    aws: { 'xray:PutTraceSegments': 'allow', ...noLogs },
    motoDiffers: { 'xray:PutTraceSegments': MOTO_XRAY_ACTION },
  },
  {
    name: 'a logs policy restricted to one log group',
    inline: [statement('Allow', ['logs:CreateLogStream', 'logs:PutLogEvents'], [groupArn(ALLOWED_GROUP)])],
    aws: {
      'xray:PutTraceSegments': 'deny',
      'logs:CreateLogStream': 'allow',
      'logs:PutLogEvents': 'allow',
      'logs:PutLogEvents (other group)': 'deny',
    },
    motoDiffers: { 'logs:CreateLogStream': MOTO_LOGS_RESOURCE, 'logs:PutLogEvents': MOTO_LOGS_RESOURCE },
  },
];

interface Endpoint {
  url: string;
  /** the keys of the IAM user that assumes the roles */
  user: { accessKeyId: string; secretAccessKey: string };
}

const roleName = (index: number) => `decision-${index}`;
const clients: { destroy(): void }[] = [];
function client<T extends { destroy(): void }>(Client: new (config: object) => T, url: string, credentials: object): T {
  const made = new Client({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
  clients.push(made);
  return made;
}

/** Roles, their policies and the log groups, created while the endpoint does not enforce IAM yet. */
async function setUp(url: string, credentials: object): Promise<void> {
  const iam = client(IAMClient, url, credentials);
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: USER_ARN }, Action: 'sts:AssumeRole' }],
  });
  for (const [index, row] of rows.entries()) {
    await iam.send(new CreateRoleCommand({ RoleName: roleName(index), AssumeRolePolicyDocument: trust }));
    for (const arn of row.attached ?? []) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: roleName(index), PolicyArn: arn }));
    }
    if (row.inline !== undefined) {
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName(index),
          PolicyName: 'permissions',
          PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: row.inline }),
        }),
      );
    }
  }
  const logs = client(CloudWatchLogsClient, url, credentials);
  for (const group of [ALLOWED_GROUP, OTHER_GROUP]) {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'existing' }));
  }
}

async function decide(call: () => Promise<unknown>): Promise<Decision> {
  try {
    await call();
    return 'allow';
  } catch (error) {
    const failure = error as Error & { $response?: { statusCode?: number } };
    if (failure.name === 'AccessDenied' || failure.name === 'AccessDeniedException') return 'deny';
    // moto answers a denied X-Ray call with its XML AccessDenied error (403), which a restJson client cannot parse
    if (failure.name === 'SyntaxError' && failure.$response?.statusCode === 403) return 'deny';
    throw error;
  }
}

async function decisions(endpoint: Endpoint, index: number): Promise<Record<Call, Decision>> {
  const sts = client(STSClient, endpoint.url, endpoint.user);
  const assumed = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/${roleName(index)}`, RoleSessionName: 'decision' }),
  );
  const credentials = {
    accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
    secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
    sessionToken: assumed.Credentials?.SessionToken ?? '',
  };
  const xray = client(XRayClient, endpoint.url, credentials);
  const logs = client(CloudWatchLogsClient, endpoint.url, credentials);
  const put = (group: string) =>
    logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 'existing',
        logEvents: [{ timestamp: Date.now(), message: 'hello' }],
      }),
    );
  return {
    'xray:PutTraceSegments': await decide(() =>
      xray.send(new PutTraceSegmentsCommand({ TraceSegmentDocuments: [JSON.stringify(segment())] })),
    ),
    'logs:CreateLogStream': await decide(() =>
      logs.send(new CreateLogStreamCommand({ logGroupName: ALLOWED_GROUP, logStreamName: `s-${index}` })),
    ),
    'logs:PutLogEvents': await decide(() => put(ALLOWED_GROUP)),
    'logs:PutLogEvents (other group)': await decide(() => put(OTHER_GROUP)),
  };
}

describe('IAM decisions on the data path: the sandbox against moto and the documented AWS answer', () => {
  let moto: MotoServer;
  let sandbox: TestAwsSandbox;
  const endpoints: { moto?: Endpoint; sandbox?: Endpoint } = {};

  beforeAll(async () => {
    const xray = new XRayState();
    const logs = new LogsState(ACCOUNT, 'us-east-1');
    [moto, sandbox] = await Promise.all([
      startMotoServer(),
      startTestAwsSandbox({
        account: ACCOUNT,
        services: [xrayService(xray, new XRaySampling(ACCOUNT, 'us-east-1')), logsService(logs)],
      }),
    ]);
    // moto: an IAM user named like the sandbox's, allowed everything, with its own keys
    const anyKeys = { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'not-checked-before-enforcement' };
    const motoIam = client(IAMClient, moto.url, anyKeys);
    await motoIam.send(new CreateUserCommand({ UserName: USER }));
    await motoIam.send(
      new AttachUserPolicyCommand({ UserName: USER, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    );
    const key = (await motoIam.send(new CreateAccessKeyCommand({ UserName: USER }))).AccessKey;
    const sandboxKeys = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY };
    await Promise.all([setUp(moto.url, anyKeys), setUp(sandbox.server.url, sandboxKeys)]);
    endpoints.moto = {
      url: moto.url,
      user: { accessKeyId: key?.AccessKeyId ?? '', secretAccessKey: key?.SecretAccessKey ?? '' },
    };
    endpoints.sandbox = { url: sandbox.server.url, user: sandboxKeys };
    // from here on moto authenticates and authorizes every request
    const reset = await fetch(`${moto.url}/moto-api/reset-auth`, { method: 'POST', body: '0' });
    expect(reset.ok).toBe(true);
  }, 60_000);

  afterAll(async () => {
    for (const made of clients.splice(0)) made.destroy();
    await Promise.all([moto?.close(), sandbox?.close()]);
  });

  it.each(rows.map((row, index) => ({ ...row, index })))('$name', async ({ index, aws, motoDiffers }) => {
    const onSandbox = await decisions(endpoints.sandbox as Endpoint, index);
    const onMoto = await decisions(endpoints.moto as Endpoint, index);
    expect(onSandbox).toEqual(aws);
    const motoExpected = Object.fromEntries(
      Object.entries(aws).map(([call, decision]) => [
        call,
        motoDiffers?.[call as Call] === undefined ? decision : decision === 'allow' ? 'deny' : 'allow',
      ]),
    );
    expect(onMoto).toEqual(motoExpected);
  });
});
