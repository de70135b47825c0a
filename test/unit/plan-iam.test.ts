import { verifyPodIdentityTrust } from '../../src/core/identity/pod-identity-trust.js';
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

const podIdentity = {
  clusterArn: 'arn:aws:eks:us-east-1:123456789012:cluster/demo',
  clusterName: 'demo',
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
};
const ROLE_ARN = 'arn:aws:iam::123456789012:role/EKS-ADOT-ServiceAccount-Role';
const irsa = { mode: 'irsa', irsa: trust, podIdentity } as const;
const pods = { mode: 'pod-identity', podIdentity, roleArn: ROLE_ARN, irsa: trust } as const;

describe('decideRole', () => {
  it('creates a Pod Identity role trusting pods.eks.amazonaws.com, scoped to the cluster, namespace and account', () => {
    const decision = decideRole(undefined, pods);
    expect(decision.kind).toBe('create');
    if (decision.kind !== 'create') return;
    expect(decision.trustPolicy.Statement).toEqual([
      {
        Sid: 'AllowEksAuthToAssumeRoleForPodIdentity',
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: {
            'aws:RequestTag/eks-cluster-arn': podIdentity.clusterArn,
            'aws:RequestTag/kubernetes-namespace': 'aws-otel-eks',
            'aws:RequestTag/kubernetes-service-account': 'aws-otel-collector',
          },
        },
      },
    ]);
    expect(verifyPodIdentityTrust(decision.trustPolicy, podIdentity, { roleArn: ROLE_ARN, sessionTags: true })).toEqual(
      [],
    );
  });

  it('switching IRSA -> Pod Identity replaces the statement adot wrote for IRSA and keeps foreign ones', () => {
    const foreign = { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' };
    const before = { Version: '2012-10-17', Statement: [...buildTrustPolicy(trust).Statement, foreign] };
    const decision = decideRole(role(before as never), pods);
    expect(decision.kind).toBe('update');
    if (decision.kind !== 'update') return;
    expect(decision.trustPolicy.Statement).toHaveLength(2);
    expect(decision.trustPolicy.Statement[0]).toEqual(foreign);
    expect(verifyTrustPolicy(decision.trustPolicy, trust)).not.toEqual([]);
    // and back: the Pod Identity statement goes, IRSA's comes back
    const back = decideRole(role(decision.trustPolicy), irsa);
    expect(back.kind).toBe('update');
    if (back.kind !== 'update') return;
    expect(back.trustPolicy.Statement).toHaveLength(2);
    expect(verifyTrustPolicy(back.trustPolicy, trust)).toEqual([]);
    expect(verifyPodIdentityTrust(back.trustPolicy, podIdentity, { roleArn: ROLE_ARN, sessionTags: true })).not.toEqual(
      [],
    );
  });

  it('keeps a Pod Identity trust written by someone else when it already admits the service account', () => {
    const docs = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ],
    };
    expect(decideRole(role(docs as never), pods)).toEqual({ kind: 'none' });
  });

  it('creates a missing role with a trust policy carrying the exact :sub and :aud', () => {
    const decision = decideRole(undefined, irsa);
    expect(decision.kind).toBe('create');
    if (decision.kind !== 'create') return;
    expect(verifyTrustPolicy(decision.trustPolicy, trust)).toEqual([]);
    expect(JSON.stringify(decision.trustPolicy)).toContain(
      '"oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub":"system:serviceaccount:aws-otel-eks:aws-otel-collector"',
    );
    expect(JSON.stringify(decision.trustPolicy)).toContain(':aud":"sts.amazonaws.com"');
  });

  it('keeps a role whose trust already admits the service account', () => {
    expect(decideRole(role(buildTrustPolicy(trust)), irsa)).toEqual({ kind: 'none' });
  });

  it("reconciles the blog's adot-collector trap instead of skipping the role", () => {
    const wrong = buildTrustPolicy({ ...trust, serviceAccount: 'adot-collector' });
    const decision = decideRole(role(wrong), irsa);
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
