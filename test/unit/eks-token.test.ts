import { describe, expect, it } from 'vitest';
import { userOfEksToken } from '../../src/sandbox/kube/eks-token.js';

const users = { AKIASANDBOX000000000: 'adot-sandbox' };
const signedAt = new Date(Date.UTC(2026, 10, 25, 4, 0, 0));

function token(overrides: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  const params: Record<string, string | undefined> = {
    Action: 'GetCallerIdentity',
    Version: '2011-06-15',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': 'AKIASANDBOX000000000/20261125/us-east-1/sts/aws4_request',
    'X-Amz-Date': '20261125T040000Z',
    'X-Amz-Expires': '60',
    'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
    'X-Amz-Signature': 'f'.repeat(64),
    ...overrides,
  };
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  const url = `https://sts.us-east-1.amazonaws.com/?${query.toString()}`;
  return `k8s-aws-v1.${Buffer.from(url).toString('base64url')}`;
}

describe('EKS bearer tokens (aws eks get-token)', () => {
  it('maps a well-formed, unexpired token to the user of its access key', () => {
    expect(userOfEksToken(token(), users, signedAt)).toBe('adot-sandbox');
    expect(userOfEksToken(token(), users, new Date(signedAt.getTime() + 60_000))).toBe('adot-sandbox');
  });

  it.each([
    ['an expired token', token(), new Date(signedAt.getTime() + 61_000)],
    [
      'another access key',
      token({ 'X-Amz-Credential': 'AKIAOTHER00000000000/20261125/us-east-1/sts/aws4_request' }),
      signedAt,
    ],
    ['another action', token({ Action: 'AssumeRole' }), signedAt],
    ['no x-k8s-aws-id signed header', token({ 'X-Amz-SignedHeaders': 'host' }), signedAt],
    [
      'a scope of another service',
      token({ 'X-Amz-Credential': 'AKIASANDBOX000000000/20261125/us-east-1/iam/aws4_request' }),
      signedAt,
    ],
    ['no date', token({ 'X-Amz-Date': undefined }), signedAt],
  ])('refuses %s', (_case, value, now) => {
    expect(userOfEksToken(value, users, now)).toBeUndefined();
  });

  it('refuses what is not an EKS token at all', () => {
    expect(userOfEksToken('adot-sandbox-token', users, signedAt)).toBeUndefined();
    expect(userOfEksToken('k8s-aws-v1.%%%', users, signedAt)).toBeUndefined();
    expect(userOfEksToken('k8s-aws-v1.', users, signedAt)).toBeUndefined();
  });
});
