/**
 * iam.oidc-provider, iam.role, iam.trust-policy and iam.policies: IRSA for the service account the collector
 * resource actually uses.
 */
import { oidcProviderArn, verifyTrustPolicy, WEB_IDENTITY_AUDIENCE } from '../irsa.js';
import { policyArnsForTargets } from '../targets.js';
import { collectorIdentity, collectorTargets } from './collector-identity.js';
import { hintFor, listText, pass, withFact } from './helpers.js';
import type { Check, DoctorContext, DoctorFacts } from './types.js';

export function identityOf(facts: DoctorFacts, context: DoctorContext) {
  return collectorIdentity(
    facts.collectors.ok ? facts.collectors.value : undefined,
    facts.serviceAccounts.ok ? facts.serviceAccounts.value : undefined,
    context,
  );
}

export const iamOidcProvider: Check = {
  id: 'iam.oidc-provider',
  category: 'iam',
  title: "IAM OIDC provider exists for the cluster's issuer",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['aws.credentials', 'eks.cluster'],
  run(facts, context) {
    if (!facts.identity.ok || !facts.cluster.ok || !facts.cluster.value)
      return { status: 'skip', message: 'skipped: cluster unknown' };
    const issuer = facts.cluster.value.oidcIssuer;
    if (!issuer) {
      return {
        status: 'fail',
        message: `cluster ${context.clusterName} has no OIDC issuer`,
        observed: 'none',
        expected: 'identity.oidc.issuer',
        hint: hintFor(this.id, 'aws eks describe-cluster --name <cluster> --query cluster.identity.oidc.issuer'),
      };
    }
    const expected = oidcProviderArn(facts.identity.value.account, issuer);
    return withFact(this.id, 'IAM OIDC providers', facts.oidcProviderArns, (arns) => {
      if (!arns.includes(expected)) {
        return {
          status: 'fail',
          message: `no IAM OIDC provider for ${issuer}`,
          observed: arns.length === 0 ? 'no providers' : `${arns.length} other provider(s)`,
          expected,
          hint: hintFor(
            this.id,
            `adot install --cluster ${context.clusterName} (or eksctl utils associate-iam-oidc-provider --cluster ${context.clusterName} --approve)`,
          ),
        };
      }
      return withFact(this.id, `OIDC provider ${expected}`, facts.oidcProvider, (provider) => {
        const clientIds = provider?.clientIds ?? [];
        if (!clientIds.includes(WEB_IDENTITY_AUDIENCE)) {
          return {
            status: 'fail',
            message: `OIDC provider does not list client id ${WEB_IDENTITY_AUDIENCE}`,
            observed: listText(clientIds),
            expected: WEB_IDENTITY_AUDIENCE,
            hint: hintFor(
              this.id,
              `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn ${expected} --client-id ${WEB_IDENTITY_AUDIENCE}`,
            ),
          };
        }
        return pass(`provider ${expected} with client id ${WEB_IDENTITY_AUDIENCE}`, { observed: expected, expected });
      });
    });
  },
};

export const iamRole: Check = {
  id: 'iam.role',
  category: 'iam',
  title: "the collector's IAM role exists",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['aws.credentials'],
  run(facts, context) {
    const identity = identityOf(facts, context);
    const from = identity.annotatedRoleArn
      ? `named by service account ${identity.namespace}/${identity.serviceAccount}`
      : '--role-name';
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

export const iamTrustPolicy: Check = {
  id: 'iam.trust-policy',
  category: 'iam',
  title: "the role trusts the collector's service account through the cluster's OIDC provider",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['iam.role', 'iam.oidc-provider'],
  run(facts, context) {
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
          this.id,
          `adot install --cluster ${context.clusterName} --role-name ${facts.role.value.name} --namespace ${identity.namespace} --service-account ${identity.serviceAccount}; it reconciles the trust policy`,
        ),
      };
    }
    return pass(`role ${facts.role.value.name} trusts ${account} via ${providerArn}`, {
      observed: account,
      expected: account,
    });
  },
};

export const iamPolicies: Check = {
  id: 'iam.policies',
  category: 'iam',
  title: "the role has the managed policies the collector's exporters need",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['iam.role'],
  run(facts, context) {
    const identity = identityOf(facts, context);
    const targets = context.targets ?? (identity.collector ? collectorTargets(identity.collector) : undefined);
    if (targets === undefined)
      return { status: 'skip', message: 'skipped: no collector resource to read targets from and no --target' };
    if (targets.length === 0) return pass('the collector exports to no AWS service; no policy needed');
    const required = policyArnsForTargets(targets);
    return withFact(this.id, `policies attached to ${identity.roleName}`, facts.attachedPolicies, (attached) => {
      const missing = required.filter((arn) => !attached.includes(arn));
      const extra = attached.filter((arn) => !required.includes(arn));
      if (missing.length > 0) {
        return {
          status: 'fail',
          message: `role ${identity.roleName} lacks ${listText(missing)} needed for ${listText(targets)}`,
          observed: listText(attached),
          expected: listText(required),
          hint: hintFor(
            this.id,
            missing
              .map((arn) => `aws iam attach-role-policy --role-name ${identity.roleName} --policy-arn ${arn}`)
              .join(' && '),
          ),
        };
      }
      if (extra.length > 0) {
        return {
          status: 'warn',
          message: `role ${identity.roleName} has policies the collector does not need: ${listText(extra)}`,
          observed: listText(attached),
          expected: listText(required),
          hint: hintFor(
            this.id,
            `(removes permissions: check that nothing else using the role needs them) ${extra
              .map((arn) => `aws iam detach-role-policy --role-name ${identity.roleName} --policy-arn ${arn}`)
              .join(' && ')}`,
          ),
        };
      }
      return pass(`${listText(required)} attached for ${listText(targets)}`, {
        observed: listText(attached),
        expected: listText(required),
      });
    });
  },
};
