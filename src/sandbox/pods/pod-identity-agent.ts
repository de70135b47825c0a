/**
 * The EKS Pod Identity agent of one emulated cluster, as aws/eks-pod-identity-agent serves pods
 * (pkg/handlers/eks_credential_handler.go, internal/validation/request.go, pkg/errors/errors.go at
 * https://github.com/aws/eks-pod-identity-agent): `GET /v1/credentials` with the pod's service-account token as the
 * Authorization header; the token must be present and parse as a JWT with valid time claims (else 400); the agent
 * then calls EKS Auth AssumeRoleForPodIdentity with the node's credentials and answers
 * `{AccessKeyId, SecretAccessKey, Token, AccountId, Expiration (RFC 3339)}`, the shape the SDKs' container
 * credential provider reads; an EKS Auth error is answered with EKS Auth's HTTP status and the agent's text
 * `[request id]: (Code): message, fault: client`.
 *
 * One listener on 127.0.0.1 stands for the agent of every node (169.254.170.23:80 on each node of EKS; the SDKs'
 * container provider accepts loopback http). It answers a pod only while the agent's DaemonSet is ready and scheduled
 * on the pod's node: elsewhere the connection is dropped before any answer, as a pod whose node runs no agent finds
 * nothing at 169.254.170.23 (the agent's init container sets that address up on the node). Differences: the agent
 * checks that it was called at 169.254.170.23 or [fd00:ec2::23] (403 otherwise), which the sandbox's address is not,
 * and caches credentials up to 3 hours (--max-credential-retention-before-renewal); the sandbox asks EKS Auth every
 * time.
 */
import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../collector/telemetry/logger.js';
import { daemonSetReadiness } from '../../core/identity/pod-identity-agent.js';
import { daemonSetNodes } from '../kube/node-scheduling.js';
import { POD_IDENTITY_AGENT_DAEMONSET, POD_IDENTITY_AGENT_NAMESPACE } from '../seed/pod-identity-agent-objects.js';
import type { ClusterStore } from '../types.js';

/** the path the agent serves (ConfigureHandler) and pods are given in AWS_CONTAINER_CREDENTIALS_FULL_URI */
export const AGENT_CREDENTIALS_PATH = '/v1/credentials';

export interface NodeCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

export interface PodIdentityAgentOptions {
  clusterName: string;
  region: string;
  /** the sandbox's AWS endpoint, where EKS Auth answers */
  awsUrl: string;
  store: ClusterStore;
  /** the node a running pod was scheduled on */
  nodeOfPod(namespace: string, name: string): string | undefined;
  /** the credentials of a node's instance role, or why there are none */
  nodeCredentials(nodeName: string): NodeCredentials | Error;
  logger: Logger;
  host?: string;
}

export interface PodIdentityAgent {
  /** http://127.0.0.1:PORT/v1/credentials */
  url: string;
  close(): Promise<void>;
}

interface EksAuthAnswer {
  status: number;
  requestId: string;
  body: Record<string, unknown>;
  errorType?: string;
}

export async function startPodIdentityAgent(options: PodIdentityAgentOptions): Promise<PodIdentityAgent> {
  const log = (message: string) => options.logger.info(`eks-pod-identity-agent (${options.clusterName}): ${message}`);
  const server = createServer((incoming, outgoing) => {
    handle(options, incoming, outgoing, log).catch((error: unknown) => {
      if (!outgoing.headersSent) goError(outgoing, 500, (error as Error).message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}${AGENT_CREDENTIALS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  options: PodIdentityAgentOptions,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  log: (message: string) => void,
): Promise<void> {
  const url = new URL(incoming.url ?? '/', 'http://agent.invalid');
  // Go's ServeMux answers an unregistered path so
  if (url.pathname !== AGENT_CREDENTIALS_PATH) return goError(outgoing, 404, '404 page not found');
  const token = incoming.headers.authorization ?? '';
  const claims = unverifiedClaims(token);
  const podName = claims?.['kubernetes.io']?.pod?.name;
  const namespace = claims?.['kubernetes.io']?.namespace;
  const nodeName = podName === undefined ? undefined : options.nodeOfPod(namespace ?? 'default', podName);
  if (nodeName !== undefined && !agentRunsOn(options.store, nodeName)) {
    // no agent on that node: nothing listens at 169.254.170.23
    incoming.socket.destroy();
    return;
  }
  // internal/validation/request.go: empty, unparseable, or failing the registered claims' time checks → 400
  if (token === '') return goError(outgoing, 400, 'Service account token cannot be empty');
  if (claims === undefined) return goError(outgoing, 400, 'Service account token cannot be parsed: token is malformed');
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp === 'number' && claims.exp < now) {
    return goError(
      outgoing,
      400,
      'Service account token failed basic claim validations: token has invalid claims: token is expired',
    );
  }
  const credentials = options.nodeCredentials(nodeName ?? '');
  if (credentials instanceof Error) {
    log(`Error fetching credentials: ${credentials.message}`);
    return goError(outgoing, 500, `unable to fetch credentials from EKS Auth: ${credentials.message}`);
  }
  const answer = await callEksAuth(options, credentials, token);
  if (answer.status !== 200) {
    const code = answer.errorType ?? 'UnknownError';
    const message = String(answer.body.message ?? answer.body.Message ?? '');
    const fault = answer.status >= 500 ? 'server' : 'client';
    const text = `[${answer.requestId}]: (${code}): ${message}, fault: ${fault}`;
    log(`Error fetching credentials: ${text}`);
    return goError(outgoing, answer.status, text);
  }
  const issued = answer.body.credentials as Record<string, unknown>;
  const roleArn = String((answer.body.assumedRoleUser as Record<string, unknown>).arn ?? '');
  const body = JSON.stringify({
    AccessKeyId: issued.accessKeyId,
    SecretAccessKey: issued.secretAccessKey,
    Token: issued.sessionToken,
    AccountId: roleArn.split(':')[4] ?? '',
    // restJson1 timestamps are epoch seconds; the agent writes RFC 3339 (SdkCompliantExpirationTime)
    Expiration: new Date(Number(issued.expiration) * 1000).toISOString(),
  });
  outgoing.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  outgoing.end(body);
}

/** the agent DaemonSet is ready and has a pod on that node */
export function agentRunsOn(store: ClusterStore, nodeName: string): boolean {
  const daemonSet = store.get('apps/v1', 'DaemonSet', POD_IDENTITY_AGENT_DAEMONSET, POD_IDENTITY_AGENT_NAMESPACE);
  if (daemonSet === undefined || !daemonSetReadiness(daemonSet).ready) return false;
  return daemonSetNodes(daemonSet, store.list('v1', 'Node')).some((node) => node.metadata.name === nodeName);
}

interface UnverifiedClaims {
  exp?: unknown;
  'kubernetes.io'?: { namespace?: string; pod?: { name?: string } };
}

/** the agent only parses the token (jwt.ParseUnverified); EKS Auth verifies it */
function unverifiedClaims(token: string): UnverifiedClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as UnverifiedClaims) : undefined;
  } catch {
    return undefined;
  }
}

/** AssumeRoleForPodIdentity over HTTP, signed with the node's credentials (SigV4, signing name eks-auth) */
async function callEksAuth(
  options: PodIdentityAgentOptions,
  credentials: NodeCredentials,
  token: string,
): Promise<EksAuthAnswer> {
  const [{ SignatureV4 }, { Hash }] = await Promise.all([import('@smithy/signature-v4'), import('@smithy/hash-node')]);
  const endpoint = new URL(options.awsUrl);
  const path = `/clusters/${encodeURIComponent(options.clusterName)}/assume-role-for-pod-identity`;
  const body = JSON.stringify({ token });
  const signer = new SignatureV4({
    service: 'eks-auth',
    region: options.region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    ...(endpoint.port === '' ? {} : { port: Number(endpoint.port) }),
    path,
    query: {},
    headers: { host: endpoint.host, 'content-type': 'application/json' },
    body,
  });
  return new Promise<EksAuthAnswer>((resolve, reject) => {
    const call = httpRequest(
      { host: endpoint.hostname, port: endpoint.port, method: 'POST', path, headers: signed.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            parsed = {};
          }
          const errorType = response.headers['x-amzn-errortype'];
          resolve({
            status: response.statusCode ?? 500,
            requestId: String(response.headers['x-amzn-requestid'] ?? randomUUID()),
            body: parsed,
            ...(typeof errorType === 'string' ? { errorType: errorType.split(':')[0] ?? errorType } : {}),
          });
        });
        response.on('error', reject);
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

/** what Go's http.Error writes */
function goError(outgoing: ServerResponse, status: number, message: string): void {
  const body = `${message}\n`;
  outgoing.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'content-length': Buffer.byteLength(body),
  });
  outgoing.end(body);
}
