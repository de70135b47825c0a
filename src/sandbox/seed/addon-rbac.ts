import type { KubeObject } from '../types.js';

/**
 * The add-on RBAC manifest the ADOT docs had users apply before creating add-on versions up to v0.62.1
 * (adot-facts.md "Add-on RBAC manifest"): it lets EKS's `eks:addon-manager` user install the operator.
 */
export const ADDON_NAMESPACE = 'opentelemetry-operator-system';
export const ADDON_MANAGER_USER = 'eks:addon-manager';
export const ADDON_RBAC_CLUSTER_ROLE = 'eks:addon-manager-otel';
export const ADDON_RBAC_ROLE = 'eks:addon-manager';

const ALL_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

const clusterRules = [
  {
    apiGroups: ['apiextensions.k8s.io'],
    resources: ['customresourcedefinitions'],
    resourceNames: ['opentelemetrycollectors.opentelemetry.io', 'instrumentations.opentelemetry.io'],
    verbs: ALL_VERBS,
  },
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch'] },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterroles'],
    resourceNames: [
      'opentelemetry-operator-manager-role',
      'opentelemetry-operator-metrics-reader',
      'opentelemetry-operator-proxy-role',
    ],
    verbs: ALL_VERBS,
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['clusterrolebindings'],
    resourceNames: ['opentelemetry-operator-manager-rolebinding', 'opentelemetry-operator-proxy-rolebinding'],
    verbs: ALL_VERBS,
  },
  {
    apiGroups: ['admissionregistration.k8s.io'],
    resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
    resourceNames: [
      'opentelemetry-operator-mutating-webhook-configuration',
      'opentelemetry-operator-validating-webhook-configuration',
    ],
    verbs: ALL_VERBS,
  },
  { apiGroups: [''], resources: ['configmaps'], verbs: ALL_VERBS },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['serviceaccounts', 'services'], verbs: ALL_VERBS },
  { apiGroups: ['apps'], resources: ['daemonsets', 'deployments', 'statefulsets', 'replicasets'], verbs: ALL_VERBS },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'list', 'update'] },
  {
    apiGroups: ['opentelemetry.io'],
    resources: [
      'opentelemetrycollectors',
      'opentelemetrycollectors/finalizers',
      'opentelemetrycollectors/status',
      'instrumentations',
    ],
    verbs: ALL_VERBS,
  },
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
  { nonResourceURLs: ['/metrics'], verbs: ['get'] },
];

const namespaceRules = [
  {
    apiGroups: [''],
    resources: ['serviceaccounts'],
    resourceNames: ['opentelemetry-operator-controller-manager', 'opentelemetry-operator'],
    verbs: ALL_VERBS,
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['roles', 'rolebindings'],
    resourceNames: [
      'opentelemetry-operator-leader-election-role',
      'opentelemetry-operator-leader-election-rolebinding',
    ],
    verbs: ALL_VERBS,
  },
  {
    apiGroups: [''],
    resources: ['services'],
    resourceNames: [
      'opentelemetry-operator-controller-manager-metrics-service',
      'opentelemetry-operator-webhook-service',
      'opentelemetry-operator-webhook',
    ],
    verbs: ALL_VERBS,
  },
  {
    apiGroups: ['apps'],
    resources: ['deployments'],
    resourceNames: ['opentelemetry-operator-controller-manager', 'opentelemetry-operator'],
    verbs: ALL_VERBS,
  },
  {
    apiGroups: ['cert-manager.io'],
    resources: ['certificates', 'issuers'],
    resourceNames: ['opentelemetry-operator-serving-cert', 'opentelemetry-operator-selfsigned-issuer'],
    verbs: ALL_VERBS,
  },
  { apiGroups: [''], resources: ['configmaps'], verbs: ALL_VERBS },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
];

const subjects = [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: ADDON_MANAGER_USER }];

export function addonRbacObjects(): KubeObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ADDON_NAMESPACE, labels: { 'kubernetes.io/metadata.name': ADDON_NAMESPACE } },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: ADDON_RBAC_CLUSTER_ROLE },
      rules: clusterRules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: ADDON_RBAC_CLUSTER_ROLE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: ADDON_RBAC_CLUSTER_ROLE },
      subjects,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: ADDON_RBAC_ROLE, namespace: ADDON_NAMESPACE },
      rules: namespaceRules,
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: ADDON_RBAC_ROLE, namespace: ADDON_NAMESPACE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ADDON_RBAC_ROLE },
      subjects,
    },
  ];
}
