import { describe, expect, it } from 'vitest';
import { buildTrustPolicy, verifyTrustPolicy } from '../../src/core/irsa.js';
import {
  decideOidcProvider,
  decidePolicies,
  decideRole,
  partitionForRoleDeletion,
  policyName,
} from '../../src/core/plan/iam.js';
import type { RoleInfo } from '../../src/ports.js';

const issuerUrl = 'https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const trust = {
  providerArn:
    'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
  issuerUrl,
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
};
const XRAY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const AMP = 'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess';
const CW = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';
const FOREIGN = 'arn:aws:iam::123456789012:policy/TeamBoundary';

function role(document: unknown): RoleInfo {
  return {
    name: 'EKS-ADOT-ServiceAccount-Role',
    arn: 'arn:aws:iam::123456789012:role/EKS-ADOT-ServiceAccount-Role',
    assumeRolePolicyDocument: document as RoleInfo['assumeRolePolicyDocument'],
  };
}

describe('decideOidcProvider', () => {
  it('creates a missing provider with the STS audience, keeps a good one, flags one without it', () => {
    expect(decideOidcProvider(undefined, issuerUrl)).toEqual({
      kind: 'create',
      url: issuerUrl,
      clientIds: ['sts.amazonaws.com'],
    });
    const existing = {
      arn: trust.providerArn,
      url: 'oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF',
      clientIds: ['sts.amazonaws.com'],
      thumbprints: [],
    };
    expect(decideOidcProvider(existing, issuerUrl)).toEqual({ kind: 'none' });
    expect(decideOidcProvider({ ...existing, clientIds: ['other'] }, issuerUrl)).toEqual({
      kind: 'missing-audience',
      clientIds: ['other'],
    });
  });
});

describe('decideRole', () => {
  it('creates a missing role with a trust policy carrying the exact :sub and :aud', () => {
    const decision = decideRole(undefined, trust);
    expect(decision.kind).toBe('create');
    if (decision.kind !== 'create') return;
    expect(verifyTrustPolicy(decision.trustPolicy, trust)).toEqual([]);
    expect(JSON.stringify(decision.trustPolicy)).toContain(
      '"oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub":"system:serviceaccount:aws-otel-eks:aws-otel-collector"',
    );
    expect(JSON.stringify(decision.trustPolicy)).toContain(':aud":"sts.amazonaws.com"');
  });

  it('keeps a role whose trust already admits the service account', () => {
    expect(decideRole(role(buildTrustPolicy(trust)), trust)).toEqual({ kind: 'none' });
  });

  it("reconciles the blog's adot-collector trap instead of skipping the role", () => {
    const wrong = buildTrustPolicy({ ...trust, serviceAccount: 'adot-collector' });
    const decision = decideRole(role(wrong), trust);
    expect(decision.kind).toBe('update');
    if (decision.kind !== 'update') return;
    expect(verifyTrustPolicy(decision.trustPolicy, trust)).toEqual([]);
  });
});

describe('decidePolicies', () => {
  it('attaches exactly what the targets need', () => {
    expect(decidePolicies([], ['xray', 'amp'])).toEqual({ keep: [], attach: [XRAY, AMP], detach: [] });
    expect(decidePolicies([XRAY], ['xray'])).toEqual({ keep: [XRAY], attach: [], detach: [] });
  });

  it('detaches the other target policies but never a foreign one', () => {
    expect(decidePolicies([CW, FOREIGN, XRAY], ['xray'])).toEqual({ keep: [XRAY], attach: [], detach: [CW] });
  });

  it('splits a role for deletion into our policies and foreign ones', () => {
    expect(partitionForRoleDeletion([XRAY, FOREIGN])).toEqual({ ours: [XRAY], foreign: [FOREIGN] });
    expect(policyName(XRAY)).toBe('AWSXRayDaemonWriteAccess');
  });
});
