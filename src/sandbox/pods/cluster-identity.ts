import { join } from 'node:path';
import type { Logger } from '../../collector/telemetry/logger.js';
import type { CredentialStore } from '../aws/credentials.js';
import type { EksEmulator } from '../aws/eks/emulator.js';
import type { CollectorPodIdentity } from '../controllers/index.js';
import type { UserInfo } from '../kube/resource-api.js';
import type { ClusterStore } from '../types.js';
import {
  API_AUDIENCE,
  identityWiring,
  injectCredentials,
  removePodFiles,
  type ClusterIdentityContext,
} from './pod-credentials.js';
import { startPodIdentityAgent, type NodeCredentials, type PodIdentityAgent } from './pod-identity-agent.js';
import type { ServiceAccountTokenIssuer } from './service-account-tokens.js';

/** how long a node's instance-role credentials last before the agent asks for new ones (instance profiles: ~6 h) */
const NODE_SESSION_SECONDS = 6 * 3600;
const REFRESH_MS = 300_000;

export interface ClusterIdentityOptions {
  clusterName: string;
  region: string;
  issuer: string;
  awsUrl: string;
  apiServerUrl: string;
  certificateAuthority: string;
  store: ClusterStore;
  eks: EksEmulator;
  credentials: CredentialStore;
  tokens: ServiceAccountTokenIssuer;
  /** the nodes' IAM role, when the sandbox has one */
  nodeRoleArn: string | undefined;
  workDir: string;
  logger: Logger;
}

export interface ClusterIdentity {
  agent: PodIdentityAgent;
  podIdentity: CollectorPodIdentity;
  /** whether the kubelet runs this pod (a token bound to a pod is valid only while it does) */
  livePod(namespace: string, name: string, uid: string): boolean;
  close(): Promise<void>;
}

/** the pods whose credentials were injected and not yet removed, with their node */
class LivePods {
  private readonly pods = new Map<string, { uid: string; nodeName?: string }>();

  add(namespace: string, name: string, uid: string, nodeName: string | undefined): void {
    this.pods.set(`${namespace}/${name}`, { uid, ...(nodeName === undefined ? {} : { nodeName }) });
  }

  remove(namespace: string, name: string): void {
    this.pods.delete(`${namespace}/${name}`);
  }

  has(namespace: string, name: string, uid: string): boolean {
    return this.pods.get(`${namespace}/${name}`)?.uid === uid;
  }

  nodeOf(namespace: string, name: string): string | undefined {
    return this.pods.get(`${namespace}/${name}`)?.nodeName;
  }
}

/**
 * The identity plumbing of one emulated cluster: its EKS Pod Identity agent (answering with the node role's session
 * as caller of EKS Auth), and what its collector pods get for their service accounts (pod-credentials.ts).
 */
export async function startClusterIdentity(options: ClusterIdentityOptions): Promise<ClusterIdentity> {
  const nodeSessions = new Map<string, { credentials: NodeCredentials; expiresAt: number }>();
  const nodeCredentials = (nodeName: string): NodeCredentials | Error => {
    const cached = nodeSessions.get(nodeName);
    if (cached !== undefined && cached.expiresAt - Date.now() > REFRESH_MS) return cached.credentials;
    if (options.nodeRoleArn === undefined) return new Error('the node has no IAM role');
    const node = options.store.get('v1', 'Node', nodeName);
    // an instance profile's session is named after the instance (providerID aws:///ZONE/i-…)
    const instanceId = /\/(i-[0-9a-f]+)$/.exec(String((node?.spec as { providerID?: unknown })?.providerID ?? ''))?.[1];
    try {
      const session = options.credentials.issueRoleSession({
        roleArn: options.nodeRoleArn,
        sessionName: instanceId ?? 'eks-node',
        durationSeconds: NODE_SESSION_SECONDS,
      });
      const credentials = {
        accessKeyId: session.credentials.AccessKeyId,
        secretAccessKey: session.credentials.SecretAccessKey,
        sessionToken: session.credentials.SessionToken,
      };
      nodeSessions.set(nodeName, { credentials, expiresAt: session.credentials.Expiration.getTime() });
      return credentials;
    } catch (error) {
      return new Error(`failed to refresh cached credentials, no EC2 IMDS role found: ${(error as Error).message}`);
    }
  };
  const live = new LivePods();
  const agent = await startPodIdentityAgent({
    clusterName: options.clusterName,
    region: options.region,
    awsUrl: options.awsUrl,
    store: options.store,
    nodeOfPod: (namespace, name) => live.nodeOf(namespace, name),
    nodeCredentials,
    logger: options.logger,
  });
  const context: ClusterIdentityContext = {
    clusterName: options.clusterName,
    region: options.region,
    issuer: options.issuer,
    apiServerUrl: options.apiServerUrl,
    certificateAuthority: options.certificateAuthority,
    tokens: options.tokens,
    agentUrl: agent.url,
    association: (namespace, serviceAccount) => {
      const found = options.eks.podIdentityAssociationFor(options.clusterName, namespace, serviceAccount);
      if (found === undefined) return undefined;
      return {
        associationId: found.associationId,
        roleArn: found.roleArn,
        disableSessionTags: found.disableSessionTags,
        ...(found.targetRoleArn === undefined ? {} : { targetRoleArn: found.targetRoleArn }),
      };
    },
    podsDir: join(options.workDir, 'pods', options.clusterName),
  };
  return {
    agent,
    podIdentity: {
      wiring: (namespace, serviceAccount) => identityWiring(context, serviceAccount, namespace),
      inject: (binding) => {
        live.add(binding.namespace, binding.pod.name, binding.pod.uid, binding.node?.name);
        return injectCredentials(context, binding);
      },
      remove: (namespace, pod) => {
        live.remove(namespace, pod);
        removePodFiles(context, namespace, pod);
      },
    },
    livePod: (namespace, name, uid) => live.has(namespace, name, uid),
    close: () => agent.close(),
  };
}

/**
 * The user of a bearer token that is a service-account token of this cluster for its API (signed by the sandbox,
 * its issuer, the API audience, unexpired, its service account and pod still there), as the API server's
 * service-account authenticator answers: system:serviceaccount:NS:SA in system:serviceaccounts,
 * system:serviceaccounts:NS and system:authenticated
 * (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#service-account-tokens).
 */
export function serviceAccountAuthenticator(
  tokens: ServiceAccountTokenIssuer,
  issuer: string,
  store: ClusterStore,
  livePod: (namespace: string, name: string, uid: string) => boolean,
): (token: string) => UserInfo | undefined {
  return (token) => {
    const claims = tokens.verify(token);
    if (claims === undefined || claims.iss !== issuer || !claims.aud.includes(API_AUDIENCE)) return undefined;
    if (claims.exp <= tokens.nowSeconds()) return undefined;
    const bound = claims['kubernetes.io'];
    const account = store.get('v1', 'ServiceAccount', bound.serviceaccount.name, bound.namespace);
    if (account?.metadata.uid !== bound.serviceaccount.uid) return undefined;
    if (bound.pod !== undefined && !livePod(bound.namespace, bound.pod.name, bound.pod.uid)) return undefined;
    return {
      name: claims.sub,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${bound.namespace}`, 'system:authenticated'],
    };
  };
}
