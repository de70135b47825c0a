import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** certificateAuthority: the PEM certificate to trust for an https:// server (KubeApiServer.certificateAuthority) */
  clusters: { name: string; server: string; certificateAuthority?: string }[];
  currentCluster: string;
  user: string;
  token: string;
}

/**
 * A kubeconfig for the sandbox's clusters, all reached with one bearer token. Each context is named after its
 * cluster (rather than eksctl's `<user>@<cluster>`), so `--context demo` selects cluster demo. The server's CA
 * goes in as certificate-authority-data. (An http:// server would get insecure-skip-tls-verify, without which
 * @kubernetes/client-node refuses plain HTTP; note that kubectl sends no credentials over plain HTTP at all.)
 */
export function renderKubeconfig(options: KubeconfigOptions): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: options.clusters.map((cluster) => ({
      name: cluster.name,
      cluster: {
        server: cluster.server,
        ...(cluster.certificateAuthority === undefined
          ? {}
          : { 'certificate-authority-data': Buffer.from(cluster.certificateAuthority).toString('base64') }),
        ...(cluster.server.startsWith('http://') ? { 'insecure-skip-tls-verify': true } : {}),
      },
    })),
    users: [{ name: options.user, user: { token: options.token } }],
    contexts: options.clusters.map((cluster) => ({
      name: cluster.name,
      context: { cluster: cluster.name, user: options.user },
    })),
    'current-context': options.currentCluster,
  });
}
