/**
 * sigv4auth's assume_role against moto_server, which implements STS AssumeRole (the sandbox's STS does not yet):
 * the extension assumes the role with the base credentials and signs with the role's session. What the signature
 * stands for is read back from moto: GetCallerIdentity signed by the extension names the assumed role and session.
 */
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Settings } from '../../src/collector/config/settings.js';
import { readSigV4Settings, SigV4AuthExtension } from '../../src/collector/extensions/sigv4auth.js';
import { machineFiles } from '../../src/collector/runtime/files.js';
import { SelfMetrics } from '../../src/collector/telemetry/self-metrics.js';
import { startMotoServer, type MotoServer } from '../helpers/aws-moto.js';
import { memoryLogger } from '../helpers/collector-segments.js';

const BASE = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const ROLE = 'amp-remote-writer';

describe('sigv4auth assume_role, against moto', () => {
  let moto: MotoServer;
  let roleArn: string;

  beforeAll(async () => {
    moto = await startMotoServer();
    const iam = new IAMClient({ region: 'us-east-1', endpoint: moto.url, credentials: BASE });
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: ROLE,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    roleArn = created.Role!.Arn!;
  }, 30_000);
  afterAll(async () => {
    await moto?.close();
  });

  function extension(raw: Record<string, unknown>): SigV4AuthExtension {
    const logger = memoryLogger();
    return new SigV4AuthExtension(
      {
        id: 'sigv4auth',
        path: 'extensions.sigv4auth',
        logger,
        metrics: new SelfMetrics(),
        stdout: () => undefined,
        files: machineFiles,
        env: {
          AWS_ACCESS_KEY_ID: BASE.accessKeyId,
          AWS_SECRET_ACCESS_KEY: BASE.secretAccessKey,
          AWS_ENDPOINT_URL_STS: moto.url,
        },
        extension: () => undefined,
      },
      readSigV4Settings(new Settings(raw, 'extensions.sigv4auth')),
    );
  }

  /** GetCallerIdentity, signed by the extension, as moto answers it. */
  async function callerArn(signer: SigV4AuthExtension): Promise<string> {
    const url = new URL('/', moto.url);
    const body = new TextEncoder().encode('Action=GetCallerIdentity&Version=2011-06-15');
    const headers = await signer.authorize({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1] ?? text;
  }

  it('signs with the session of the role it assumed, named by session_name', async () => {
    const signer = extension({
      region: 'us-east-1',
      service: 'sts',
      assume_role: { arn: roleArn, session_name: 'adot-collector' },
    });
    await signer.start();
    expect(await callerArn(signer)).toBe(`arn:aws:sts::123456789012:assumed-role/${ROLE}/adot-collector`);
  });

  it('without assume_role, signs with the base credentials', async () => {
    const signer = extension({ region: 'us-east-1', service: 'sts' });
    await signer.start();
    expect(await callerArn(signer)).toMatch(/^arn:aws:(iam|sts)::123456789012:/);
    expect(await callerArn(signer)).not.toContain('assumed-role');
  });

  it('a session header travels with the assumed credentials', async () => {
    const signer = extension({ region: 'us-east-1', service: 'sts', assume_role: { arn: roleArn } });
    await signer.start();
    const headers = await signer.authorize({
      method: 'POST',
      url: new URL('https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write'),
      headers: {},
      body: new Uint8Array(),
    });
    expect(headers['x-amz-security-token']).toBeTruthy();
    expect(headers['authorization']).toMatch(/Credential=ASIA[A-Z0-9]+\/\d{8}\/us-east-1\/sts\/aws4_request/);
  });
});
