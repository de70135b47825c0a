import { usageError } from '../../core/errors.js';
import type { KubeObject } from '../types.js';
import { addonRbacObjects } from './addon-rbac.js';
import { certManagerObjects } from './cert-manager.js';
import { DEMO_WORKLOAD_PRESET, demoWorkloadObjects, type DemoWorkloadAddress } from './demo-workload.js';
import { SANDBOX_USER } from './identity.js';

/** Bundles of Kubernetes objects a seed's cluster can name in `presets:`. */
const CERT_MANAGER_PRESET = /^cert-manager-(v\d+\.\d+\.\d+)$/;

export const PRESET_NAMES_EXPECTED =
  'a preset: cert-manager-<version> (e.g. cert-manager-v1.5.3), addon-rbac, no-admin or demo-workload';

export const NO_ADMIN_PRESET = 'no-admin';
const READ_ONLY_ROLE = 'adot-sandbox-read-only';

export function isKnownPreset(name: string): boolean {
  return (
    CERT_MANAGER_PRESET.test(name) || name === 'addon-rbac' || name === NO_ADMIN_PRESET || name === DEMO_WORKLOAD_PRESET
  );
}

/** What presets backed by a process of the sandbox need to know about it. */
export interface PresetContext {
  /** where the demo metrics server listens (needed by demo-workload) */
  demoWorkload?: DemoWorkloadAddress;
  /** the node the preset's pods run on (the cluster's first), when it has nodes */
  nodeName?: string;
}

export function presetObjects(name: string, user: string = SANDBOX_USER, context: PresetContext = {}): KubeObject[] {
  const certManager = CERT_MANAGER_PRESET.exec(name);
  if (certManager?.[1] !== undefined) return certManagerObjects(certManager[1]);
  if (name === 'addon-rbac') return addonRbacObjects();
  if (name === NO_ADMIN_PRESET) return readOnlyUserObjects(user);
  if (name === DEMO_WORKLOAD_PRESET) {
    if (context.demoWorkload === undefined) throw new Error('the demo-workload preset needs the demo metrics server');
    return demoWorkloadObjects(context.demoWorkload, context.nodeName);
  }
  throw usageError('SeedInvalid', `unknown preset "${name}": expected ${PRESET_NAMES_EXPECTED}`);
}

/** a view-like ClusterRole: read everything but secrets, write nothing */
function readOnlyUserObjects(user: string): KubeObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: READ_ONLY_ROLE, labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [
        {
          apiGroups: [
            '',
            'apps',
            'apiextensions.k8s.io',
            'rbac.authorization.k8s.io',
            'admissionregistration.k8s.io',
            'opentelemetry.io',
            'cert-manager.io',
          ],
          resources: [
            'namespaces',
            'pods',
            'services',
            'endpoints',
            'configmaps',
            'serviceaccounts',
            'deployments',
            'replicasets',
            'daemonsets',
            'statefulsets',
            'customresourcedefinitions',
            'clusterroles',
            'clusterrolebindings',
            'roles',
            'rolebindings',
            'mutatingwebhookconfigurations',
            'validatingwebhookconfigurations',
            'opentelemetrycollectors',
            'instrumentations',
            'certificates',
            'issuers',
          ],
          verbs: ['get', 'list', 'watch'],
        },
        { nonResourceURLs: ['/version', '/api', '/api/*', '/apis', '/apis/*'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: READ_ONLY_ROLE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: READ_ONLY_ROLE },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
    },
  ];
}
