import { AWS_MANAGED_POLICIES, awsManagedPolicyArn } from '../aws/iam/managed-policies.js';
import {
  MANAGED_POLICY_MAX,
  parseIdentityPolicy,
  parsePolicyDocument,
  policySize,
  ROLE_INLINE_POLICIES_MAX,
} from '../aws/iam/policy-document.js';
import type { Seed } from '../types.js';
import { SEED_DEFAULTS } from './defaults.js';
import type { SchemaIssue, SchemaPath } from './schema.js';

/**
 * What IAM itself would refuse in a seed's iam section, found before the sandbox starts: policy documents IAM
 * would not store (MalformedPolicyDocument, size quotas), and attached policy ARNs that name no policy.
 */
export function iamSeedIssues(seed: Seed): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const issue = (path: SchemaPath, message: string) => issues.push({ path, atKey: false, message });
  const account = seed.account ?? SEED_DEFAULTS.account;
  const known = new Set(AWS_MANAGED_POLICIES.map(awsManagedPolicyArn));
  (seed.iam?.policies ?? []).forEach((policy, index) => {
    const text = JSON.stringify(policy.document);
    const problem = documentProblem(() => parseIdentityPolicy(text));
    if (problem !== undefined) issue(['iam', 'policies', index, 'document'], problem);
    else if (policySize(text) > MANAGED_POLICY_MAX) {
      issue(
        ['iam', 'policies', index, 'document'],
        `IAM refuses it: Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX}`,
      );
    }
    known.add(`arn:aws:iam::${account}:policy${policy.path ?? '/'}${policy.name}`);
  });
  (seed.iam?.roles ?? []).forEach((role, index) => {
    const at = (...rest: SchemaPath): SchemaPath => ['iam', 'roles', index, ...rest];
    if (role.assumeRolePolicyDocument !== undefined) {
      const problem = documentProblem(() => parsePolicyDocument(JSON.stringify(role.assumeRolePolicyDocument)));
      if (problem !== undefined) issue(at('assumeRolePolicyDocument'), problem);
    }
    (role.attachedPolicies ?? []).forEach((arn, position) => {
      if (known.has(arn)) return;
      issue(
        at('attachedPolicies', position),
        arn.startsWith('arn:aws:iam::aws:policy/')
          ? `the sandbox does not know the AWS managed policy ${arn}; it knows ${[...known]
              .filter((k) => k.includes('::aws:'))
              .map((k) => k.replace(/^.*\//, ''))
              .join(', ')}`
          : `no policy of iam.policies has the ARN ${arn} (account ${account})`,
      );
    });
    let total = 0;
    for (const [name, document] of Object.entries(role.inlinePolicies ?? {})) {
      const text = JSON.stringify(document);
      const problem = documentProblem(() => parseIdentityPolicy(text));
      if (problem !== undefined) issue(at('inlinePolicies', name), problem);
      total += policySize(text);
    }
    if (total > ROLE_INLINE_POLICIES_MAX) {
      issue(
        at('inlinePolicies'),
        `IAM refuses it: Maximum policy size of ${ROLE_INLINE_POLICIES_MAX} bytes exceeded for role ${role.name}`,
      );
    }
  });
  return issues;
}

function documentProblem(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (error) {
    return `not a policy document IAM accepts: ${(error as Error).message}`;
  }
}
