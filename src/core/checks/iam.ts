/**
 * iam.oidc-provider, iam.role, iam.trust-policy and iam.policies: the role the collector's service account really
 * gets (through IRSA or EKS Pod Identity), whether it trusts that wiring, and whether its policies allow the calls
 * the collector's exporters make — judged by effect, with the IAM evaluator, not by policy names.
 */
import { regionOfArn } from '../arn.js';
import { deniedActions, evaluatePolicies } from '../iam/index.js';
import { oidcProviderArn, verifyTrustPolicy, WEB_IDENTITY_AUDIENCE } from '../irsa.js';
import { verifyPodIdentityTrust } from '../identity/pod-identity-trust.js';
import {
  requiredPermissions,
  requiredPermissionsForTargets,
  type RequiredPermission,
} from '../identity/required-permissions.js';
import { policyArnsForTargets, TARGETS, type Target } from '../targets.js';
import { collectorIdentity, expandedCollectorConfig } from './collector-identity.js';
import { hintFor, listText, pass, withFact } from './helpers.js';
import type { Check, CheckId, CheckOutcome, DoctorContext, DoctorFacts, RolePolicyDocument } from './types.js';

export function identityOf(facts: DoctorFacts, context: DoctorContext) {
  return collectorIdentity(
    facts.collectors.ok ? facts.collectors.value : undefined,
    facts.serviceAccounts.ok ? facts.serviceAccounts.value : undefined,
    facts.podIdentityAssociations.ok ? facts.podIdentityAssociations.value : undefined,
    context,
  );
}

function usesPodIdentity(facts: DoctorFacts, context: DoctorContext): boolean {
  return identityOf(facts, context).effective === 'pod-identity';
}

export const iamOidcProvider: Check<'iam.oidc-provider'> = {
  id: 'iam.oidc-provider',
  category: 'iam',
  title: "IAM OIDC provider exists for the cluster's issuer (IRSA)",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['aws.credentials', 'eks.cluster', 'identity.mode'],
  run(facts, context) {
    if (usesPodIdentity(facts, context)) {
      return { status: 'skip', message: 'skipped: not needed with EKS Pod Identity', notApplicable: true };
    }
    return oidcProviderOutcome(facts, context.clusterName, this.id);
  },
};

/** Whether IAM has a provider for the cluster's issuer with the STS audience (also for the add-on's collectors). */
export function oidcProviderOutcome(facts: DoctorFacts, clusterName: string, id: CheckId): CheckOutcome {
  if (!facts.identity.ok || !facts.cluster.ok || !facts.cluster.value)
    return { status: 'skip', message: 'skipped: cluster unknown' };
  const issuer = facts.cluster.value.oidcIssuer;
  if (!issuer) {
    return {
      status: 'fail',
      message: `cluster ${clusterName} has no OIDC issuer`,
      observed: 'none',
      expected: 'identity.oidc.issuer',
      hint: hintFor(id, 'aws eks describe-cluster --name <cluster> --query cluster.identity.oidc.issuer'),
    };
  }
  const expected = oidcProviderArn(facts.identity.value.account, issuer);
  return withFact(id, 'IAM OIDC providers', facts.oidcProviderArns, (arns) => {
    if (!arns.includes(expected)) {
      return {
        status: 'fail',
        message: `no IAM OIDC provider for ${issuer}`,
        observed: arns.length === 0 ? 'no providers' : `${arns.length} other provider(s)`,
        expected,
        hint: hintFor(
          id,
          `adot install --cluster ${clusterName} --identity irsa (or eksctl utils associate-iam-oidc-provider --cluster ${clusterName} --approve)`,
        ),
      };
    }
    return withFact(id, `OIDC provider ${expected}`, facts.oidcProvider, (provider) => {
      const clientIds = provider?.clientIds ?? [];
      if (!clientIds.includes(WEB_IDENTITY_AUDIENCE)) {
        return {
          status: 'fail',
          message: `OIDC provider does not list client id ${WEB_IDENTITY_AUDIENCE}`,
          observed: listText(clientIds),
          expected: WEB_IDENTITY_AUDIENCE,
          hint: hintFor(
            id,
            `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${expected} --client-id ${WEB_IDENTITY_AUDIENCE}`,
          ),
        };
      }
      return pass(`provider ${expected} with client id ${WEB_IDENTITY_AUDIENCE}`, { observed: expected, expected });
    });
  });
}

const ROLE_SOURCE = {
  annotation: 'named by the service account annotation',
  association: 'named by the Pod Identity association',
  option: '--role-name',
} as const;

export const iamRole: Check<'iam.role'> = {
  id: 'iam.role',
  category: 'iam',
  title: "the collector's IAM role exists",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['aws.credentials', 'identity.mode', 'pod-identity.association'],
  run(facts, context) {
    const identity = identityOf(facts, context);
    const from = ROLE_SOURCE[identity.roleSource];
    return withFact(this.id, `role ${identity.roleName}`, facts.role, (role) => {
      if (role === undefined) {
        return {
          status: 'fail',
          message: `role ${identity.roleName} (${from}) does not exist`,
          observed: 'not found',
          expected: identity.roleName,
          hint: hintFor(this.id, `adot install --cluster ${context.clusterName} --role-name ${identity.roleName}`),
        };
      }
      return pass(`role ${role.name} exists (${from})`, { observed: role.arn });
    });
  },
};

function irsaTrust(facts: DoctorFacts, context: DoctorContext, id: CheckId): CheckOutcome {
  const oidc = iamOidcProvider.run(facts, context);
  if (oidc.status === 'fail') return { status: 'skip', message: 'skipped: iam.oidc-provider failed' };
  if (
    !facts.role.ok ||
    !facts.role.value ||
    !facts.identity.ok ||
    !facts.cluster.ok ||
    !facts.cluster.value?.oidcIssuer
  ) {
    return { status: 'skip', message: 'skipped: role or cluster issuer unknown' };
  }
  const identity = identityOf(facts, context);
  const issuerUrl = facts.cluster.value.oidcIssuer;
  const providerArn = oidcProviderArn(facts.identity.value.account, issuerUrl);
  const problems = verifyTrustPolicy(facts.role.value.assumeRolePolicyDocument, {
    providerArn,
    issuerUrl,
    namespace: identity.namespace,
    serviceAccount: identity.serviceAccount,
  });
  const account = `system:serviceaccount:${identity.namespace}:${identity.serviceAccount}`;
  if (problems.length > 0) {
    return {
      status: 'fail',
      message: `role ${facts.role.value.name} does not trust ${account} (the account the collector uses, from ${identity.serviceAccountSource}): ${problems.map((p) => p.message).join('; ')}`,
      observed: problems.map((p) => `${p.field}: ${p.observed}`).join('; '),
      expected: problems.map((p) => `${p.field}: ${p.expected}`).join('; '),
      hint: hintFor(
        id,
        `adot install --cluster ${context.clusterName} --identity irsa --role-name ${facts.role.value.name} --namespace ${identity.namespace} --service-account ${identity.serviceAccount}; it reconciles the trust policy`,
      ),
    };
  }
  return pass(`IRSA: role ${facts.role.value.name} trusts ${account} via ${providerArn}`, {
    observed: account,
    expected: account,
  });
}

function podIdentityTrust(facts: DoctorFacts, context: DoctorContext, id: CheckId): CheckOutcome {
  const identity = identityOf(facts, context);
  const association = identity.association;
  if (!facts.role.ok || !facts.role.value || !facts.cluster.ok || !facts.cluster.value || !association) {
    return { status: 'skip', message: 'skipped: role, cluster or association unknown' };
  }
  const role = facts.role.value;
  const sessionTags = !association.disableSessionTags;
  const findings = verifyPodIdentityTrust(
    role.assumeRolePolicyDocument,
    {
      clusterArn: facts.cluster.value.arn,
      clusterName: facts.cluster.value.name,
      namespace: identity.namespace,
      serviceAccount: identity.serviceAccount,
    },
    { roleArn: role.arn, sessionTags },
  );
  const who = `EKS Pod Identity (pods.eks.amazonaws.com) for ${identity.namespace}/${identity.serviceAccount}`;
  if (findings.length > 0) {
    const tagsNote = sessionTags
      ? ''
      : ' (the association disables session tags, so no aws:RequestTag condition can hold)';
    return {
      status: 'fail',
      message: `role ${role.name} does not let ${who} assume it${tagsNote}: ${findings.map((f) => f.message).join('; ')}`,
      observed: findings.map((f) => `${f.field}: ${f.observed}`).join('; '),
      expected: findings.map((f) => `${f.field}: ${f.expected}`).join('; '),
      hint: hintFor(
        id,
        `adot install --cluster ${context.clusterName} --identity pod-identity --role-name ${role.name} --namespace ${identity.namespace} --service-account ${identity.serviceAccount}; it reconciles the trust policy`,
      ),
    };
  }
  return pass(`Pod Identity: role ${role.name} trusts ${who}`, { observed: role.arn });
}

export const iamTrustPolicy: Check<'iam.trust-policy'> = {
  id: 'iam.trust-policy',
  category: 'iam',
  title: "the role trusts the collector's service account (IRSA web identity or EKS Pod Identity)",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['iam.role'],
  run(facts, context) {
    return usesPodIdentity(facts, context)
      ? podIdentityTrust(facts, context, this.id)
      : irsaTrust(facts, context, this.id);
  },
};

/**
 * What the collector's exporters call: from its configuration; with --target, only those targets' exporters, and
 * for a target the configuration does not export to, what adot's template for it would call.
 */
function permissionsNeeded(
  facts: DoctorFacts,
  context: DoctorContext,
): { permissions: RequiredPermission[]; targets: readonly Target[] } | undefined {
  if (!facts.identity.ok || !facts.cluster.ok || !facts.cluster.value) return undefined;
  const scope = {
    account: facts.identity.value.account,
    region: regionOfArn(facts.cluster.value.arn) ?? 'us-east-1',
    clusterName: context.clusterName,
  };
  const identity = identityOf(facts, context);
  const config = identity.collector === undefined ? undefined : expandedCollectorConfig(identity.collector);
  if (config === undefined && context.targets === undefined) return undefined;
  const fromConfig = config === undefined ? [] : requiredPermissions(config, scope);
  if (context.targets === undefined) {
    return { permissions: fromConfig, targets: TARGETS.filter((t) => fromConfig.some((p) => p.target === t)) };
  }
  const permissions = context.targets.flatMap((target) => {
    const exported = fromConfig.filter((p) => p.target === target);
    return exported.length > 0 ? exported : requiredPermissionsForTargets([target], scope);
  });
  return { permissions, targets: context.targets };
}

export const iamPolicies: Check<'iam.policies'> = {
  id: 'iam.policies',
  category: 'iam',
  title: "the role's policies allow the calls the collector's exporters make",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['iam.role'],
  run(facts, context) {
    const needed = permissionsNeeded(facts, context);
    if (needed === undefined) {
      return { status: 'skip', message: 'skipped: no collector resource to read the exporters from and no --target' };
    }
    const identity = identityOf(facts, context);
    const { permissions, targets } = needed;
    if (permissions.length === 0) return pass('the collector exports to no AWS service; no permission needed');
    return withFact(this.id, `policies of ${identity.roleName}`, facts.policyDocuments, (documents) => {
      const sources = documents.map((policy) => ({ name: policy.name, document: policy.document }));
      const denied = deniedActions(sources, permissions);
      const names = documents.map((policy) => policy.name);
      const asked = permissions.map((p) => `${p.action} on ${p.resource}`);
      if (denied.length > 0) {
        const missing = [...new Set(denied.map((d) => d.action))];
        const suggested = policyArnsForTargets(targets);
        return {
          status: 'fail',
          message: `role ${identity.roleName} is not allowed to ${listText(missing)}: ${denied.map((d) => d.reason).join('; ')}`,
          observed: `policies: ${listText(names)}`,
          expected: `allowed: ${listText(asked)}`,
          hint: hintFor(
            this.id,
            `adot install --cluster ${context.clusterName} --role-name ${identity.roleName} (attaches ${listText(suggested.map((arn) => arn.slice(arn.lastIndexOf('/') + 1)))}), or grant ${listText(missing)} in a policy of your own`,
          ),
        };
      }
      const unused = documents.filter((policy) => !grantsAny(policy.document, permissions)).map((p) => p.name);
      if (unused.length > 0) {
        return {
          status: 'warn',
          message: `role ${identity.roleName} has policies that grant none of the collector's calls: ${listText(unused)}`,
          observed: `policies: ${listText(names)}`,
          expected: `allowed: ${listText(asked)}`,
          hint: hintFor(
            this.id,
            `(destructive: removes permissions; check first that nothing else using the role needs them) ${unused
              .map((name) => removeCommand(identity.roleName, name, documents))
              .join(' && ')}`,
          ),
        };
      }
      return pass(`${listText(names)} allow ${listText([...new Set(permissions.map((p) => p.action))])}`, {
        observed: `policies: ${listText(names)}`,
        expected: `allowed: ${listText(asked)}`,
      });
    });
  },
};

/** whether a policy document allows at least one of the permissions */
function grantsAny(document: unknown, permissions: readonly RequiredPermission[]): boolean {
  return permissions.some(
    (permission) => evaluatePolicies([{ name: 'policy', document }], permission).decision === 'allow',
  );
}

function removeCommand(roleName: string, name: string, documents: readonly RolePolicyDocument[]): string {
  const kind = documents.find((policy) => policy.name === name)?.kind;
  // destructive: shown only after the hint's "(destructive: …)" mark
  return kind === 'inline'
    ? `aws iam delete-role-policy --role-name ${roleName} --policy-name ${name}`
    : `aws iam detach-role-policy --role-name ${roleName} --policy-arn ${name}`;
}
