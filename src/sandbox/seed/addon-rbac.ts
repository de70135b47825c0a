import { renderAddonRbac } from '../../core/templates/manifests.js';
import type { KubeObject } from '../types.js';

/**
 * Names from the ADOT docs' add-on RBAC manifest (adot-facts.md "Add-on RBAC manifest"), which EKS's
 * `eks:addon-manager` user needs before it can install add-on versions up to v0.62.1. The emulated EKS looks for
 * these names itself rather than for whatever templates/addon-rbac.yaml holds, so a template that drifts from the
 * docs makes the sandbox refuse the add-on instead of agreeing with it.
 */
export const ADDON_NAMESPACE = 'opentelemetry-operator-system';
export const ADDON_RBAC_CLUSTER_ROLE = 'eks:addon-manager-otel';
export const ADDON_RBAC_ROLE = 'eks:addon-manager';

/** What must exist in the cluster, by apiVersion, kind, name and namespace, for the add-on to install. */
export const REQUIRED_ADDON_RBAC: readonly { apiVersion: string; kind: string; name: string; namespace?: string }[] = [
  { apiVersion: 'v1', kind: 'Namespace', name: ADDON_NAMESPACE },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: ADDON_RBAC_CLUSTER_ROLE },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: ADDON_RBAC_CLUSTER_ROLE },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', name: ADDON_RBAC_ROLE, namespace: ADDON_NAMESPACE },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    name: ADDON_RBAC_ROLE,
    namespace: ADDON_NAMESPACE,
  },
];

/**
 * The preset `addon-rbac`: the manifest adot itself applies (templates/addon-rbac.yaml), as the API server stores it
 * (a namespace carries its name label).
 */
export function addonRbacObjects(): KubeObject[] {
  return renderAddonRbac().map((object) =>
    object.kind === 'Namespace'
      ? {
          ...object,
          metadata: {
            ...object.metadata,
            labels: { ...object.metadata.labels, 'kubernetes.io/metadata.name': object.metadata.name },
          },
        }
      : object,
  );
}
