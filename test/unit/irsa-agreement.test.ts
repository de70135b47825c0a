import { describe, expect, it } from 'vitest';
import { evaluateWebIdentityTrust } from '../../src/core/iam/web-identity.js';
import { explainTrustPolicy, verifyTrustPolicy, type TrustExpectation } from '../../src/core/irsa.js';

const issuer = 'oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const providerArn = `arn:aws:iam::123456789012:oidc-provider/${issuer}`;
const expected: TrustExpectation = {
  providerArn,
  issuerUrl: `https://${issuer}`,
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
};
const subject = 'system:serviceaccount:aws-otel-eks:aws-otel-collector';
const sub = `${issuer}:sub`;
const aud = `${issuer}:aud`;

function statement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [sub]: subject, [aud]: 'sts.amazonaws.com' } },
    ...overrides,
  };
}
const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

/** Trust policies and whether IAM lets aws-otel-eks/aws-otel-collector assume the role with an EKS token. */
const table: { name: string; document: unknown; allowed: boolean }[] = [
  { name: 'the policy adot builds', document: policy(statement()), allowed: true },
  {
    name: 'Action and Federated as lists, Statement as an object',
    document: {
      Version: '2012-10-17',
      Statement: statement({
        Action: ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity'],
        Principal: { Federated: ['arn:aws:iam::123456789012:oidc-provider/other', providerArn] },
      }),
    },
    allowed: true,
  },
  {
    name: 'StringLike with a namespace wildcard',
    document: policy(
      statement({
        Condition: {
          StringLike: { [sub]: 'system:serviceaccount:aws-otel-eks:*' },
          StringEquals: { [aud]: 'sts.amazonaws.com' },
        },
      }),
    ),
    allowed: true,
  },
  {
    name: 'action wildcard, lower-case action',
    document: policy(statement({ Action: 'sts:assumerolewith*' })),
    allowed: true,
  },
  {
    name: 'NotAction that spares AssumeRoleWithWebIdentity',
    document: policy(statement({ Action: undefined, NotAction: 'sts:AssumeRole' })),
    allowed: true,
  },
  {
    name: 'NotAction naming AssumeRoleWithWebIdentity',
    document: policy(statement({ Action: undefined, NotAction: 'sts:AssumeRoleWith*' })),
    allowed: false,
  },
  {
    name: 'StringEqualsIgnoreCase on a differently cased subject',
    document: policy(
      statement({
        Condition: { StringEqualsIgnoreCase: { [sub]: subject.toUpperCase(), [aud]: 'STS.amazonaws.com' } },
      }),
    ),
    allowed: true,
  },
  {
    name: 'ForAnyValue:StringEquals on the subject',
    document: policy(
      statement({
        Condition: { 'ForAnyValue:StringEquals': { [sub]: [subject] }, StringEquals: { [aud]: 'sts.amazonaws.com' } },
      }),
    ),
    allowed: true,
  },
  {
    name: 'an unrelated statement next to the right one',
    document: policy(
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
      statement(),
    ),
    allowed: true,
  },
  { name: 'Principal "*" with the conditions', document: policy(statement({ Principal: '*' })), allowed: true },
  {
    name: 'Principal {"AWS": "*"} with the conditions',
    document: policy(statement({ Principal: { AWS: '*' } })),
    allowed: true,
  },
  {
    name: "the blog's trap: the role trusts adot-collector",
    document: policy(
      statement({
        Condition: {
          StringEquals: { [sub]: 'system:serviceaccount:aws-otel-eks:adot-collector', [aud]: 'sts.amazonaws.com' },
        },
      }),
    ),
    allowed: false,
  },
  {
    name: 'another namespace',
    document: policy(
      statement({
        Condition: {
          StringEquals: { [sub]: 'system:serviceaccount:default:aws-otel-collector', [aud]: 'sts.amazonaws.com' },
        },
      }),
    ),
    allowed: false,
  },
  {
    name: ':sub without :aud (admitted, too broadly)',
    document: policy(statement({ Condition: { StringEquals: { [sub]: subject } } })),
    allowed: true,
  },
  {
    name: 'no condition at all (admitted, too broadly)',
    document: policy(statement({ Condition: undefined })),
    allowed: true,
  },
  {
    name: 'StringEquals does not treat * as a wildcard',
    document: policy(
      statement({
        Condition: { StringEquals: { [sub]: 'system:serviceaccount:aws-otel-eks:*', [aud]: 'sts.amazonaws.com' } },
      }),
    ),
    allowed: false,
  },
  {
    name: 'another provider and another issuer',
    document: policy(
      statement({
        Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/FFFF' },
        Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/FFFF:sub': subject } },
      }),
    ),
    allowed: false,
  },
  {
    name: 'the right provider, conditions on another issuer',
    document: policy(
      statement({ Condition: { StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/FFFF:sub': subject } } }),
    ),
    allowed: false,
  },
  {
    name: 'sts:AssumeRole instead of AssumeRoleWithWebIdentity',
    document: policy(statement({ Action: 'sts:AssumeRole' })),
    allowed: false,
  },
  {
    name: 'another audience',
    document: policy(statement({ Condition: { StringEquals: { [sub]: subject, [aud]: 'example.com' } } })),
    allowed: false,
  },
  {
    name: 'a matching Deny next to the Allow',
    document: policy(statement(), statement({ Effect: 'Deny' })),
    allowed: false,
  },
  {
    name: 'a Deny without conditions',
    document: policy(statement(), statement({ Effect: 'Deny', Condition: undefined })),
    allowed: false,
  },
  {
    name: 'a Deny for another service account',
    document: policy(
      statement(),
      statement({ Effect: 'Deny', Condition: { StringEquals: { [sub]: 'system:serviceaccount:x:y' } } }),
    ),
    allowed: true,
  },
  {
    name: 'StringNotEquals excluding the subject',
    document: policy(
      statement({
        Condition: {
          StringEquals: { [aud]: 'sts.amazonaws.com' },
          StringLike: { [sub]: 'system:serviceaccount:aws-otel-eks:*' },
          StringNotEquals: { [sub]: subject },
        },
      }),
    ),
    allowed: false,
  },
  { name: 'no statements', document: policy(), allowed: false },
  { name: 'only a Deny', document: policy(statement({ Effect: 'Deny' })), allowed: false },
  { name: 'not a document', document: undefined, allowed: false },
  { name: 'the same policy as JSON text', document: JSON.stringify(policy(statement())), allowed: true },
];

const assumption = { providerArn, issuer, subject, audience: 'sts.amazonaws.com' };

describe('verifyTrustPolicy and the IAM policy evaluator agree', () => {
  it.each(table)('$name', ({ document, allowed }) => {
    const evaluation = evaluateWebIdentityTrust(document, assumption);
    expect(evaluation.decision === 'allow').toBe(allowed);
    // doctor's explanation alone reaches the same verdict …
    const explainedBlocking = explainTrustPolicy(document, expected).filter((problem) => problem.blocking);
    expect(explainedBlocking.length === 0, JSON.stringify(explainedBlocking)).toBe(allowed);
    // … and what doctor reports has a blocking problem exactly when the evaluator refuses
    const problems = verifyTrustPolicy(document, expected);
    expect(problems.some((problem) => problem.blocking)).toBe(!allowed);
    // advice (a missing :sub or :aud condition) is the only thing left when the service account is admitted
    if (allowed) expect(problems.every((problem) => ['sub', 'aud'].includes(problem.field))).toBe(true);
  });

  it('a condition doctor cannot explain still refuses, with the evaluator as the reason', () => {
    // aws:SourceIp is set by STS for the caller's address, which doctor cannot know: the evaluator refuses
    const document = policy(
      statement({
        Condition: {
          IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
          StringEquals: { [sub]: subject, [aud]: 'sts.amazonaws.com' },
        },
      }),
    );
    expect(evaluateWebIdentityTrust(document, assumption).decision).toBe('implicit-deny');
    expect(explainTrustPolicy(document, expected)).toEqual([]);
    expect(verifyTrustPolicy(document, expected)).toEqual([
      expect.objectContaining({ field: 'statement', blocking: true, observed: 'no statement applies' }),
    ]);
  });
});
