/**
 * The trust policy EKS Pod Identity needs: the service principal pods.eks.amazonaws.com may call sts:AssumeRole and
 * sts:TagSession (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html). adot scopes it to one cluster,
 * namespace and service account with the session tags EKS Pod Identity sets when it assumes the role
 * (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html#pod-id-abac-tags), so no other association in
 * the account can use the role.
 */
import type { PolicyDocument, PolicyStatement } from '../../ports.js';
import { explainTrust, type TrustFinding, type TrustRequest } from './trust-explain.js';

export const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';
export const POD_IDENTITY_ACTIONS = ['sts:AssumeRole', 'sts:TagSession'] as const;
const POLICY_VERSION = '2012-10-17';
const STATEMENT_ID = 'AllowEksAuthToAssumeRoleForPodIdentity';

export interface PodIdentityTrustExpectation {
  clusterArn: string;
  clusterName: string;
  namespace: string;
  serviceAccount: string;
}

/**
 * The session tags EKS Pod Identity passes for a pod of this service account (pod name and uid vary per pod and are
 * left out: a trust policy cannot depend on them).
 */
export type PodIdentitySessionTag =
  'eks-cluster-arn' | 'eks-cluster-name' | 'kubernetes-namespace' | 'kubernetes-service-account';

export function podIdentitySessionTags(expected: PodIdentityTrustExpectation): Record<PodIdentitySessionTag, string> {
  return {
    'eks-cluster-arn': expected.clusterArn,
    'eks-cluster-name': expected.clusterName,
    'kubernetes-namespace': expected.namespace,
    'kubernetes-service-account': expected.serviceAccount,
  };
}

/** The condition keys adot pins, as `aws:RequestTag/<tag>` (the tags of the AssumeRole request). */
export const POD_IDENTITY_SCOPE_TAGS: readonly PodIdentitySessionTag[] = [
  'eks-cluster-arn',
  'kubernetes-namespace',
  'kubernetes-service-account',
];

export function buildPodIdentityStatement(expected: PodIdentityTrustExpectation): PolicyStatement {
  const tags = podIdentitySessionTags(expected);
  return {
    Sid: STATEMENT_ID,
    Effect: 'Allow',
    Principal: { Service: POD_IDENTITY_SERVICE },
    Action: [...POD_IDENTITY_ACTIONS],
    Condition: {
      StringEquals: Object.fromEntries(POD_IDENTITY_SCOPE_TAGS.map((tag) => [`aws:RequestTag/${tag}`, tags[tag]])),
    },
  };
}

export function buildPodIdentityTrustPolicy(expected: PodIdentityTrustExpectation): PolicyDocument {
  return { Version: POLICY_VERSION, Statement: [buildPodIdentityStatement(expected)] };
}

/**
 * What EKS Pod Identity's AssumeRole brings to the trust policy's evaluation: the session tags as
 * `aws:RequestTag/<tag>` and their keys as `aws:TagKeys`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html), or nothing when the
 * association disables session tags. Doctor and the sandbox's EKS Auth build the request with this one function.
 */
export function podIdentityAssumeRequest(
  tags: Readonly<Record<string, string>> | undefined,
  roleArn: string,
): TrustRequest {
  const context: Record<string, string | string[]> = {};
  if (tags !== undefined) {
    for (const [key, value] of Object.entries(tags)) context[`aws:RequestTag/${key}`] = value;
    context['aws:TagKeys'] = Object.keys(tags);
  }
  return {
    principal: { type: 'Service', id: POD_IDENTITY_SERVICE },
    actions: tags === undefined ? ['sts:AssumeRole'] : [...POD_IDENTITY_ACTIONS],
    resource: roleArn,
    context,
  };
}

/** Everything that stops EKS Pod Identity from assuming the role for this service account; empty when it can. */
export function verifyPodIdentityTrust(
  document: unknown,
  expected: PodIdentityTrustExpectation,
  options: { roleArn: string; sessionTags: boolean },
): TrustFinding[] {
  const tags = options.sessionTags ? podIdentitySessionTags(expected) : undefined;
  return explainTrust(document, podIdentityAssumeRequest(tags, options.roleArn));
}

function statementsOf(document: unknown): PolicyStatement[] | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const statement = (document as { Statement?: unknown }).Statement;
  if (Array.isArray(statement)) return statement as PolicyStatement[];
  return typeof statement === 'object' && statement !== null ? [statement as PolicyStatement] : undefined;
}

/**
 * The trust policy to write so EKS Pod Identity can assume the role for this service account: kept as is when it
 * already can; otherwise every other statement is kept and adot's statement is added (replacing an older copy of it).
 */
export function reconcilePodIdentityTrust(
  existing: unknown,
  expected: PodIdentityTrustExpectation,
  roleArn: string,
): { document: PolicyDocument; changed: boolean } {
  const statements = statementsOf(existing);
  const wanted = buildPodIdentityStatement(expected);
  if (statements === undefined) return { document: buildPodIdentityTrustPolicy(expected), changed: true };
  if (verifyPodIdentityTrust(existing, expected, { roleArn, sessionTags: true }).length === 0) {
    return { document: { Version: POLICY_VERSION, Statement: statements }, changed: false };
  }
  const kept = statements.filter((statement) => statement.Sid !== STATEMENT_ID || !sameScope(statement, wanted));
  return { document: { Version: POLICY_VERSION, Statement: [...kept, wanted] }, changed: true };
}

/** an adot-written statement for the same namespace and service account (its cluster or tags may be stale) */
function sameScope(statement: PolicyStatement, wanted: PolicyStatement): boolean {
  const scope = (candidate: PolicyStatement) => {
    const equals = candidate.Condition?.StringEquals ?? {};
    return [equals['aws:RequestTag/kubernetes-namespace'], equals['aws:RequestTag/kubernetes-service-account']];
  };
  return JSON.stringify(scope(statement)) === JSON.stringify(scope(wanted));
}

/** Whether a statement is the one adot writes for this service account (what switching to IRSA removes). */
export function isAdotPodIdentityStatement(statement: unknown, expected: PodIdentityTrustExpectation): boolean {
  return JSON.stringify(statement) === JSON.stringify(buildPodIdentityStatement(expected));
}
