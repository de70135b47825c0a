import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../../types.js';
import type { IamEmulator } from '../iam/emulator.js';
import { stableId } from '../iam/managed-policies.js';
import { queryService } from '../protocols/query.js';
import type { AwsService } from '../protocols/service.js';
import { decodeWebIdentityToken, trustPolicyAllows } from './web-identity.js';

/** The sandbox's one IAM user, whose fixed credentials every client signs with. */
export const SANDBOX_USER_NAME = 'adot-sandbox';

interface Session {
  arn: string;
  userId: string;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/**
 * STS over the query protocol: GetCallerIdentity answers for the sandbox user, or for the assumed role when the
 * request is signed with credentials AssumeRoleWithWebIdentity issued; AssumeRoleWithWebIdentity checks the token's
 * issuer against IAM's OIDC providers and the role's trust policy.
 */
export function stsService(iam: IamEmulator): AwsService {
  const sessions = new Map<string, Session>();
  return queryService({
    signingName: 'sts',
    faultService: 'sts',
    xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
    actions: {
      GetCallerIdentity: (_params, request) => {
        const session = request.scope === undefined ? undefined : sessions.get(request.scope.accessKeyId);
        return {
          UserId: session?.userId ?? stableId('AIDA', `${iam.account}/${SANDBOX_USER_NAME}`),
          Account: iam.account,
          Arn: session?.arn ?? `arn:aws:iam::${iam.account}:user/${SANDBOX_USER_NAME}`,
        };
      },
      AssumeRoleWithWebIdentity: (p) => {
        const roleArn = p.required('RoleArn');
        const sessionName = p.required('RoleSessionName');
        const token = p.required('WebIdentityToken');
        if (!SESSION_NAME.test(sessionName)) {
          throw new AwsServiceError(
            'ValidationError',
            `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
            400,
          );
        }
        const role = iam.findRoleByArn(roleArn);
        const claims = decodeWebIdentityToken(token);
        if (claims.exp !== undefined && claims.exp * 1000 < Date.now()) {
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
        if (
          role === undefined ||
          !trustPolicyAllows(role.AssumeRolePolicyDocument, providerArn, issuerKey, { sub: claims.sub, aud: audience })
        ) {
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
        const accessKeyId = stableId('ASIA', randomBytes(16).toString('hex')).slice(0, 20);
        const assumedRoleArn = `arn:aws:sts::${iam.account}:assumed-role/${role.RoleName}/${sessionName}`;
        const assumedRoleId = `${role.RoleId}:${sessionName}`;
        sessions.set(accessKeyId, { arn: assumedRoleArn, userId: assumedRoleId });
        return {
          Credentials: {
            AccessKeyId: accessKeyId,
            SecretAccessKey: randomBytes(30).toString('base64'),
            SessionToken: randomBytes(96).toString('base64'),
            Expiration: new Date(Date.now() + duration * 1000),
          },
          SubjectFromWebIdentityToken: claims.sub,
          AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: assumedRoleArn },
          Provider: claims.iss,
          Audience: audience,
        };
      },
    },
  });
}
