/**
 * What EKS injects into a pod for its service account, as the Amazon EKS Pod Identity Webhook does
 * (https://github.com/aws/amazon-eks-pod-identity-webhook, pkg/handler/handler.go, README "Usage"):
 * - an EKS Pod Identity association for the service account → AWS_CONTAINER_CREDENTIALS_FULL_URI
 *   http://169.254.170.23/v1/credentials and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 *   /var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token, a projected token of audience
 *   pods.eks.amazonaws.com for 86400 s (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html);
 * - else an `eks.amazonaws.com/role-arn` annotation → AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE
 *   /var/run/secrets/eks.amazonaws.com/serviceaccount/token, AWS_STS_REGIONAL_ENDPOINTS=regional, AWS_REGION and
 *   AWS_DEFAULT_REGION, a projected token of audience sts.amazonaws.com (annotation `eks.amazonaws.com/audience`) for
 *   86400 s (annotation `eks.amazonaws.com/token-expiration`);
 * - neither → nothing.
 * With both, the webhook injects only the Pod Identity variables ("Container credentials method takes precedence",
 * buildPodPatchConfig), so the association wins. Variables the container already defines are left alone.
 *
 * The sandbox's pods run on this machine, so the token files are written under the sandbox's work directory (0600,
 * not following links) and the agent's address is its loopback listener; the Pod object shows the EKS paths.
 * Every pod also gets its service account's API token (for kubernetes_sd and k8sattributes), in a kubeconfig.
 */
import { closeSync, mkdirSync, openSync, rmSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import { renderKubeconfig } from '../kube/kubeconfig.js';
import type { KubeObject } from '../types.js';
import type { BoundObject, ServiceAccountTokenIssuer } from './service-account-tokens.js';

export const ROLE_ARN_ANNOTATION = 'eks.amazonaws.com/role-arn';
const AUDIENCE_ANNOTATION = 'eks.amazonaws.com/audience';
const EXPIRATION_ANNOTATION = 'eks.amazonaws.com/token-expiration';
const IRSA_AUDIENCE = 'sts.amazonaws.com';
const POD_IDENTITY_AUDIENCE = 'pods.eks.amazonaws.com';
const TOKEN_SECONDS = 86_400;
const IRSA_TOKEN_DIR = '/var/run/secrets/eks.amazonaws.com/serviceaccount';
const POD_IDENTITY_TOKEN_DIR = '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount';
const POD_IDENTITY_URI = 'http://169.254.170.23/v1/credentials';
/**
 * The audience of the default API token and its lifetime: 3607 s asked for by the kubelet, extended to a year by the
 * API server's --service-account-extend-token-expiration (default true)
 * (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/).
 */
export const API_AUDIENCE = 'https://kubernetes.default.svc';
const API_TOKEN_SECONDS = 365 * 86_400;

export interface PodAssociation {
  associationId: string;
  roleArn: string;
  disableSessionTags: boolean;
  targetRoleArn?: string;
}

export interface ClusterIdentityContext {
  clusterName: string;
  region: string;
  /** the cluster's OIDC issuer: the `iss` of its service-account tokens */
  issuer: string;
  apiServerUrl: string;
  certificateAuthority: string;
  tokens: ServiceAccountTokenIssuer;
  /** the emulated agent's URL (loopback) */
  agentUrl: string;
  association(namespace: string, serviceAccount: string): PodAssociation | undefined;
  /** where this cluster's pods keep their files */
  podsDir: string;
}

export interface PodBinding {
  namespace: string;
  pod: BoundObject;
  node?: BoundObject;
  serviceAccount: KubeObject;
}

export interface InjectedCredentials {
  /** the container's own variables: identity variables with the real file paths, and KUBECONFIG */
  env: Record<string, string>;
  /** the same variables as the Pod object shows them (EKS paths and addresses) */
  podEnv: { name: string; value: string }[];
  /** the projected volumes, as on the Pod object */
  volumes: Record<string, unknown>[];
  volumeMounts: Record<string, unknown>[];
}

/** which injection a service account gets now; a change means new pods, with other variables */
export function identityWiring(
  context: Pick<ClusterIdentityContext, 'association'>,
  serviceAccount: KubeObject | undefined,
  namespace: string,
): string {
  if (serviceAccount === undefined) return 'none';
  const association = context.association(namespace, serviceAccount.metadata.name);
  if (association !== undefined) return `pod-identity ${JSON.stringify(association)}`;
  const roleArn = serviceAccount.metadata.annotations?.[ROLE_ARN_ANNOTATION];
  if (roleArn === undefined) return 'none';
  const annotations = serviceAccount.metadata.annotations ?? {};
  return `irsa ${JSON.stringify([roleArn, annotations[AUDIENCE_ANNOTATION], annotations[EXPIRATION_ANNOTATION]])}`;
}

/** Writes the pod's token files and kubeconfig and says what its container gets. */
export function injectCredentials(context: ClusterIdentityContext, binding: PodBinding): InjectedCredentials {
  const dir = podDir(context, binding.namespace, binding.pod.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const serviceAccount: BoundObject = {
    name: binding.serviceAccount.metadata.name,
    uid: binding.serviceAccount.metadata.uid ?? '',
  };
  const issue = (audience: string, seconds: number) =>
    context.tokens.issue({
      issuer: context.issuer,
      audiences: [audience],
      namespace: binding.namespace,
      serviceAccount,
      pod: binding.pod,
      ...(binding.node === undefined ? {} : { node: binding.node }),
      expirationSeconds: seconds,
    }).token;
  const kubeconfig = join(dir, 'kubeconfig');
  writePrivate(
    kubeconfig,
    renderKubeconfig({
      clusters: [
        { name: context.clusterName, server: context.apiServerUrl, certificateAuthority: context.certificateAuthority },
      ],
      currentCluster: context.clusterName,
      user: `system:serviceaccount:${binding.namespace}:${serviceAccount.name}`,
      token: issue(API_AUDIENCE, API_TOKEN_SECONDS),
    }),
  );
  const injected: InjectedCredentials = { env: { KUBECONFIG: kubeconfig }, podEnv: [], volumes: [], volumeMounts: [] };
  const wiring = identityWiring(context, binding.serviceAccount, binding.namespace);
  const annotations = binding.serviceAccount.metadata.annotations ?? {};
  if (wiring.startsWith('pod-identity')) {
    const file = join(dir, 'eks-pod-identity-token');
    writePrivate(file, issue(POD_IDENTITY_AUDIENCE, TOKEN_SECONDS));
    set(injected, 'AWS_CONTAINER_CREDENTIALS_FULL_URI', context.agentUrl, POD_IDENTITY_URI);
    set(injected, 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', file, `${POD_IDENTITY_TOKEN_DIR}/eks-pod-identity-token`);
    project(injected, 'eks-pod-identity-token', POD_IDENTITY_TOKEN_DIR, POD_IDENTITY_AUDIENCE, TOKEN_SECONDS);
  } else if (wiring.startsWith('irsa')) {
    const audience = annotations[AUDIENCE_ANNOTATION] ?? IRSA_AUDIENCE;
    const seconds = Number(annotations[EXPIRATION_ANNOTATION] ?? TOKEN_SECONDS) || TOKEN_SECONDS;
    const file = join(dir, 'token');
    writePrivate(file, issue(audience, seconds));
    set(injected, 'AWS_STS_REGIONAL_ENDPOINTS', 'regional');
    set(injected, 'AWS_DEFAULT_REGION', context.region);
    set(injected, 'AWS_REGION', context.region);
    set(injected, 'AWS_ROLE_ARN', annotations[ROLE_ARN_ANNOTATION] ?? '');
    set(injected, 'AWS_WEB_IDENTITY_TOKEN_FILE', file, `${IRSA_TOKEN_DIR}/token`);
    project(injected, 'aws-iam-token', IRSA_TOKEN_DIR, audience, seconds);
  }
  return injected;
}

/** removes what injectCredentials wrote for the pod */
export function removePodFiles(context: Pick<ClusterIdentityContext, 'podsDir'>, namespace: string, pod: string): void {
  rmSync(podDir(context, namespace, pod), { recursive: true, force: true });
}

function podDir(context: Pick<ClusterIdentityContext, 'podsDir'>, namespace: string, pod: string): string {
  return join(context.podsDir, namespace, pod);
}

function set(injected: InjectedCredentials, name: string, value: string, shown = value): void {
  injected.env[name] = value;
  injected.podEnv.push({ name, value: shown });
}

function project(injected: InjectedCredentials, volume: string, mountPath: string, audience: string, seconds: number) {
  injected.volumes.push({
    name: volume,
    projected: {
      defaultMode: 420,
      sources: [
        {
          serviceAccountToken: {
            audience,
            expirationSeconds: seconds,
            path: volume === 'aws-iam-token' ? 'token' : volume,
          },
        },
      ],
    },
  });
  injected.volumeMounts.push({ name: volume, mountPath, readOnly: true });
}

/** 0600, created or truncated, never through a symbolic link */
function writePrivate(path: string, content: string): void {
  const descriptor = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    writeSync(descriptor, content);
  } finally {
    closeSync(descriptor);
  }
}
