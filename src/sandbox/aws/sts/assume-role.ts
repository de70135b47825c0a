import { evaluatePolicies, type ContextValue, type PolicySource } from '../../../core/iam/index.js';
import { AwsServiceError } from '../../types.js';
import type { CredentialStore, Principal, SessionTag } from '../credentials.js';
import type { IamEmulator } from '../iam/emulator.js';
import type { QueryParams } from '../protocols/query.js';
import type { AwsRequest } from '../protocols/request.js';
import { requestContext } from '../request-context.js';

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_CHAINING_MAX_SECONDS = 3600;

export function validateSessionName(sessionName: string): void {
  if (!SESSION_NAME.test(sessionName)) {
    throw new AwsServiceError(
      'ValidationError',
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      400,
    );
  }
}

/**
 * STS AssumeRole for the sandbox user or a role session (role chaining). As IAM decides it within one account
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): the role's trust
 * policy must allow sts:AssumeRole (and sts:TagSession when session tags are passed) to the caller; an explicit
 * deny in the caller's identity-based policies refuses; and when the trust policy admits the caller only through
 * its account (`"AWS": "ACCOUNT"` or the root ARN), the caller's identity-based policies must allow it too. The
 * sandbox user is an administrator, whose identity-based policies allow everything.
 */
export function assumeRole(p: QueryParams, request: AwsRequest, iam: IamEmulator, credentials: CredentialStore) {
  const caller = request.caller;
  if (caller === undefined) {
    throw new AwsServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
  }
  const roleArn = p.required('RoleArn');
  const sessionName = p.required('RoleSessionName');
  validateSessionName(sessionName);
  const tags = p.structList('Tags', ['Key', 'Value']).map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' }));
  const denied = new AwsServiceError(
    'AccessDenied',
    `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
  const role = iam.findRoleByArn(roleArn);
  if (role === undefined) throw denied;

  const actions = tags.length > 0 ? ['sts:AssumeRole', 'sts:TagSession'] : ['sts:AssumeRole'];
  const context = assumeRoleContext(request, caller, credentials, iam, sessionName, tags, p.optional('ExternalId'));
  const identity = identityPoliciesOf(caller, iam);
  for (const action of actions) {
    const trust = evaluatePolicies(
      [{ name: `trust policy of ${role.RoleName}`, document: role.AssumeRolePolicyDocument }],
      {
        action,
        resource: role.Arn,
        principal: { type: 'AWS', id: caller.arn },
        context,
      },
    );
    if (trust.decision !== 'allow') throw denied;
    if (identity === 'administrator') continue;
    const own = evaluatePolicies(identity, { action, resource: role.Arn, context });
    const onlyThroughAccount = trust.allowedBy.every((ref) => ref.principal === 'account');
    if (own.decision === 'explicit-deny' || (onlyThroughAccount && own.decision !== 'allow')) throw denied;
  }

  const duration = p.integer('DurationSeconds') ?? 3600;
  if (caller.kind === 'role-session' && duration > ROLE_CHAINING_MAX_SECONDS) {
    throw new AwsServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      400,
    );
  }
  if (duration < 900 || duration > role.MaxSessionDuration) {
    throw new AwsServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      400,
    );
  }
  const session = credentials.issueRoleSession({ roleArn: role.Arn, sessionName, durationSeconds: duration, tags });
  return {
    Credentials: { ...session.credentials },
    AssumedRoleUser: { AssumedRoleId: session.principal.userId, Arn: session.principal.arn },
  };
}

function identityPoliciesOf(caller: Principal, iam: IamEmulator): PolicySource[] | 'administrator' {
  return caller.kind === 'user' ? 'administrator' : iam.identityPolicies(caller.roleArn);
}

/** the request context plus STS's own keys (sts:RoleSessionName, sts:ExternalId) and the session tags passed */
function assumeRoleContext(
  request: AwsRequest,
  caller: Principal,
  credentials: CredentialStore,
  iam: IamEmulator,
  sessionName: string,
  tags: SessionTag[],
  externalId: string | undefined,
): Record<string, ContextValue> {
  const callerRoleTags = caller.kind === 'role-session' ? (iam.findRoleByArn(caller.roleArn)?.Tags ?? []) : [];
  const context = requestContext(request, caller, credentials.currentTime(), callerRoleTags);
  context['sts:RoleSessionName'] = sessionName;
  if (externalId !== undefined) context['sts:ExternalId'] = externalId;
  if (tags.length > 0) {
    for (const tag of tags) context[`aws:RequestTag/${tag.Key}`] = tag.Value;
    context['aws:TagKeys'] = tags.map((tag) => tag.Key);
  }
  return context;
}
