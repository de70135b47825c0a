import type { OidcProviderInfo, PolicyDocument, RoleInfo } from '../../ports.js';
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

/** An existing role is reconciled (its unrelated statements kept), never skipped. */
export function decideRole(existing: RoleInfo | undefined, expected: TrustExpectation): RoleDecision {
  if (existing === undefined) return { kind: 'create', trustPolicy: buildTrustPolicy(expected) };
  const { document, changed } = reconcileTrustPolicy(existing.assumeRolePolicyDocument, expected);
  return changed ? { kind: 'update', trustPolicy: document } : { kind: 'none' };
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
