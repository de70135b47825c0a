/**
 * The trust-policy question of AssumeRoleWithWebIdentity, asked the same way by the sandbox's STS and by doctor:
 * may the holder of this OIDC token assume the role through this provider?
 *
 * The request context carries the provider's claims as `<issuer host/path>:sub` and `<issuer host/path>:aud` (the
 * token's `azp` when it has one, else the audience STS matched against the provider's client ids), per "Available
 * keys for AWS web identity federation":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 * and `sts:RoleSessionName` when the caller names a session ("present in the request when the principal assumes the
 * role using … any assume-role CLI command, or any AWS STS AssumeRole API operation", same page).
 */
import { evaluatePolicies } from './evaluate.js';
import type { Evaluation, RequestContext } from './types.js';

export const ASSUME_ROLE_WITH_WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';

export interface WebIdentityAssumption {
  /** `arn:aws:iam::ACCOUNT:oidc-provider/<issuer host/path>` */
  providerArn: string;
  /** the issuer without its scheme, e.g. `oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE` */
  issuer: string;
  subject: string;
  audience: string;
  /** the role being assumed; `*` when unknown */
  roleArn?: string;
  sessionName?: string;
}

export function webIdentityContext(assumption: WebIdentityAssumption): RequestContext {
  return {
    [`${assumption.issuer}:sub`]: assumption.subject,
    [`${assumption.issuer}:aud`]: assumption.audience,
    ...(assumption.sessionName === undefined ? {} : { 'sts:RoleSessionName': assumption.sessionName }),
  };
}

/** Evaluates a role's trust policy (parsed or JSON text) for one web-identity assumption. */
export function evaluateWebIdentityTrust(trustPolicy: unknown, assumption: WebIdentityAssumption): Evaluation {
  return evaluatePolicies([{ name: 'trust policy', document: trustPolicy }], {
    action: ASSUME_ROLE_WITH_WEB_IDENTITY,
    resource: assumption.roleArn ?? '*',
    principal: { type: 'Federated', id: assumption.providerArn },
    context: webIdentityContext(assumption),
  });
}
