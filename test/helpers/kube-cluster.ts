import { request as httpsRequest } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { FaultInjector } from '../../src/sandbox/faults.js';
import { baseClusterObjects } from '../../src/sandbox/kube/bootstrap.js';
import { renderKubeconfig } from '../../src/sandbox/kube/kubeconfig.js';
import { startKubeApiServer, type KubeApiServer } from '../../src/sandbox/kube/server.js';
import { createClusterStore } from '../../src/sandbox/kube/store.js';
import type { ClusterStore, KubeObject, SeedFault } from '../../src/sandbox/types.js';

export const adminUser = 'sandbox-admin';
export const adminToken = 'admin-token';
export const viewerUser = 'viewer';
export const viewerToken = 'viewer-token';

export interface TestCluster {
  store: ClusterStore;
  server: KubeApiServer;
  /** kubeconfig YAML for a user (default the admin) */
  kubeconfig(token?: string, user?: string): string;
  /** a client-node KubeConfig for a user (default the admin) */
  kubeConfig(token?: string, user?: string): KubeConfig;
  close(): Promise<void>;
}

/** a store seeded with the base objects (admin bound to cluster-admin) and an API server over it, on 127.0.0.1:0 */
export async function startTestCluster(
  options: { faults?: SeedFault[]; objects?: KubeObject[] } = {},
): Promise<TestCluster> {
  const store = createClusterStore();
  for (const object of [...baseClusterObjects(adminUser), ...(options.objects ?? [])]) store.put(object);
  const server = await startKubeApiServer({
    store,
    gitVersion: 'v1.22.17-eks-48e63af',
    tokens: { [adminToken]: adminUser, [viewerToken]: viewerUser },
    ...(options.faults === undefined ? {} : { faults: new FaultInjector(options.faults, 42) }),
  });
  const kubeconfig = (token = adminToken, user = token === viewerToken ? viewerUser : adminUser): string =>
    renderKubeconfig({
      clusters: [{ name: 'demo', server: server.url, certificateAuthority: server.certificateAuthority }],
      currentCluster: 'demo',
      user,
      token,
    });
  return {
    store,
    server,
    kubeconfig,
    kubeConfig(token, user) {
      const config = new KubeConfig();
      config.loadFromString(kubeconfig(token, user));
      return config;
    },
    close: () => server.close(),
  };
}

/** the HTTP status and decoded Status body of a failed client-node call */
export async function failureOf(call: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    const failure = error as { code?: number; body?: unknown };
    const body =
      typeof failure.body === 'string'
        ? (JSON.parse(failure.body) as Record<string, unknown>)
        : (failure.body as Record<string, unknown>);
    return { code: failure.code ?? 0, body };
  }
  throw new Error('the call succeeded');
}

/** one HTTPS request to the cluster's API server, trusting its certificate; body is sent as given */
export function rawRequest(
  cluster: TestCluster,
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; token?: string | null } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(path, cluster.server.url);
  const token = options.token === undefined ? adminToken : options.token;
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        method,
        ca: cluster.server.certificateAuthority,
        headers: {
          ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}
