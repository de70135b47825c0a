import semver from 'semver';
import { stringify as stringifyYaml } from 'yaml';
import { ADDON_FEATURES } from '../../../core/compat-data.js';
import { addonBaseVersion } from '../../aws/eks/catalog.js';
import type { KubeObject } from '../../types.js';
import { ADDON_MANAGED_LABEL } from '../addon-objects.js';
import { ADDON_NAMESPACE } from '../addon-rbac.js';

/** Where and for whom the add-on renders its collectors. */
export interface CollectorContext {
  addonVersion: string;
  clusterName: string;
  region: string;
  /** the metrics batch timeout in seconds instead of the docs' (behaviour.addonCollectorBatchSeconds) */
  metricsBatchSeconds?: number;
}

/** labels on every object the add-on installs, as on its operator's (addon-objects.ts), so removal finds them */
export function addonLabels(): Record<string, string> {
  return { 'app.kubernetes.io/managed-by': 'EKS', [ADDON_MANAGED_LABEL]: 'adot' };
}

export interface CollectorSpec {
  name: string;
  mode: string;
  serviceAccount: string;
  config: Record<string, unknown>;
  replicas?: number;
  resources?: unknown;
  env?: unknown[];
  volumes?: unknown[];
  volumeMounts?: unknown[];
  securityContext?: unknown;
}

/**
 * The OpenTelemetryCollector in the version the add-on's operator stores: v1alpha1 (spec.config a YAML string)
 * before v0.102.0, v1beta1 (spec.config an object) from it
 * (https://aws-otel.github.io/docs/ReleaseBlogs/aws-distro-for-opentelemetry-eks-add-on-v0.102.0).
 */
export function collectorResource(context: CollectorContext, spec: CollectorSpec): KubeObject {
  const base = addonBaseVersion(context.addonVersion);
  const v1beta1 = base !== undefined && semver.gte(base, ADDON_FEATURES.collectorV1beta1First);
  const { name, config, ...rest } = spec;
  const body: Record<string, unknown> = { ...rest, config: v1beta1 ? config : stringifyYaml(config) };
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return {
    apiVersion: v1beta1 ? 'opentelemetry.io/v1beta1' : 'opentelemetry.io/v1alpha1',
    kind: 'OpenTelemetryCollector',
    metadata: { name, namespace: ADDON_NAMESPACE, labels: addonLabels() },
    spec: body,
  };
}

export function serviceAccount(name: string, annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name,
      namespace: ADDON_NAMESPACE,
      labels: addonLabels(),
      ...(Object.keys(annotations).length === 0 ? {} : { annotations }),
    },
  };
}

/**
 * What a Prometheus receiver with Kubernetes service discovery reads cluster-wide: the rules of the ADOT docs'
 * Prometheus RBAC (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/config-amp, ClusterRole
 * otel-prometheus-role), as a ClusterRole and ClusterRoleBinding named `name` for the collector's service account.
 * Which names the add-on gives them is not public.
 */
export function prometheusRbac(name: string, serviceAccountName: string): KubeObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels: addonLabels() },
      rules: [
        {
          apiGroups: [''],
          resources: ['nodes', 'nodes/proxy', 'services', 'endpoints', 'pods'],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels: addonLabels() },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccountName, namespace: ADDON_NAMESPACE }],
    },
  ];
}

/** resources from the configuration, each of limits/requests cpu/memory falling back to the documented default */
export function resourcesWithDefaults(
  given: unknown,
  defaults: { limits: { cpu: string; memory: string }; requests: { cpu: string; memory: string } },
): unknown {
  const values = asRecord(given);
  const merge = (key: 'limits' | 'requests') => ({ ...defaults[key], ...asRecord(values[key]) });
  return { limits: merge('limits'), requests: merge('requests') };
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function stringsOf(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(asRecord(value))) if (typeof item === 'string') result[key] = item;
  return result;
}

/** `a.b.c` of parsed configuration values */
export function pick(values: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => asRecord(node)[key], values);
}
