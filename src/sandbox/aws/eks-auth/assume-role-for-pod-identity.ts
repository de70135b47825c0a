/**
 * EKS Auth AssumeRoleForPodIdentity (botocore eks-auth/2023-11-26; what the EKS Pod Identity agent calls with the
 * pod's service-account token): the token must be one the cluster issued (its signature, `iss` = the cluster's OIDC
 * issuer, `aud` pods.eks.amazonaws.com, not expired) for a pod and service account that still exist; the association
 * of its namespace and service account names the role; the role's trust policy is evaluated for
 * pods.eks.amazonaws.com with the request doctor builds (podIdentityAssumeRequest, src/core/identity), the six
 * session tags EKS passes unless the association disables them
 * (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html#pod-id-abac-tags); then a role session is issued
 * through the credential store, tagged likewise. Error codes are the model's; their messages are not public and are
 * marked so. Not emulated: targetRoleArn (role chaining into another account) and the association's session policy.
 */
import { randomUUID } from 'node:crypto';
import { POD_IDENTITY_SERVICE, podIdentityAssumeRequest } from '../../../core/identity/pod-identity-trust.js';
import { explainTrust } from '../../../core/identity/trust-explain.js';
import type { ServiceAccountTokenIssuer } from '../../pods/service-account-tokens.js';
import { AwsServiceError, type ClusterStore } from '../../types.js';
import type { CredentialStore, SessionTag } from '../credentials.js';
import type { EksEmulator } from '../eks/emulator.js';
import type { IamEmulator } from '../iam/emulator.js';

export interface EksAuthDependencies {
  eks: EksEmulator;
  iam: IamEmulator;
  credentials: CredentialStore;
  tokens: ServiceAccountTokenIssuer;
  /** a cluster's objects (its service accounts) and whether a pod runs, undefined for an unknown name */
  cluster(
    name: string,
  ): { store: ClusterStore; livePod(namespace: string, name: string, uid: string): boolean } | undefined;
}

/** what the sandbox's sessions last; the duration EKS Auth uses is not published */
const SESSION_SECONDS = 3600;
/** STS's limit on RoleSessionName (64 characters of [\w+=,.@-]) */
const MAX_SESSION_NAME = 64;

// messages not public: EKS Auth's error messages are not published
const invalidToken = (why: string) => new AwsServiceError('InvalidTokenException', `Invalid token: ${why}`, 400);

export function assumeRoleForPodIdentity(deps: EksAuthDependencies, clusterName: string, token: string) {
  const cluster = deps.eks.clusterFacts(clusterName);
  const objects = deps.cluster(clusterName);
  if (cluster === undefined || objects === undefined) {
    // the message EKS answers for an unknown cluster elsewhere (DescribeCluster)
    throw new AwsServiceError('ResourceNotFoundException', `No cluster found for name: ${clusterName}.`, 404);
  }
  const claims = deps.tokens.verify(token);
  if (claims === undefined) throw invalidToken('the token is not a service account token of this cluster');
  if (claims.iss !== cluster.oidcIssuer) throw invalidToken(`the issuer ${claims.iss} is not the cluster's`);
  if (!claims.aud.includes(POD_IDENTITY_SERVICE)) {
    throw invalidToken(`the audience is ${claims.aud.join(', ')}, not ${POD_IDENTITY_SERVICE}`);
  }
  if (claims.exp <= deps.tokens.nowSeconds()) {
    // message not public
    throw new AwsServiceError('ExpiredTokenException', 'The service account token has expired', 400);
  }
  const bound = claims['kubernetes.io'];
  const namespace = bound.namespace;
  const serviceAccount = objects.store.get('v1', 'ServiceAccount', bound.serviceaccount.name, namespace);
  if (serviceAccount === undefined || serviceAccount.metadata.uid !== bound.serviceaccount.uid) {
    throw invalidToken(`service account ${namespace}/${bound.serviceaccount.name} no longer exists`);
  }
  if (bound.pod === undefined || !objects.livePod(namespace, bound.pod.name, bound.pod.uid)) {
    throw invalidToken('the token is not bound to a running pod');
  }
  const association = deps.eks.podIdentityAssociationFor(clusterName, namespace, bound.serviceaccount.name);
  if (association === undefined) {
    // message not public
    throw new AwsServiceError(
      'ResourceNotFoundException',
      `No Pod Identity Association found for service account ${bound.serviceaccount.name} in namespace ${namespace} of cluster ${clusterName}`,
      404,
    );
  }
  const tags: Record<string, string> = {
    'eks-cluster-arn': cluster.arn,
    'eks-cluster-name': clusterName,
    'kubernetes-namespace': namespace,
    'kubernetes-service-account': bound.serviceaccount.name,
    'kubernetes-pod-name': bound.pod.name,
    'kubernetes-pod-uid': bound.pod.uid,
  };
  const sessionTags = association.disableSessionTags ? undefined : tags;
  const role = deps.iam.findRoleByArn(association.roleArn);
  const findings =
    role === undefined
      ? []
      : explainTrust(role.AssumeRolePolicyDocument, podIdentityAssumeRequest(sessionTags, role.Arn));
  if (role === undefined || findings.length > 0) {
    // message not public
    throw new AwsServiceError(
      'AccessDeniedException',
      `${POD_IDENTITY_SERVICE} is not authorized to perform: sts:AssumeRole${sessionTags === undefined ? '' : ' and sts:TagSession'} on resource: ${association.roleArn}`,
      400,
    );
  }
  const session = deps.credentials.issueRoleSession({
    roleArn: role.Arn,
    // "eks-clustername-podname-random UUID" (AssumedRoleUser, eks-auth model), within STS's 64 characters
    sessionName: `eks-${clusterName}-${bound.pod.name}-${randomUUID()}`.slice(0, MAX_SESSION_NAME),
    durationSeconds: SESSION_SECONDS,
    tags: Object.entries(sessionTags ?? {}).map(([Key, Value]): SessionTag => ({ Key, Value })),
  });
  return {
    subject: { namespace, serviceAccount: bound.serviceaccount.name },
    audience: POD_IDENTITY_SERVICE,
    podIdentityAssociation: { associationArn: association.associationArn, associationId: association.associationId },
    assumedRoleUser: { arn: session.principal.arn, assumeRoleId: session.principal.userId },
    credentials: {
      sessionToken: session.credentials.SessionToken,
      secretAccessKey: session.credentials.SecretAccessKey,
      accessKeyId: session.credentials.AccessKeyId,
      expiration: session.credentials.Expiration,
    },
  };
}
