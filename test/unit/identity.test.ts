/**
 * EKS Pod Identity beside IRSA: the mode decision, the Pod Identity trust, the permissions the exporters need, and
 * the identity checks over hand-built facts (a healthy Pod Identity setup, and one broken thing at a time).
 */
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, runChecks } from '../../src/core/checks/index.js';
import type {
  CheckId,
  CheckResult,
  DoctorContext,
  DoctorFacts,
  RolePolicyDocument,
} from '../../src/core/checks/types.js';
import { AdotError } from '../../src/core/errors.js';
import { decideIdentity, parseIdentityChoice, computeKindOfNodes } from '../../src/core/identity/mode.js';
import {
  buildPodIdentityTrustPolicy,
  verifyPodIdentityTrust,
  type PodIdentityTrustExpectation,
} from '../../src/core/identity/pod-identity-trust.js';
import { requiredPermissions } from '../../src/core/identity/required-permissions.js';
import { roleArn } from '../../src/core/irsa.js';
import type { PodIdentityAssociationInfo } from '../../src/ports.js';
import {
  ACCOUNT,
  AMP_CONFIG,
  AMP_POLICY,
  certManagerDeployments,
  collector,
  context,
  healthyFacts,
  managedPolicyDocument,
  node,
  ok,
  ROLE,
  serviceAccount,
  XRAY_POLICY,
} from './checks-fixtures.js';

const CLUSTER_ARN = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/demo`;
const ROLE_ARN = roleArn(ACCOUNT, ROLE);
const SCOPE: PodIdentityTrustExpectation = {
  clusterArn: CLUSTER_ARN,
  clusterName: 'demo',
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
};

function association(overrides: Partial<PodIdentityAssociationInfo> = {}): PodIdentityAssociationInfo {
  return {
    associationId: 'a-0123456789abcdefg',
    associationArn: `arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/demo/a-0123456789abcdefg`,
    clusterName: 'demo',
    namespace: 'aws-otel-eks',
    serviceAccount: 'aws-otel-collector',
    roleArn: ROLE_ARN,
    ownerArn: undefined,
    disableSessionTags: false,
    tags: { 'app.kubernetes.io/managed-by': 'adot' },
    ...overrides,
  };
}

const agentDaemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'eks-pod-identity-agent', namespace: 'kube-system', generation: 1 },
  status: {
    desiredNumberScheduled: 2,
    currentNumberScheduled: 2,
    numberReady: 2,
    updatedNumberScheduled: 2,
    numberAvailable: 2,
    observedGeneration: 1,
  },
};

/**
 * A healthy EKS 1.29 cluster whose collector uses EKS Pod Identity: add-on v0.94.1 with a current cert-manager, a
 * service account without annotation, an association, the agent, a role trusted by pods.eks.amazonaws.com.
 */
function podIdentityFacts(): DoctorFacts {
  const facts = healthyFacts();
  if (facts.cluster.ok && facts.cluster.value) facts.cluster.value.version = '1.29';
  facts.kubeVersion = ok({ gitVersion: 'v1.29.15-eks-0d5c5d4', major: '1', minor: '29+' });
  facts.addonVersions = ok([
    {
      addonVersion: 'v0.94.1-eksbuild.1',
      architecture: ['amd64', 'arm64'],
      requiresConfiguration: false,
      compatibilities: ['1.26', '1.27', '1.28', '1.29'].map((v) => ({ clusterVersion: v, defaultVersion: true })),
    },
  ]);
  if (facts.deployments.ok) {
    facts.deployments = ok([
      ...certManagerDeployments('v1.13.1'),
      ...facts.deployments.value.filter((d) => d.metadata.namespace !== 'cert-manager'),
    ]);
  }
  facts.crds = ok(
    facts.crds.ok
      ? facts.crds.value.map((crd) =>
          crd.metadata.labels?.['app.kubernetes.io/version'] === undefined
            ? crd
            : { ...crd, metadata: { ...crd.metadata, labels: { 'app.kubernetes.io/version': 'v1.13.1' } } },
        )
      : [],
  );
  facts.addon = ok({ ...(facts.addon.ok ? facts.addon.value! : ({} as never)), addonVersion: 'v0.94.1-eksbuild.1' });
  facts.serviceAccounts = ok([serviceAccount('aws-otel-collector', null)]);
  facts.podIdentityAssociations = ok([association()]);
  facts.podIdentityAgentAddon = ok({
    addonName: 'eks-pod-identity-agent',
    addonVersion: 'v1.3.4-eksbuild.1',
    status: 'ACTIVE',
    health: [],
    serviceAccountRoleArn: undefined,
    configurationValues: undefined,
    createdAt: undefined,
    modifiedAt: undefined,
    podIdentityAssociations: [],
  });
  facts.daemonSets = ok([agentDaemonSet]);
  facts.role = ok({ name: ROLE, arn: ROLE_ARN, assumeRolePolicyDocument: buildPodIdentityTrustPolicy(SCOPE) });
  facts.oidcProviderArns = ok([]);
  facts.oidcProvider = ok(undefined);
  return facts;
}

function run(facts: DoctorFacts, ctx: Partial<DoctorContext> = {}): Map<CheckId, CheckResult> {
  return new Map(runChecks(ALL_CHECKS, facts, context(ctx)).map((r) => [r.id, r]));
}

function statusOf(results: Map<CheckId, CheckResult>, id: CheckId): string {
  return results.get(id)?.status ?? 'missing';
}

function failing(results: Map<CheckId, CheckResult>): CheckId[] {
  return [...results.values()].filter((r) => r.status === 'fail').map((r) => r.id);
}

function thrown(body: () => unknown): AdotError {
  try {
    body();
  } catch (error) {
    if (error instanceof AdotError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('choosing the identity', () => {
  it('auto picks Pod Identity where the add-on supports it and the nodes are not all Fargate, and says why', () => {
    const ec2 = computeKindOfNodes([node('ip-192-168-1-1.ec2.internal')]);
    expect(decideIdentity({ choice: 'auto', addonVersion: 'v0.151.0-eksbuild.1', compute: ec2 })).toMatchObject({
      mode: 'pod-identity',
    });
    expect(decideIdentity({ choice: 'auto', addonVersion: 'v0.94.1-eksbuild.1', compute: 'unknown' }).mode).toBe(
      'pod-identity',
    );
    const old = decideIdentity({ choice: 'auto', addonVersion: 'v0.92.1-eksbuild.1', compute: ec2 });
    expect(old).toMatchObject({ mode: 'irsa', reason: expect.stringContaining('v0.94.1-eksbuild.1') });
    const fargate = computeKindOfNodes([node('fargate-ip-1', 'fargate'), node('fargate-ip-2', 'fargate')]);
    expect(fargate).toBe('fargate-only');
    expect(decideIdentity({ choice: 'auto', addonVersion: 'v0.151.0-eksbuild.1', compute: fargate }).mode).toBe('irsa');
    expect(decideIdentity({ choice: 'irsa', addonVersion: 'v0.151.0-eksbuild.1', compute: ec2 }).mode).toBe('irsa');
  });

  it('refuses with exit 2 an unknown mode, and Pod Identity where it cannot work', () => {
    expect(thrown(() => parseIdentityChoice('oidc'))).toMatchObject({ code: 'UnknownIdentityMode', exitStatus: 2 });
    expect(
      thrown(() => decideIdentity({ choice: 'pod-identity', addonVersion: 'v0.45.0-eksbuild.1', compute: 'ec2' })),
    ).toMatchObject({ code: 'PodIdentityUnsupported', exitStatus: 2 });
    expect(
      thrown(() =>
        decideIdentity({ choice: 'pod-identity', addonVersion: 'v0.151.0-eksbuild.1', compute: 'fargate-only' }),
      ),
    ).toMatchObject({ code: 'PodIdentityOnFargate', exitStatus: 2 });
  });
});

describe('the Pod Identity trust policy', () => {
  const verify = (document: unknown, sessionTags = true) =>
    verifyPodIdentityTrust(document, SCOPE, { roleArn: ROLE_ARN, sessionTags });

  it('admits what adot writes, and the minimal trust of the EKS User Guide', () => {
    expect(verify(buildPodIdentityTrustPolicy(SCOPE))).toEqual([]);
    const minimal = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowEksAuthToAssumeRoleForPodIdentity',
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
      ],
    };
    expect(verify(minimal)).toEqual([]);
  });

  it('names the element that does not match: another namespace, a missing TagSession, the IRSA principal', () => {
    const otherNamespace = buildPodIdentityTrustPolicy({ ...SCOPE, namespace: 'observability' });
    expect(verify(otherNamespace)).toEqual([
      expect.objectContaining({
        field: 'condition',
        observed: 'aws:RequestTag/kubernetes-namespace = aws-otel-eks',
      }),
    ]);
    const noTagSession = buildPodIdentityTrustPolicy(SCOPE);
    noTagSession.Statement[0]!.Action = 'sts:AssumeRole';
    expect(verify(noTagSession)).toEqual([expect.objectContaining({ field: 'action', expected: 'sts:TagSession' })]);
    const federated = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/x' }, Action: '*' },
      ],
    };
    expect(verify(federated)[0]).toMatchObject({ field: 'principal' });
  });

  it('an association without session tags cannot satisfy a tag condition, but the minimal trust still works', () => {
    expect(verify(buildPodIdentityTrustPolicy(SCOPE), false)[0]).toMatchObject({ field: 'condition' });
    const minimal = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    };
    expect(verify(minimal, false)).toEqual([]);
  });
});

describe('the permissions the exporters need', () => {
  it('AMP remote write needs aps:RemoteWrite on the workspace named by the endpoint', () => {
    const permissions = requiredPermissions(AMP_CONFIG as never, { account: ACCOUNT, region: 'us-east-1' });
    expect(permissions).toEqual([
      expect.objectContaining({
        action: 'aps:RemoteWrite',
        resource: `arn:aws:aps:us-east-1:${ACCOUNT}:workspace/ws-12345678-abcd-1234-abcd-123456789012`,
        target: 'amp',
      }),
    ]);
  });
});

describe('the identity checks', () => {
  it('a healthy Pod Identity setup passes every check that applies; the IRSA-only check does not apply', () => {
    const results = run(podIdentityFacts());
    expect(failing(results)).toEqual([]);
    expect(statusOf(results, 'identity.mode')).toBe('pass');
    expect(statusOf(results, 'pod-identity.agent')).toBe('pass');
    expect(statusOf(results, 'pod-identity.association')).toBe('pass');
    expect(results.get('iam.oidc-provider')).toMatchObject({ status: 'skip', notApplicable: true });
    expect(statusOf(results, 'iam.trust-policy')).toBe('pass');
    expect(statusOf(results, 'iam.policies')).toBe('pass');
  });

  it('both wirings: warns that the association wins (EKS injects only its variables), and judges the Pod Identity side', () => {
    const facts = podIdentityFacts();
    facts.serviceAccounts = ok([serviceAccount('aws-otel-collector', roleArn(ACCOUNT, 'SomeIrsaRole'))]);
    const results = run(facts);
    expect(results.get('identity.mode')).toMatchObject({
      status: 'warn',
      message: expect.stringContaining('the association'),
    });
    expect(results.get('iam.oidc-provider')).toMatchObject({ status: 'skip', notApplicable: true });
    expect(statusOf(results, 'pod-identity.agent')).toBe('pass');
    expect(failing(results)).toEqual([]);
  });

  it('each broken part fails exactly its check', () => {
    const cases: [string, (facts: DoctorFacts) => void, string[], Partial<DoctorContext>?][] = [
      [
        'agent missing',
        (f) => ((f.podIdentityAgentAddon = ok(undefined)), (f.daemonSets = ok([]))),
        ['pod-identity.agent'],
      ],
      [
        'agent not ready',
        (f) => (f.daemonSets = ok([{ ...agentDaemonSet, status: { ...agentDaemonSet.status, numberReady: 1 } }])),
        ['pod-identity.agent'],
      ],
      ['Fargate only', (f) => (f.nodes = ok([node('fargate-ip-1', 'fargate')])), ['pod-identity.agent']],
      ['association removed (no annotation either)', (f) => (f.podIdentityAssociations = ok([])), ['identity.mode']],
      [
        'association pointing at another role, --role-name given',
        (f) => (f.podIdentityAssociations = ok([association({ roleArn: roleArn(ACCOUNT, 'Other') })])),
        ['pod-identity.association'],
        { roleNameGiven: true },
      ],
      [
        'trust for another namespace',
        (f) =>
          (f.role = ok({
            name: ROLE,
            arn: ROLE_ARN,
            assumeRolePolicyDocument: buildPodIdentityTrustPolicy({ ...SCOPE, namespace: 'other' }),
          })),
        ['iam.trust-policy'],
      ],
      ['policy detached', (f) => ((f.attachedPolicies = ok([])), (f.policyDocuments = ok([]))), ['iam.policies']],
      [
        'policy replaced by one for another target',
        (f) => ((f.attachedPolicies = ok([AMP_POLICY])), (f.policyDocuments = ok([managedPolicyDocument(AMP_POLICY)]))),
        ['iam.policies'],
      ],
      ['expected IRSA', () => undefined, ['identity.mode'], { identity: 'irsa' }],
    ];
    for (const [name, change, expected, ctx] of cases) {
      const facts = podIdentityFacts();
      change(facts);
      expect([name, failing(run(facts, ctx))]).toEqual([name, expected]);
    }
  });

  it('a custom inline policy granting exactly the calls passes; one lacking them fails naming the action', () => {
    const custom = (actions: string[]): RolePolicyDocument => ({
      name: 'collector-writes',
      kind: 'inline',
      document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] },
    });
    const grants = podIdentityFacts();
    grants.attachedPolicies = ok([]);
    grants.policyDocuments = ok([custom(['xray:PutTraceSegments'])]);
    expect(statusOf(run(grants), 'iam.policies')).toBe('pass');
    const lacks = podIdentityFacts();
    lacks.policyDocuments = ok([custom(['xray:GetSamplingRules'])]);
    expect(run(lacks).get('iam.policies')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('xray:PutTraceSegments'),
    });
    const denied = podIdentityFacts();
    denied.policyDocuments = ok([
      managedPolicyDocument(XRAY_POLICY),
      {
        name: 'deny-xray',
        kind: 'inline',
        document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'xray:Put*', Resource: '*' }] },
      },
    ]);
    expect(run(denied).get('iam.policies')?.message).toContain('denied by deny-xray statement 1');
  });
});

describe('amp.workspace', () => {
  const ampFacts = (workspace: DoctorFacts['ampWorkspace']) => {
    const facts = healthyFacts();
    facts.collectors = ok([collector(AMP_CONFIG)]);
    facts.policyDocuments = ok([managedPolicyDocument(AMP_POLICY)]);
    facts.ampWorkspace = workspace;
    return facts;
  };
  const target = {
    workspaceId: 'ws-12345678-abcd-1234-abcd-123456789012',
    endpointRegion: 'us-east-1',
    signingRegion: 'us-east-1',
  };
  const active = {
    workspaceId: target.workspaceId,
    alias: 'demo',
    arn: `arn:aws:aps:us-east-1:${ACCOUNT}:workspace/${target.workspaceId}`,
    status: 'ACTIVE',
    prometheusEndpoint: undefined,
  };

  it('passes for an ACTIVE workspace in the signing region, fails for a missing one, another region or CREATING', () => {
    expect(statusOf(run(ampFacts(ok({ ...target, workspace: active }))), 'amp.workspace')).toBe('pass');
    expect(run(ampFacts(ok({ ...target, workspace: undefined }))).get('amp.workspace')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('does not exist'),
    });
    expect(
      run(ampFacts(ok({ ...target, signingRegion: 'us-west-2', workspace: active }))).get('amp.workspace'),
    ).toMatchObject({ status: 'fail', message: expect.stringContaining('us-west-2') });
    expect(
      statusOf(run(ampFacts(ok({ ...target, workspace: { ...active, status: 'CREATING' } }))), 'amp.workspace'),
    ).toBe('fail');
  });

  it('warns when SigV4-signed remote writes go to a host that is not AMP', () => {
    const facts = ampFacts(ok(undefined));
    const endpoint = 'https://aps-workspaces.us-east-1.amazonaws.com.evil.com/workspaces/ws-1/api/v1/remote_write';
    facts.collectors = ok([
      collector({
        ...AMP_CONFIG,
        exporters: { prometheusremotewrite: { ...AMP_CONFIG.exporters.prometheusremotewrite, endpoint } },
      }),
    ]);
    expect(run(facts).get('amp.workspace')).toMatchObject({
      status: 'warn',
      observed: 'aps-workspaces.us-east-1.amazonaws.com.evil.com',
      message: expect.stringContaining('not an Amazon Managed Service for Prometheus endpoint'),
    });
  });
});
