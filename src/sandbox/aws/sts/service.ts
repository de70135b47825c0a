import { evaluateWebIdentityTrust } from '../../../core/iam/web-identity.js';
import { AwsServiceError } from '../../types.js';
import type { CredentialStore } from '../credentials.js';
import type { IamEmulator } from '../iam/emulator.js';
import { queryService, type QueryParams } from '../protocols/query.js';
import type { AwsService } from '../protocols/service.js';
import { assumeRole, validateSessionName } from './assume-role.js';
import { decodeWebIdentityToken } from './web-identity.js';

/** The sandbox's one IAM user, whose fixed credentials every client signs with. */
export const SANDBOX_USER_NAME = 'adot-sandbox';

/**
 * STS over the query protocol. GetCallerIdentity answers for whoever signed the request (the sandbox user or a role
 * session); AssumeRole and AssumeRoleWithWebIdentity issue role sessions through the sandbox's credential store
 * after evaluating the role's trust policy with the IAM policy evaluator (src/core/iam).
 */
export function stsService(iam: IamEmulator, credentials: CredentialStore): AwsService {
  return queryService({
    signingName: 'sts',
    faultService: 'sts',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    // GetCallerIdentity needs no permission, even with an explicit deny
    // (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html); the AssumeRole actions are
    // decided by the role's trust policy (and, for AssumeRole, the caller's identity policies) in the actions below.
    permissions: () => [],
    actions: {
      GetCallerIdentity: (_params, request) => {
        const caller = request.caller;
        if (caller === undefined)
          throw new AwsServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
        return { UserId: caller.userId, Account: caller.account, Arn: caller.arn };
      },
      AssumeRole: (p, request) => assumeRole(p, request, iam, credentials),
      AssumeRoleWithWebIdentity: (p) => assumeRoleWithWebIdentity(p, iam, credentials),
    },
  });
}

function assumeRoleWithWebIdentity(p: QueryParams, iam: IamEmulator, credentials: CredentialStore) {
  const roleArn = p.required('RoleArn');
  const sessionName = p.required('RoleSessionName');
  const token = p.required('WebIdentityToken');
  validateSessionName(sessionName);
  const role = iam.findRoleByArn(roleArn);
  const claims = decodeWebIdentityToken(token);
  if (claims.exp !== undefined && claims.exp * 1000 < credentials.currentTime().getTime()) {
    throw new AwsServiceError('ExpiredTokenException', 'Token expired', 400);
  }
  const issuerKey = claims.iss.replace(/^https:\/\//, '');
  const providerArn = `arn:aws:iam::${iam.account}:oidc-provider/${issuerKey}`;
  const provider = iam.listOpenIdConnectProviders().includes(providerArn)
    ? iam.getOpenIdConnectProvider(providerArn)
    : undefined;
  if (provider === undefined) {
    throw new AwsServiceError(
      'InvalidIdentityToken',
      `No OpenIDConnect provider found in your account for ${claims.iss}`,
      400,
    );
  }
  const audience = claims.aud.find((aud) => provider.ClientIDList.includes(aud));
  if (audience === undefined) throw new AwsServiceError('InvalidIdentityToken', 'Incorrect token audience', 400);
  const allowed =
    role !== undefined &&
    evaluateWebIdentityTrust(role.AssumeRolePolicyDocument, {
      providerArn,
      issuer: issuerKey,
      subject: claims.sub,
      audience,
      roleArn: role.Arn,
      sessionName,
    }).decision === 'allow';
  if (role === undefined || !allowed) {
    throw new AwsServiceError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
  }
  const duration = p.integer('DurationSeconds') ?? 3600;
  if (duration < 900 || duration > role.MaxSessionDuration) {
    throw new AwsServiceError(
      'ValidationError',
      `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`,
      400,
    );
  }
  const session = credentials.issueRoleSession({ roleArn: role.Arn, sessionName, durationSeconds: duration });
  return {
    Credentials: { ...session.credentials },
    SubjectFromWebIdentityToken: claims.sub,
    AssumedRoleUser: { AssumedRoleId: session.principal.userId, Arn: session.principal.arn },
    Provider: claims.iss,
    Audience: audience,
  };
}
