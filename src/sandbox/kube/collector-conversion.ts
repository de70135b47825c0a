import type { KubeObject } from '../types.js';
import {
  configFromYaml,
  configToYaml,
  emptyConfig,
  UnreadableCollectorConfig,
  withRequiredSections,
} from './collector-config-v1beta1.js';

/**
 * The OpenTelemetry operator's conversion of OpenTelemetryCollector between v1alpha1 and v1beta1, field by field as
 * apis/v1alpha1/convert.go (tov1beta1, tov1alpha1) does it at v0.102.0, the first ADOT add-on version that serves
 * v1beta1: https://github.com/open-telemetry/opentelemetry-operator/blob/v0.102.0/apis/v1alpha1/convert.go
 * (types: apis/v1alpha1/opentelemetrycollector_types.go, apis/v1beta1/opentelemetrycollector_types.go, common.go).
 * The webhook decodes the object into the Go type of its version, converts, and encodes the other type, so:
 * - fields the types do not know are dropped; known fields are copied, nested Kubernetes types (containers, volumes,
 *   affinity …) as they are;
 * - what encoding/json writes although empty appears: non-pointer structs even with omitempty (resources: {},
 *   ingress: {route: {}}, observability: {metrics: {}}, targetAllocator, the update strategies, status: {scale: {}})
 *   and the non-omitempty upgradeStrategy (""); empty omitempty strings, false and empty lists or maps disappear.
 * Differences between the versions: spec.config (YAML string ↔ object, collector-config-v1beta1.ts), v1alpha1
 * minReplicas/maxReplicas (folded into autoscaler, not restored), updateStrategy ↔ daemonSetUpdateStrategy,
 * observability.metrics.DisablePrometheusAnnotations ↔ disablePrometheusAnnotations, the target allocator's
 * prometheusCR selectors (label map ↔ {matchLabels}), its filterStrategy (only relabel-config survives) and
 * allocationStrategy; v1beta1's configVersions and readinessProbe and v1alpha1's status.messages and status.replicas
 * have no counterpart and are lost.
 */

type Json = Record<string, unknown>;

/** what the operator's webhook answers when it cannot convert (the error text controller-runtime returns) */
export class CollectorConversionError extends Error {}

/** the first operator version whose conversion never fails on an unreadable config (open-telemetry/opentelemetry-operator#4289) */
const EMPTY_CONFIG_FROM_MINOR = 134;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function recordOf(value: unknown): Json {
  return isRecord(value) ? value : {};
}

/** an omitempty field of a value type: '', false, 0, empty lists and maps are left out */
function isEmptyValue(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    value === false ||
    value === 0 ||
    (Array.isArray(value) && value.length === 0) ||
    (isRecord(value) && Object.keys(value).length === 0)
  );
}

/** copies omitempty value fields (strings, bools, ints, maps, slices) */
function values(from: Json, to: Json, keys: readonly string[]): void {
  for (const key of keys) if (!isEmptyValue(from[key])) to[key] = structuredClone(from[key]);
}

/** copies pointer fields: present unless null (a pointer to 0 or false is kept) */
function pointers(from: Json, to: Json, keys: readonly string[]): void {
  for (const key of keys) if (from[key] !== undefined && from[key] !== null) to[key] = structuredClone(from[key]);
}

function subset(value: unknown, valueKeys: readonly string[], pointerKeys: readonly string[] = []): Json {
  const from = recordOf(value);
  const to: Json = {};
  values(from, to, valueKeys);
  pointers(from, to, pointerKeys);
  return to;
}

function optional(value: unknown, build: (value: Json) => Json): Json | undefined {
  return value === undefined || value === null ? undefined : build(recordOf(value));
}

const commonValues = [
  'managementState',
  'nodeSelector',
  'args',
  'podAnnotations',
  'mode',
  'serviceAccount',
  'image',
  'imagePullPolicy',
  'volumeMounts',
  'env',
  'envFrom',
  'volumeClaimTemplates',
  'tolerations',
  'volumes',
  'hostNetwork',
  'shareProcessNamespace',
  'priorityClassName',
  'initContainers',
  'additionalContainers',
  'topologySpreadConstraints',
] as const;
const commonPointers = [
  'replicas',
  'securityContext',
  'podSecurityContext',
  'affinity',
  'lifecycle',
  'terminationGracePeriodSeconds',
] as const;
const probeFields = [
  'initialDelaySeconds',
  'timeoutSeconds',
  'periodSeconds',
  'successThreshold',
  'failureThreshold',
  'terminationGracePeriodSeconds',
] as const;
const allocationStrategies = ['least-weighted', 'consistent-hashing', 'per-node'];

/** v1.ServicePort's fields (port is not omitempty, targetPort an IntOrString struct) plus hostPort */
function ports(value: unknown): Json[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.map((port) => {
    const from = recordOf(port);
    const to: Json = {};
    values(from, to, ['name', 'protocol', 'appProtocol']);
    to.port = from.port ?? 0;
    to.targetPort = from.targetPort ?? 0;
    values(from, to, ['nodePort', 'hostPort']);
    return to;
  });
}

function metricsSpec(value: unknown, disableKey: string, disableFrom: string): Json {
  const from = recordOf(recordOf(value).metrics);
  const metrics: Json = {};
  values(from, metrics, ['enableMetrics']);
  if (!isEmptyValue(from[disableFrom])) metrics[disableKey] = from[disableFrom];
  return { metrics };
}

function autoscaler(value: unknown, minReplicas?: unknown, maxReplicas?: unknown): Json | undefined {
  const absent = (item: unknown) => item === undefined || item === null;
  if (absent(value) && absent(minReplicas) && absent(maxReplicas)) return undefined;
  const from = recordOf(value);
  const to = subset(
    from,
    [],
    ['minReplicas', 'maxReplicas', 'behavior', 'targetCPUUtilization', 'targetMemoryUtilization'],
  );
  if (absent(to.minReplicas) && !absent(minReplicas)) to.minReplicas = minReplicas;
  if (absent(to.maxReplicas) && !absent(maxReplicas)) to.maxReplicas = maxReplicas;
  if (Array.isArray(from.metrics) && from.metrics.length > 0)
    to.metrics = from.metrics.map((metric) => ({ type: recordOf(metric).type ?? '', ...subset(metric, [], ['pods']) }));
  return to;
}

function targetAllocator(value: unknown, toBeta: boolean): Json {
  const from = recordOf(value);
  const to: Json = {};
  pointers(from, to, ['replicas']);
  values(from, to, ['nodeSelector']);
  to.resources = structuredClone(recordOf(from.resources));
  if (typeof from.allocationStrategy === 'string' && allocationStrategies.includes(from.allocationStrategy))
    to.allocationStrategy = from.allocationStrategy;
  if (from.filterStrategy === 'relabel-config') to.filterStrategy = from.filterStrategy;
  values(from, to, ['serviceAccount', 'image', 'enabled']);
  pointers(from, to, ['affinity']);
  const cr = recordOf(from.prometheusCR);
  const prometheusCR = subset(cr, ['enabled'], ['scrapeInterval']);
  for (const selector of ['podMonitorSelector', 'serviceMonitorSelector']) {
    if (toBeta) {
      // tov1beta1TA always allocates the LabelSelector
      prometheusCR[selector] = subset({ matchLabels: cr[selector] }, ['matchLabels']);
    } else {
      const labels = isRecord(cr[selector]) ? cr[selector].matchLabels : undefined;
      if (!isEmptyValue(labels)) prometheusCR[selector] = structuredClone(labels);
    }
  }
  to.prometheusCR = prometheusCR;
  pointers(from, to, ['securityContext', 'podSecurityContext']);
  values(from, to, ['topologySpreadConstraints', 'tolerations', 'env']);
  to.observability = toBeta
    ? metricsSpec(from.observability, 'disablePrometheusAnnotations', 'DisablePrometheusAnnotations')
    : metricsSpec(from.observability, 'DisablePrometheusAnnotations', 'disablePrometheusAnnotations');
  const pdb = optional(from.podDisruptionBudget, (budget) => subset(budget, [], ['minAvailable', 'maxUnavailable']));
  if (pdb !== undefined) to.podDisruptionBudget = pdb;
  return to;
}

/** the spec fields both versions share, in either direction */
function commonSpec(from: Json, toBeta: boolean): Json {
  const to: Json = {};
  values(from, to, commonValues);
  pointers(from, to, commonPointers);
  to.resources = structuredClone(recordOf(from.resources));
  const pdb = optional(from.podDisruptionBudget, (budget) => subset(budget, [], ['minAvailable', 'maxUnavailable']));
  if (pdb !== undefined) to.podDisruptionBudget = pdb;
  const converted = ports(from.ports);
  if (converted !== undefined) to.ports = converted;
  to.targetAllocator = targetAllocator(from.targetAllocator, toBeta);
  to.upgradeStrategy = typeof from.upgradeStrategy === 'string' ? from.upgradeStrategy : '';
  const ingress = recordOf(from.ingress);
  to.ingress = {
    ...subset(ingress, ['type', 'ruleType', 'hostname', 'annotations', 'tls'], ['ingressClassName']),
    route: subset(ingress.route, ['termination']),
  };
  const probe = optional(from.livenessProbe, (liveness) => subset(liveness, [], probeFields));
  if (probe !== undefined) to.livenessProbe = probe;
  to.observability = toBeta
    ? metricsSpec(from.observability, 'disablePrometheusAnnotations', 'DisablePrometheusAnnotations')
    : metricsSpec(from.observability, 'DisablePrometheusAnnotations', 'disablePrometheusAnnotations');
  if (Array.isArray(from.configmaps) && from.configmaps.length > 0)
    to.configmaps = from.configmaps.map((map) => ({
      name: recordOf(map).name ?? '',
      mountpath: recordOf(map).mountpath ?? '',
    }));
  to.deploymentUpdateStrategy = subset(from.deploymentUpdateStrategy, ['type'], ['rollingUpdate']);
  return to;
}

function status(value: unknown): Json {
  const from = recordOf(value);
  const to: Json = { scale: subset(from.scale, ['selector', 'replicas', 'statusReplicas']) };
  values(from, to, ['version', 'image']);
  return to;
}

/** the operator version an add-on's CRD was installed by (its app.kubernetes.io/version label), e.g. 0.102 → 102 */
export function operatorMinorOf(crd: KubeObject | undefined): number | undefined {
  const version = crd?.metadata.labels?.['app.kubernetes.io/version'];
  const match = version === undefined ? null : /^v?0\.(\d+)\./.exec(version);
  return match === null ? undefined : Number(match[1]);
}

/** tov1beta1: a v1alpha1 collector as v1beta1; the config string must unmarshal (before v0.134) */
export function collectorToV1beta1(object: KubeObject, operatorMinor: number | undefined): KubeObject {
  const from = recordOf(object.spec);
  const lenient = operatorMinor !== undefined && operatorMinor >= EMPTY_CONFIG_FROM_MINOR;
  let config: Json;
  try {
    config = configFromYaml(typeof from.config === 'string' ? from.config : '');
    if (lenient) config = withRequiredSections(config);
  } catch (error) {
    if (!(error instanceof UnreadableCollectorConfig)) throw error;
    if (!lenient)
      throw new CollectorConversionError(
        'failed to convert to v1beta1: could not convert config json to v1beta1.Config',
      );
    config = emptyConfig();
  }
  const spec = commonSpec(from, true);
  const scaler = autoscaler(from.autoscaler, from.minReplicas, from.maxReplicas);
  if (scaler !== undefined) spec.autoscaler = scaler;
  spec.config = config;
  spec.daemonSetUpdateStrategy = subset(from.updateStrategy, ['type'], ['rollingUpdate']);
  return { ...object, apiVersion: 'opentelemetry.io/v1beta1', spec, status: status(object.status) };
}

/** tov1alpha1: a v1beta1 collector as v1alpha1, its config marshalled to YAML */
export function collectorToV1alpha1(object: KubeObject): KubeObject {
  const from = recordOf(object.spec);
  const spec = commonSpec(from, false);
  const scaler = autoscaler(from.autoscaler);
  if (scaler !== undefined) spec.autoscaler = scaler;
  spec.config = configToYaml(recordOf(from.config));
  spec.updateStrategy = subset(from.daemonSetUpdateStrategy, ['type'], ['rollingUpdate']);
  return { ...object, apiVersion: 'opentelemetry.io/v1alpha1', spec, status: status(object.status) };
}

/** the operator's /convert for OpenTelemetryCollector: v1alpha1 <-> v1beta1 (v1beta1 is the hub) */
export function convertCollector(
  object: KubeObject,
  toApiVersion: string,
  operatorMinor: number | undefined,
): KubeObject {
  if (toApiVersion === 'opentelemetry.io/v1beta1') return collectorToV1beta1(object, operatorMinor);
  if (toApiVersion === 'opentelemetry.io/v1alpha1') {
    // controller-runtime converts through the hub: a v1alpha1 object to v1alpha1 never reaches the webhook
    return collectorToV1alpha1(object);
  }
  throw new CollectorConversionError(`unsupported type opentelemetry.io/${toApiVersion}`);
}
