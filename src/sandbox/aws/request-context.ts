import type { ContextValue } from '../../core/iam/index.js';
import type { Principal, SessionTag } from './credentials.js';
import type { AwsRequest } from './protocols/request.js';

/**
 * The global condition keys AWS puts in a request's context, as far as the sandbox can know them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 * - aws:PrincipalArn (the role's ARN for a role session, not the session's), aws:PrincipalAccount,
 *   aws:PrincipalType, aws:userid, aws:username (IAM users only), aws:PrincipalTag/<key> (the role's tags and the
 *   session tags, which win), aws:TokenIssueTime and aws:MultiFactorAuthPresent (temporary credentials only);
 *   principal key values per https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable
 * - aws:RequestedRegion (the region the request is signed for), aws:CurrentTime, aws:EpochTime, aws:SourceIp (the
 *   client's address as the sandbox sees it), aws:ViaAWSService and aws:PrincipalIsAWSService (false: a client
 *   calls directly), aws:SecureTransport (true: the sandbox's plain-HTTP endpoint stands in for AWS endpoints,
 *   which a client reaches over TLS).
 * Not set: keys the sandbox cannot know (aws:SourceVpc, aws:PrincipalOrgID …) and aws:FederatedProvider.
 */
export function requestContext(
  request: AwsRequest,
  principal: Principal | undefined,
  now: Date,
  roleTags: readonly SessionTag[] = [],
): Record<string, ContextValue> {
  const context: Record<string, ContextValue> = {
    'aws:CurrentTime': isoSeconds(now),
    'aws:EpochTime': Math.floor(now.getTime() / 1000),
    'aws:SecureTransport': true,
    'aws:SourceIp': request.sourceIp,
    'aws:ViaAWSService': false,
    ...(request.scope === undefined ? {} : { 'aws:RequestedRegion': request.scope.region }),
  };
  if (principal === undefined) return context;
  context['aws:PrincipalAccount'] = principal.account;
  context['aws:PrincipalIsAWSService'] = false;
  context['aws:userid'] = principal.userId;
  if (principal.kind === 'user') {
    context['aws:PrincipalArn'] = principal.arn;
    context['aws:PrincipalType'] = 'User';
    context['aws:username'] = principal.userName;
    return context;
  }
  context['aws:PrincipalArn'] = principal.roleArn;
  context['aws:PrincipalType'] = 'AssumedRole';
  context['aws:TokenIssueTime'] = isoSeconds(principal.issuedAt);
  context['aws:MultiFactorAuthPresent'] = false;
  for (const tag of [...roleTags, ...principal.tags]) context[`aws:PrincipalTag/${tag.Key}`] = tag.Value;
  return context;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
