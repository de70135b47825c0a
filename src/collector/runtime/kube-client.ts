/**
 * How processors reach the Kubernetes API (k8sattributes, resourcedetection's eks detector): in a cluster through
 * the pod's service account (KUBERNETES_SERVICE_HOST, as client-go's in-cluster config), else through $KUBECONFIG —
 * which is how the sandbox's collectors reach its API server (a difference from the collector, whose
 * `auth_type: serviceAccount` only works in a cluster; `auth_type: kubeConfig` reads $KUBECONFIG there too). Every
 * file (the kubeconfig, the files it names, the service account's token and CA) is read through the collector's
 * view of files (files.ts), never by the client library itself.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { isIPv6 } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { CollectorFiles } from './files.js';

export type KubeAuthType = 'serviceAccount' | 'kubeConfig' | 'none' | 'tls';

/** where client-go's in-cluster configuration reads the pod's service account (rest.InClusterConfig) */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export async function kubeConfigFor(
  env: Record<string, string | undefined>,
  files: CollectorFiles,
  authType: KubeAuthType = 'serviceAccount',
  context?: string,
): Promise<KubeConfig> {
  const { KubeConfig: KubeConfigClass } = await import('./kube-api.js');
  const config = new KubeConfigClass();
  if (authType === 'serviceAccount' && env['KUBERNETES_SERVICE_HOST']) {
    await loadInCluster(config, env, files);
    return config;
  }
  const file = env['KUBECONFIG']?.split(':')[0];
  if (file === undefined || file === '') {
    throw new Error('no Kubernetes API: run inside a cluster (KUBERNETES_SERVICE_HOST) or export KUBECONFIG');
  }
  await loadKubeconfigFile(config, file, files);
  if (context !== undefined && context !== '') config.setCurrentContext(context);
  return config;
}

/**
 * client-go's in-cluster configuration: https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT with the service
 * account's token and CA (what client-node's loadFromCluster does, from the collector's environment and files).
 */
export async function loadInCluster(
  config: KubeConfig,
  env: Record<string, string | undefined>,
  files: CollectorFiles,
): Promise<void> {
  const host = env['KUBERNETES_SERVICE_HOST'] ?? '';
  const port = env['KUBERNETES_SERVICE_PORT'] ?? '443';
  const [token, ca] = await Promise.all([
    files.readFile(`${SERVICE_ACCOUNT_DIR}/token`),
    files.readFile(`${SERVICE_ACCOUNT_DIR}/ca.crt`),
  ]);
  config.loadFromOptions({
    clusters: [
      {
        name: 'inCluster',
        server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        caData: ca.toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'inClusterUser', token: token.toString('utf8').trim() }],
    contexts: [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser' }],
    currentContext: 'inClusterContext',
  });
}

/** A kubeconfig file, and the certificate files it names, read through the collector's view of files. */
export async function loadKubeconfigFile(config: KubeConfig, path: string, files: CollectorFiles): Promise<void> {
  config.loadFromString((await files.readFile(path)).toString('utf8'));
  // relative to the kubeconfig's directory, as client-go (and client-node's loadFromFile) read them
  const asData = async (file: string | undefined) =>
    file === undefined || file === ''
      ? undefined
      : (await files.readFile(resolve(dirname(path), file))).toString('base64');
  const clusters = await Promise.all(
    config.clusters.map(async ({ caFile, ...cluster }) => {
      const caData = await asData(caFile);
      return { ...cluster, ...(caData === undefined ? {} : { caData }) };
    }),
  );
  const users = await Promise.all(
    config.users.map(async ({ certFile, keyFile, ...user }) => {
      const [certData, keyData] = await Promise.all([asData(certFile), asData(keyFile)]);
      return {
        ...user,
        ...(certData === undefined ? {} : { certData }),
        ...(keyData === undefined ? {} : { keyData }),
      };
    }),
  );
  config.loadFromOptions({
    clusters,
    users,
    contexts: config.contexts,
    currentContext: config.currentContext,
  });
}
