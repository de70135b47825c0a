import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { collectorCredentialProvider, credentialSourceOf, memoized } from '../../src/collector/aws/credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'adot-credentials-'));
const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A container credentials endpoint (as the EKS Pod Identity agent answers), recording the Authorization it got. */
async function containerEndpoint(expiresInMs: number): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(String(request.headers.authorization));
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        AccessKeyId: `ASIA${seen.length}`,
        SecretAccessKey: 'secret',
        Token: 'token',
        AccountId: '123456789012',
        Expiration: new Date(Date.now() + expiresInMs).toISOString(),
      }),
    );
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/credentials`, seen };
}

describe("a collector's credentials come from its own environment, in the SDK chain's order", () => {
  it('environment keys, then web identity, then container credentials', () => {
    const keys = { AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' };
    const irsa = { AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/r', AWS_WEB_IDENTITY_TOKEN_FILE: '/t' };
    const pod = { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials' };
    expect(credentialSourceOf({ ...keys, ...irsa, ...pod })).toBe('environment');
    expect(credentialSourceOf({ ...irsa, ...pod })).toBe('web-identity');
    expect(credentialSourceOf(pod)).toBe('container');
    expect(credentialSourceOf({})).toBe('fallback');
    // the SDK skips environment keys when a profile is named
    expect(credentialSourceOf({ ...keys, AWS_PROFILE: 'p' })).toBe('fallback');
  });

  it('container credentials: the token file is sent as Authorization; the answer is cached until near expiry', async () => {
    const endpoint = await containerEndpoint(3_600_000);
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'header.payload.signature');
    const provider = collectorCredentialProvider(
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile },
      'none',
    );
    const first = await provider();
    const second = await provider();
    expect(first.accessKeyId).toBe('ASIA1');
    expect(second.accessKeyId).toBe('ASIA1');
    expect(endpoint.seen).toEqual(['header.payload.signature']);
  });

  it('credentials expiring within five minutes are fetched again (refresh before expiry)', async () => {
    const endpoint = await containerEndpoint(60_000);
    const provider = collectorCredentialProvider({ AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url }, 'none');
    expect((await provider()).accessKeyId).toBe('ASIA1');
    expect((await provider()).accessKeyId).toBe('ASIA2');
  });

  it('memoized: concurrent callers share one fetch, and a failure is not cached', async () => {
    let calls = 0;
    let fail = true;
    const provider = memoized(async () => {
      calls += 1;
      if (fail) throw new Error('not yet');
      return { accessKeyId: 'a', secretAccessKey: 'b', expiration: new Date(Date.now() + 3_600_000) };
    });
    await expect(provider()).rejects.toThrow('not yet');
    fail = false;
    const [one, two] = await Promise.all([provider(), provider()]);
    expect(one).toBe(two);
    expect(calls).toBe(2);
  });

  it('nothing configured and no fallback: the SDK chain message, nothing fetched from the process environment', async () => {
    const provider = collectorCredentialProvider({ AWS_REGION: 'us-east-1' }, 'none');
    await expect(provider()).rejects.toMatchObject({
      name: 'CredentialsProviderError',
      message: expect.stringContaining('Could not load credentials from any providers'),
    });
  });
});
