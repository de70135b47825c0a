import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTrustPolicy } from '../../src/core/irsa.js';
import { errorOf } from '../helpers/aws-errors.js';
import { startTestAwsSandbox, TEST_OIDC_ISSUER, type TestAwsSandbox } from '../helpers/aws-sandbox.js';

const ISSUER_HOST = TEST_OIDC_ISSUER.replace('https://', '');
const PROVIDER_ARN = `arn:aws:iam::111122223333:oidc-provider/${ISSUER_HOST}`;
const ROLE_ARN = 'arn:aws:iam::111122223333:role/EKS-ADOT-ServiceAccount-Role';
const SUBJECT = 'system:serviceaccount:aws-otel-eks:aws-otel-collector';

let sandbox: TestAwsSandbox | undefined;
const clients: STSClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await sandbox?.close();
  sandbox = undefined;
});

async function start(
  options: Parameters<typeof startTestAwsSandbox>[0] = {},
): Promise<{ sandbox: TestAwsSandbox; sts: STSClient }> {
  sandbox = await startTestAwsSandbox(options);
  const sts = new STSClient(sandbox.clientConfig);
  clients.push(sts);
  return { sandbox, sts };
}

/** A service-account token as the kubelet projects it; the emulator reads the claims and ignores the signature. */
function token(claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'RS256', kid: 'sandbox' })}.${encode(claims)}.c2lnbmF0dXJl`;
}

const collectorToken = () =>
  token({ iss: TEST_OIDC_ISSUER, sub: SUBJECT, aud: ['sts.amazonaws.com'], exp: Math.floor(Date.now() / 1000) + 3600 });

/** AssumeRoleWithWebIdentity as the collector's SDK calls it: session `collector`, by default the role and a valid token. */
function assume(
  sts: STSClient,
  { roleArn = ROLE_ARN, webIdentityToken = collectorToken() }: { roleArn?: string; webIdentityToken?: string } = {},
) {
  return sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: roleArn,
      RoleSessionName: 'collector',
      WebIdentityToken: webIdentityToken,
    }),
  );
}

/** The provider and the role adot creates, trusting the service account aws-otel-eks/`serviceAccount`. */
function seedIrsa(target: TestAwsSandbox, serviceAccount = 'aws-otel-collector'): void {
  target.iam.seed({
    oidcProviders: [{ url: TEST_OIDC_ISSUER, clientIds: ['sts.amazonaws.com'] }],
    roles: [
      {
        name: 'EKS-ADOT-ServiceAccount-Role',
        assumeRolePolicyDocument: buildTrustPolicy({
          providerArn: PROVIDER_ARN,
          issuerUrl: TEST_OIDC_ISSUER,
          namespace: 'aws-otel-eks',
          serviceAccount,
        }),
      },
    ],
  });
}

describe('STS emulator through the real STS client', () => {
  it('answers GetCallerIdentity for the sandbox user', async () => {
    const { sts, sandbox } = await start();
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/adot-sandbox' });
    expect(identity.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    expect(sandbox.server.requests()).toEqual([{ service: 'sts', operation: 'GetCallerIdentity', status: 200 }]);
  });

  it('issues temporary credentials to a token the trust policy admits, and knows who uses them', async () => {
    const { sts, sandbox } = await start();
    seedIrsa(sandbox);
    const assumed = await assume(sts);
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(assumed.Credentials?.Expiration?.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(assumed.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/EKS-ADOT-ServiceAccount-Role/collector',
    );
    expect(assumed.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:collector$/);
    expect(assumed).toMatchObject({
      SubjectFromWebIdentityToken: SUBJECT,
      Audience: 'sts.amazonaws.com',
      Provider: TEST_OIDC_ISSUER,
    });
    // AssumeRoleWithWebIdentity is unsigned by design: the SDK sends it without credentials
    expect(sandbox.server.requests()).toEqual([
      { service: 'sts', operation: 'AssumeRoleWithWebIdentity', status: 200 },
    ]);

    const asRole = new STSClient({
      ...sandbox.clientConfig,
      credentials: {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
        sessionToken: assumed.Credentials?.SessionToken ?? '',
      },
    });
    clients.push(asRole);
    expect(await asRole.send(new GetCallerIdentityCommand({}))).toMatchObject({
      Arn: 'arn:aws:sts::111122223333:assumed-role/EKS-ADOT-ServiceAccount-Role/collector',
      UserId: assumed.AssumedRoleUser?.AssumedRoleId,
    });
  });

  it('refuses a missing role, a trust policy for another service account, and tokens it cannot trust', async () => {
    const { sts, sandbox } = await start();
    expect(await errorOf(assume(sts))).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
    seedIrsa(sandbox, 'adot-collector');
    expect(await errorOf(assume(sts))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    });
    expect(await errorOf(assume(sts, { roleArn: 'arn:aws:iam::111122223333:role/missing' }))).toMatchObject({
      name: 'AccessDenied',
      status: 403,
    });
    expect(await errorOf(assume(sts, { webIdentityToken: 'opaque' }))).toMatchObject({
      name: 'InvalidIdentityTokenException',
    });
    const wrongAudience = token({ iss: TEST_OIDC_ISSUER, sub: SUBJECT, aud: 'other' });
    expect(await errorOf(assume(sts, { webIdentityToken: wrongAudience }))).toMatchObject({
      name: 'InvalidIdentityTokenException',
      message: 'Incorrect token audience',
    });
    const expired = token({ iss: TEST_OIDC_ISSUER, sub: SUBJECT, aud: 'sts.amazonaws.com', exp: 1 });
    expect(await errorOf(assume(sts, { webIdentityToken: expired }))).toMatchObject({ name: 'ExpiredTokenException' });
  });

  it('answers a presigned GetCallerIdentity URL (as in EKS bearer tokens) and refuses an unsigned one', async () => {
    const { sandbox } = await start();
    const query = new URLSearchParams({
      Action: 'GetCallerIdentity',
      Version: '2011-06-15',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'AKIASANDBOX000000000/20250101/us-east-1/sts/aws4_request',
      'X-Amz-Date': '20250101T000000Z',
      'X-Amz-Expires': '60',
      'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
      'X-Amz-Signature': 'a'.repeat(64),
    });
    const presigned = await fetch(`${sandbox.server.url}/?${query.toString()}`, {
      headers: { 'x-k8s-aws-id': 'demo' },
    });
    expect(presigned.status).toBe(200);
    const body = await presigned.text();
    expect(body).toContain('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(body).toContain('<Arn>arn:aws:iam::111122223333:user/adot-sandbox</Arn>');

    const unsigned = await fetch(`${sandbox.server.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('throttles with code Throttling and recovers with retries', async () => {
    const always = await start({ faults: [{ service: 'sts', status: 429, rate: 1 }], maxAttempts: 2 });
    expect(await errorOf(always.sts.send(new GetCallerIdentityCommand({})))).toMatchObject({
      name: 'Throttling',
      status: 400,
    });
    for (const c of clients.splice(0)) c.destroy();
    await always.sandbox.close();

    const half = await start({
      faults: [{ service: 'sts', operation: 'GetCallerIdentity', status: 429, rate: 0.5 }],
      randomSeed: 2,
      maxAttempts: 3,
    });
    for (let call = 0; call < 6; call += 1)
      expect((await half.sts.send(new GetCallerIdentityCommand({}))).Account).toBe('111122223333');
    expect(half.sandbox.server.requests().filter((r) => r.status === 400)).toHaveLength(5);
  });
});
