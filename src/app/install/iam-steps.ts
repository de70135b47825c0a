import { failure } from '../../core/errors.js';
import { MANAGED_BY_TAG } from '../../core/plan/ownership.js';
import { verifyPodIdentityTrust } from '../../core/identity/pod-identity-trust.js';
import { verifyTrustPolicy, type TrustExpectation } from '../../core/irsa.js';
import {
  decideOidcProvider,
  decidePolicies,
  decideRoleForAll,
  policyName,
  type RoleTrust,
} from '../../core/plan/iam.js';
import type { Target } from '../../core/targets.js';
import type { OperationDeps } from './deps.js';
import type { StepDefinition } from './runner.js';

/** The cluster's IAM OIDC provider (created when missing; IAM no longer needs a thumbprint for EKS issuers). */
export function oidcProviderStep(deps: OperationDeps, trust: TrustExpectation): StepDefinition {
  return {
    id: 'iam.oidc-provider',
    resource: `IAM OIDC provider ${trust.providerArn.slice(trust.providerArn.indexOf('/') + 1)}`,
    async plan() {
      const decision = decideOidcProvider(await deps.iam.getOpenIdConnectProvider(trust.providerArn), trust.issuerUrl);
      if (decision.kind === 'missing-audience') {
        throw failure(
          'OidcProviderAudience',
          `The OIDC provider does not list the client id sts.amazonaws.com (it lists: ${decision.clientIds.join(', ') || 'none'})`,
          {
            hint: `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${trust.providerArn} --client-id sts.amazonaws.com`,
          },
        );
      }
      return decision.kind === 'create'
        ? { action: 'create', detail: 'client id sts.amazonaws.com' }
        : { action: 'none', detail: 'exists' };
    },
    async apply() {
      await deps.iam.createOpenIdConnectProvider({ url: trust.issuerUrl, clientIds: ['sts.amazonaws.com'] });
    },
  };
}

/** the parts of the trust policy that do not admit the service accounts yet, for the plan */
function trustProblems(document: unknown, trusts: readonly RoleTrust[]): string[] {
  const fields = trusts.flatMap((trust) =>
    trust.mode === 'irsa'
      ? verifyTrustPolicy(document, trust.irsa).map((p) => p.field)
      : verifyPodIdentityTrust(document, trust.podIdentity, { roleArn: trust.roleArn, sessionTags: true }).map(
          (p) => p.field,
        ),
  );
  return [...new Set(fields)];
}

function accountOf(trust: RoleTrust): { namespace: string; serviceAccount: string } {
  return trust.mode === 'irsa' ? trust.irsa : trust.podIdentity;
}

/**
 * The collector's role (trusted by one service account, or several: the add-on's collectors): created, or its trust
 * policy reconciled — an existing role is never silently kept.
 */
export function roleStep(
  deps: OperationDeps,
  input: { roleName: string; clusterName: string; trust: RoleTrust | readonly RoleTrust[] },
): StepDefinition {
  const { roleName } = input;
  const trusts: readonly RoleTrust[] = Array.isArray(input.trust) ? input.trust : [input.trust as RoleTrust];
  const accounts = trusts.map(accountOf);
  const mode = trusts[0]?.mode === 'pod-identity' ? 'EKS Pod Identity' : 'IRSA';
  const who = `${accounts.map((a) => `${a.namespace}/${a.serviceAccount}`).join(', ')} (${mode})`;
  return {
    id: 'iam.role',
    resource: `IAM role ${roleName}`,
    async plan() {
      const existing = await deps.iam.getRole(roleName);
      const decision = decideRoleForAll(existing, trusts);
      if (decision.kind === 'none') return { action: 'none', detail: `trust policy admits ${who}` };
      if (decision.kind === 'create') return { action: 'create', detail: `trusted by ${who}` };
      const problems = trustProblems(existing?.assumeRolePolicyDocument, trusts);
      return {
        action: 'update',
        detail:
          problems.length === 0
            ? `trust policy: the other identity mode's statement removed`
            : `trust policy reconciled for ${who} (${problems.join(', ')})`,
      };
    },
    async apply() {
      const decision = decideRoleForAll(await deps.iam.getRole(roleName), trusts);
      if (decision.kind === 'create') {
        await deps.iam.createRole({
          roleName,
          assumeRolePolicyDocument: decision.trustPolicy,
          description:
            `ADOT collector ${accounts.map((a) => `${a.namespace}/${a.serviceAccount}`).join(', ')} on EKS cluster ${input.clusterName}`.slice(
              0,
              1000,
            ),
          tags: { ...MANAGED_BY_TAG },
        });
      } else if (decision.kind === 'update') {
        await deps.iam.updateAssumeRolePolicy(roleName, decision.trustPolicy);
      }
    },
  };
}

/**
 * The managed policies the targets need: missing ones attached. Pruning (--prune, or a removal confirmed), the other
 * target policies adot manages are detached; otherwise none is (installing adds). Any policy adot does not manage
 * is left alone.
 */
export function policiesStep(
  deps: OperationDeps,
  input: { roleName: string; targets: readonly Target[]; prune: boolean },
): StepDefinition {
  const observe = async () => {
    const exists = (await deps.iam.getRole(input.roleName)) !== undefined;
    const attached = exists ? await deps.iam.listAttachedRolePolicies(input.roleName) : [];
    const decision = decidePolicies(attached, input.targets);
    return input.prune ? decision : { ...decision, detach: [] };
  };
  return {
    id: 'iam.policies',
    resource: `IAM policies of ${input.roleName}`,
    async plan() {
      const decision = await observe();
      const changes = [
        ...decision.attach.map((arn) => `attach ${policyName(arn)}`),
        ...decision.detach.map((arn) => `detach ${policyName(arn)}`),
      ];
      if (changes.length === 0) return { action: 'none', detail: decision.keep.map(policyName).join(', ') };
      const onlyAttach = decision.detach.length === 0 && decision.keep.length === 0;
      return { action: onlyAttach ? 'create' : 'update', detail: changes.join(', ') };
    },
    async apply() {
      const decision = await observe();
      for (const arn of decision.attach) await deps.iam.attachRolePolicy(input.roleName, arn);
      for (const arn of decision.detach) await deps.iam.detachRolePolicy(input.roleName, arn);
    },
  };
}
