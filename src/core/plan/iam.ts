import type { OidcProviderInfo, PolicyDocument, PolicyStatement, RoleInfo } from '../../ports.js';
import {
  buildPodIdentityStatement,
  buildPodIdentityTrustPolicy,
  reconcilePodIdentityTrust,
  type PodIdentityTrustExpectation,
} from '../identity/pod-identity-trust.js';
import { WEB_IDENTITY_AUDIENCE, buildTrustPolicy, reconcileTrustPolicy, type TrustExpectation } from '../irsa.js';
import { TARGETS, policyArnsForTargets, type Target } from '../targets.js';

export type { TrustExpectation };

export type OidcProviderDecision =
  | { kind: 'create'; url: string; clientIds: string[] }
  | { kind: 'none' }
  /** the provider exists but does not list sts.amazonaws.com: IRSA tokens would be refused */
  | { kind: 'missing-audience'; clientIds: string[] };

export function decideOidcProvider(existing: OidcProviderInfo | undefined, issuerUrl: string): OidcProviderDecision {
  if (existing === undefined) return { kind: 'create', url: issuerUrl, clientIds: [WEB_IDENTITY_AUDIENCE] };
  return existing.clientIds.includes(WEB_IDENTITY_AUDIENCE)
    ? { kind: 'none' }
    : { kind: 'missing-audience', clientIds: existing.clientIds };
}

export type RoleDecision =
  { kind: 'create'; trustPolicy: PolicyDocument } | { kind: 'update'; trustPolicy: PolicyDocument } | { kind: 'none' };

/**
 * The trust the role must have: for IRSA the web identity of the cluster's OIDC provider, for EKS Pod Identity the
 * pods.eks.amazonaws.com service scoped by session tags. The other mode's expectation, when known, lets a switch
 * remove the statement adot wrote for the old mode (and only that one).
 */
export type RoleTrust =
  | { mode: 'irsa'; irsa: TrustExpectation; podIdentity?: PodIdentityTrustExpectation }
  | { mode: 'pod-identity'; podIdentity: PodIdentityTrustExpectation; roleArn: string; irsa?: TrustExpectation };

function statementsOf(document: unknown): PolicyStatement[] | undefined {
  const statement = (document as { Statement?: unknown } | undefined)?.Statement;
  if (Array.isArray(statement)) return statement as PolicyStatement[];
  return typeof statement === 'object' && statement !== null ? [statement as PolicyStatement] : undefined;
}

/** the statement adot writes for the mode it is not asked for, when it is in the document */
function otherModeStatement(trust: RoleTrust): PolicyStatement | undefined {
  if (trust.mode === 'irsa') return trust.podIdentity && buildPodIdentityStatement(trust.podIdentity);
  return trust.irsa && buildTrustPolicy(trust.irsa).Statement[0];
}

/** An existing role is reconciled (its unrelated statements kept), never skipped. */
export function decideRole(existing: RoleInfo | undefined, trust: RoleTrust): RoleDecision {
  if (existing === undefined) {
    const trustPolicy =
      trust.mode === 'irsa' ? buildTrustPolicy(trust.irsa) : buildPodIdentityTrustPolicy(trust.podIdentity);
    return { kind: 'create', trustPolicy };
  }
  // the asked mode's statement first, then the other mode's one removed: a switch converges in one run even when
  // that statement was the document's only one (a document is never left without a statement)
  const reconciled =
    trust.mode === 'irsa'
      ? reconcileTrustPolicy(existing.assumeRolePolicyDocument, trust.irsa)
      : reconcilePodIdentityTrust(existing.assumeRolePolicyDocument, trust.podIdentity, trust.roleArn);
  let document: PolicyDocument = reconciled.document;
  let removed = false;
  const stale = otherModeStatement(trust);
  const statements = statementsOf(document);
  if (stale !== undefined && statements !== undefined) {
    const kept = statements.filter((statement) => JSON.stringify(statement) !== JSON.stringify(stale));
    if (kept.length < statements.length && kept.length > 0) {
      removed = true;
      document = { Version: '2012-10-17', Statement: kept };
    }
  }
  return reconciled.changed || removed ? { kind: 'update', trustPolicy: document } : { kind: 'none' };
}

/**
 * The role trusted by several service accounts (the add-on's preset collectors): each one's trust reconciled in turn
 * on the document the previous ones produced. Created when the role does not exist yet.
 */
export function decideRoleForAll(existing: RoleInfo | undefined, trusts: readonly RoleTrust[]): RoleDecision {
  let current = existing;
  let trustPolicy: PolicyDocument | undefined;
  for (const trust of trusts) {
    const decision = decideRole(current, trust);
    if (decision.kind === 'none') continue;
    trustPolicy = decision.trustPolicy;
    current = { name: existing?.name ?? '', arn: existing?.arn ?? '', assumeRolePolicyDocument: trustPolicy };
  }
  if (trustPolicy === undefined) return { kind: 'none' };
  return existing === undefined ? { kind: 'create', trustPolicy } : { kind: 'update', trustPolicy };
}

export interface PolicyDecision {
  /** needed and already attached */
  keep: string[];
  attach: string[];
  /** target policies this tool manages that the chosen targets no longer need; foreign policies are never touched */
  detach: string[];
}

export function decidePolicies(attached: readonly string[], targets: readonly Target[]): PolicyDecision {
  const needed = policyArnsForTargets(targets);
  const managed = new Set(policyArnsForTargets(TARGETS));
  return {
    keep: needed.filter((arn) => attached.includes(arn)),
    attach: needed.filter((arn) => !attached.includes(arn)),
    detach: attached.filter((arn) => managed.has(arn) && !needed.includes(arn)).sort(),
  };
}

/** The policies uninstall --delete-role may detach: ours; anything else attached blocks deleting the role. */
export function partitionForRoleDeletion(attached: readonly string[]): { ours: string[]; foreign: string[] } {
  const managed = new Set(policyArnsForTargets(TARGETS));
  return {
    ours: attached.filter((arn) => managed.has(arn)),
    foreign: attached.filter((arn) => !managed.has(arn)),
  };
}

/** "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess" -> "AWSXRayDaemonWriteAccess" */
export function policyName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
