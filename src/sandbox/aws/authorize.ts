import { evaluatePolicies, type Decision } from '../../core/iam/index.js';
import type { CredentialStore, RoleSessionPrincipal } from './credentials.js';
import type { IamEmulator } from './iam/emulator.js';
import type { AuthFailure, RequiredPermission } from './protocols/authorization.js';
import type { AwsRequest } from './protocols/request.js';
import { requestContext } from './request-context.js';

/**
 * AWS's access-denied message for an identity-based decision, per "Access denied error messages"
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html): `User: <principal> is not
 * authorized to perform: <action> on resource: <resource> because no identity-based policy allows the <action>
 * action`, or `… with an explicit deny in an identity-based policy`.
 */
export function accessDeniedMessage(
  principalArn: string,
  permission: RequiredPermission,
  decision: Exclude<Decision, 'allow'>,
): string {
  const base = `User: ${principalArn} is not authorized to perform: ${permission.action} on resource: ${permission.resource}`;
  return decision === 'explicit-deny'
    ? `${base} with an explicit deny in an identity-based policy`
    : `${base} because no identity-based policy allows the ${permission.action} action`;
}

/**
 * Evaluates the role's identity-based policies (default versions of its attached managed policies, and its inline
 * policies, as IAM holds them now) for every permission the request needs; the first refusal, or undefined.
 */
export function authorizeRoleSession(
  session: RoleSessionPrincipal,
  permissions: readonly RequiredPermission[],
  request: AwsRequest,
  iam: IamEmulator,
  credentials: CredentialStore,
): AuthFailure | undefined {
  if (permissions.length === 0) return undefined;
  const policies = iam.identityPolicies(session.roleArn);
  const role = iam.findRoleByArn(session.roleArn);
  const context = requestContext(request, session, credentials.currentTime(), role?.Tags ?? []);
  for (const permission of permissions) {
    const evaluation = evaluatePolicies(policies, { ...permission, context });
    if (evaluation.decision !== 'allow') {
      return { kind: 'access-denied', message: accessDeniedMessage(session.arn, permission, evaluation.decision) };
    }
  }
  return undefined;
}
