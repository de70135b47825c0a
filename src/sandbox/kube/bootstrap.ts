import type { KubeObject } from '../types.js';

/** the ClusterRoleBinding that makes the sandbox user an administrator; seed a cluster without it to emulate a user without permissions */
export const sandboxAdminBindingName = 'adot-sandbox-admin';

const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * What every new cluster holds: the four standard namespaces, the `kubernetes` Service, the cluster-admin
 * ClusterRole and a binding of `user` to it.
 */
export function baseClusterObjects(user: string): KubeObject[] {
  return [
    ...namespaces.map((name): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    })),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.100.0.1',
        clusterIPs: ['10.100.0.1'],
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }],
        sessionAffinity: 'None',
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      rules: [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: sandboxAdminBindingName },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    },
  ];
}
