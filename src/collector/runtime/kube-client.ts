/**
 * How processors reach the Kubernetes API (k8sattributes, resourcedetection's eks detector): in a cluster through
 * the pod's service account (KUBERNETES_SERVICE_HOST, as client-go's in-cluster config), else through $KUBECONFIG —
 * which is how the sandbox's collectors reach its API server (a difference from the collector, whose
 * `auth_type: serviceAccount` only works in a cluster; `auth_type: kubeConfig` reads $KUBECONFIG there too).
 */
import type { KubeConfig } from '@kubernetes/client-node';

export type KubeAuthType = 'serviceAccount' | 'kubeConfig' | 'none' | 'tls';

export async function kubeConfigFor(
  env: Record<string, string | undefined>,
  authType: KubeAuthType = 'serviceAccount',
  context?: string,
): Promise<KubeConfig> {
  const { KubeConfig: KubeConfigClass } = await import('./kube-api.js');
  const config = new KubeConfigClass();
  if (authType === 'serviceAccount' && env['KUBERNETES_SERVICE_HOST']) {
    config.loadFromCluster();
    return config;
  }
  const file = env['KUBECONFIG']?.split(':')[0];
  if (file === undefined || file === '') {
    throw new Error('no Kubernetes API: run inside a cluster (KUBERNETES_SERVICE_HOST) or export KUBECONFIG');
  }
  config.loadFromFile(file);
  if (context !== undefined && context !== '') config.setCurrentContext(context);
  return config;
}
