import type { RequiredPermission } from '../protocols/authorization.js';
import type { QueryParams } from '../protocols/query.js';
import type { IamEmulator } from './emulator.js';

const ROLE_ACTIONS = new Set([
  'GetRole',
  'UpdateAssumeRolePolicy',
  'DeleteRole',
  'TagRole',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'ListAttachedRolePolicies',
  'PutRolePolicy',
  'GetRolePolicy',
  'ListRolePolicies',
  'DeleteRolePolicy',
]);
const POLICY_ACTIONS = new Set([
  'GetPolicy',
  'GetPolicyVersion',
  'ListPolicyVersions',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'DeletePolicyVersion',
  'DeletePolicy',
]);

/**
 * The permission each IAM action needs: `iam:<Action>` on the role, policy or OIDC provider it names, `*` for the
 * list actions (Service Authorization Reference for IAM:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
 */
export function iamPermissions(iam: IamEmulator) {
  return (action: string, p: QueryParams): RequiredPermission[] => {
    const account = iam.account;
    const of = (resource: string) => [{ action: `iam:${action}`, resource }];
    if (ROLE_ACTIONS.has(action)) {
      const name = p.optional('RoleName') ?? '';
      return of(iam.findRoleArn(name) ?? `arn:aws:iam::${account}:role/${name}`);
    }
    if (POLICY_ACTIONS.has(action)) return of(p.optional('PolicyArn') ?? '*');
    switch (action) {
      case 'CreateRole':
        return of(`arn:aws:iam::${account}:role${p.optional('Path') ?? '/'}${p.optional('RoleName') ?? ''}`);
      case 'CreatePolicy':
        return of(`arn:aws:iam::${account}:policy${p.optional('Path') ?? '/'}${p.optional('PolicyName') ?? ''}`);
      case 'CreateOpenIDConnectProvider':
        return of(`arn:aws:iam::${account}:oidc-provider/${(p.optional('Url') ?? '').replace(/^https:\/\//i, '')}`);
      case 'GetOpenIDConnectProvider':
      case 'DeleteOpenIDConnectProvider':
        return of(p.optional('OpenIDConnectProviderArn') ?? '*');
      default:
        return of('*');
    }
  };
}
