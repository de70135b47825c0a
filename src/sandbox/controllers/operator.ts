import { isDeepStrictEqual } from 'node:util';
import { configToYaml } from '../kube/collector-config-v1beta1.js';
import { convertObject } from '../kube/conversion.js';
import { addonCollectorImage, COLLECTOR_CRD, OPERATOR_DEPLOYMENT } from '../seed/addon-objects.js';
import { ADDON_NAMESPACE } from '../seed/addon-rbac.js';
import type { ClusterStore, KubeObject } from '../types.js';
import { collectorServicePorts } from './collector-ports.js';
import { COLLECTOR_WORKLOAD_KINDS, WORKLOAD_KIND_OF_MODE, type CollectorWorkloadKind } from './collector-workloads.js';
import { array, record, specOf, stringRecord } from './objects.js';
import { StoreController } from './store-controller.js';

/** the versions the add-on serves; the store holds each collector once, so listing one of them finds them all */
export const COLLECTOR_API_VERSIONS = ['opentelemetry.io/v1alpha1', 'opentelemetry.io/v1beta1'] as const;
export const COLLECTOR_KIND = 'OpenTelemetryCollector';
/** the store keeps one object per collector whatever version it was written in; any version of the group reads it */
export const COLLECTOR_GROUP_VERSION = 'opentelemetry.io/v1alpha1';

/**
 * The version the installed operator watches collectors in: v1beta1 once its CRD serves it (add-on v0.102 and
 * later), else v1alpha1. Undefined without the CRD.
 */
export function operatorCollectorVersion(store: ClusterStore): string | undefined {
  const crd = store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', COLLECTOR_CRD);
  if (crd === undefined) return undefined;
  const versions = array(record(crd.spec).versions).map(record);
  const served = versions.filter((version) => version.served !== false).map((version) => String(version.name));
  return served.includes('v1beta1') ? 'opentelemetry.io/v1beta1' : 'opentelemetry.io/v1alpha1';
}

/**
 * The collectors as the operator reads them through the API server: each stored object once, converted to the
 * version it watches (undefined for one the conversion webhook cannot convert; the real operator's list fails).
 */
export function collectorsAsOperatorSees(
  store: ClusterStore,
  apiVersion: string,
): { stored: KubeObject; served: KubeObject | undefined }[] {
  return store.list(COLLECTOR_GROUP_VERSION, COLLECTOR_KIND).map((stored) => {
    try {
      return { stored, served: convertObject(store, stored, apiVersion) };
    } catch {
      return { stored, served: undefined };
    }
  });
}

/**
 * The collector's DaemonSet strategy (v1beta1 daemonSetUpdateStrategy, v1alpha1 updateStrategy) with what the API
 * server defaults in a DaemonSet (pkg/apis/apps/v1/defaults.go SetDefaults_DaemonSet: RollingUpdate, maxUnavailable 1,
 * maxSurge 0), which `kubectl rollout status` needs.
 */
function daemonSetUpdateStrategy(strategy: unknown): Record<string, unknown> {
  const given = record(strategy);
  const type = typeof given.type === 'string' && given.type !== '' ? given.type : 'RollingUpdate';
  if (type !== 'RollingUpdate') return { ...given, type };
  return { ...given, type, rollingUpdate: { maxUnavailable: 1, maxSurge: 0, ...record(given.rollingUpdate) } };
}

/** the operator's collector.yaml: v1alpha1's string as written (older operators), v1beta1's Config.Yaml() */
export function collectorConfigText(config: unknown): string {
  return typeof config === 'string' ? config : configToYaml(record(config));
}
const MANAGED_BY = 'opentelemetry-operator';
/** the collector's container in the operator's pod template (naming.Container()) */
export const COLLECTOR_CONTAINER = 'otc-container';
/** the ADOT collector image when neither the collector nor an installed operator names one */
const FALLBACK_COLLECTOR_IMAGE = 'public.ecr.aws/aws-observability/aws-otel-collector:latest';

/**
 * The OpenTelemetry operator: while its CRD is installed, each OpenTelemetryCollector becomes a Deployment, a
 * DaemonSet or a StatefulSet (spec.mode deployment, daemonset, statefulset; sidecar makes none), a ConfigMap and (when
 * it has ports) a Service, all named `<name>-collector`. It reads each
 * collector once, in the version it watches (converted as its webhook converts), so a collector written as v1alpha1
 * or v1beta1 yields the same objects. One that cannot be converted is left as it is. Objects whose owning collector
 * is gone are removed whether or not the operator is installed, as garbage collection would.
 */
export class OperatorController extends StoreController {
  protected reconcile(): void {
    const collectors = this.store.list(COLLECTOR_GROUP_VERSION, COLLECTOR_KIND);
    const owners = new Set(collectors.map((collector) => collector.metadata.uid));
    const watched = operatorCollectorVersion(this.store);
    if (watched !== undefined) {
      const image = this.defaultImage();
      for (const { served: collector } of collectorsAsOperatorSees(this.store, watched)) {
        if (collector === undefined) continue;
        const mode = specOf(collector).mode ?? 'deployment';
        const kind = typeof mode === 'string' ? WORKLOAD_KIND_OF_MODE[mode] : undefined;
        this.removeOtherWorkloads(collector, kind);
        if (kind !== undefined) this.reconcileCollector(collector, image, kind);
      }
    }
    this.collectGarbage(owners);
  }

  private defaultImage(): string {
    const operator = this.store.get('apps/v1', 'Deployment', OPERATOR_DEPLOYMENT, ADDON_NAMESPACE);
    const version = operator?.metadata.labels?.['app.kubernetes.io/version'];
    return version === undefined ? FALLBACK_COLLECTOR_IMAGE : addonCollectorImage(version);
  }

  /** a collector whose mode changed loses the workload of its former mode (sidecar: every one) */
  private removeOtherWorkloads(collector: KubeObject, kind: CollectorWorkloadKind | undefined): void {
    const { name, namespace = 'default' } = collector.metadata;
    for (const other of COLLECTOR_WORKLOAD_KINDS) {
      if (other === kind) continue;
      const existing = this.store.get('apps/v1', other, `${name}-collector`, namespace);
      const owner = existing?.metadata.ownerReferences?.find((reference) => reference.kind === COLLECTOR_KIND);
      if (existing !== undefined && owner?.uid === collector.metadata.uid) {
        this.store.remove('apps/v1', other, `${name}-collector`, namespace);
      }
    }
  }

  private reconcileCollector(collector: KubeObject, defaultImage: string, kind: CollectorWorkloadKind): void {
    const spec = specOf(collector);
    const { name, namespace = 'default' } = collector.metadata;
    const objectName = `${name}-collector`;
    const labels = {
      'app.kubernetes.io/component': 'opentelemetry-collector',
      'app.kubernetes.io/instance': `${namespace}.${name}`,
      'app.kubernetes.io/managed-by': MANAGED_BY,
      'app.kubernetes.io/name': objectName,
      'app.kubernetes.io/part-of': 'opentelemetry',
      'app.kubernetes.io/version': 'latest',
    };
    const selector = {
      'app.kubernetes.io/component': 'opentelemetry-collector',
      'app.kubernetes.io/instance': `${namespace}.${name}`,
      'app.kubernetes.io/managed-by': MANAGED_BY,
      'app.kubernetes.io/part-of': 'opentelemetry',
    };
    const ownerReferences = [
      {
        apiVersion: collector.apiVersion,
        kind: COLLECTOR_KIND,
        name,
        uid: collector.metadata.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ];
    const metadata = { name: objectName, namespace, labels, ownerReferences };
    const ports = collectorServicePorts(spec.config, spec.ports);
    this.ensure({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata,
      data: { 'collector.yaml': collectorConfigText(spec.config) },
    });
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    // the operator's manifests (internal/manifests/collector/{deployment,daemonset,statefulset}.go): replicas for
    // Deployments and StatefulSets, a StatefulSet's serviceName and Parallel pod management. The operator leaves
    // updateStrategy unset and the API server defaults it (SetDefaults_DaemonSet / SetDefaults_StatefulSet,
    // https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/apps/v1/defaults.go); `kubectl rollout status`
    // refuses a workload without RollingUpdate
    const workloadSpec =
      kind === 'DaemonSet'
        ? { updateStrategy: daemonSetUpdateStrategy(spec.daemonSetUpdateStrategy ?? spec.updateStrategy) }
        : kind === 'StatefulSet'
          ? {
              replicas,
              serviceName: objectName,
              podManagementPolicy: 'Parallel',
              updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
            }
          : { replicas };
    this.ensure({
      apiVersion: 'apps/v1',
      kind,
      metadata,
      spec: {
        ...workloadSpec,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels, annotations: stringRecord(spec.podAnnotations) },
          spec: {
            serviceAccountName:
              typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '' ? spec.serviceAccount : objectName,
            containers: [
              {
                name: COLLECTOR_CONTAINER,
                image: typeof spec.image === 'string' && spec.image !== '' ? spec.image : defaultImage,
                args: ['--config=/conf/collector.yaml'],
                env: [
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                  ...array(spec.env),
                ],
                ports: ports.map((port) => ({
                  name: port.name,
                  containerPort: port.targetPort,
                  protocol: port.protocol,
                })),
                // the operator's config mount, then spec.volumeMounts (internal/manifests/collector/container.go)
                volumeMounts: [{ name: 'otc-internal', mountPath: '/conf' }, ...array(spec.volumeMounts)],
              },
            ],
            // the config volume, then spec.volumes (internal/manifests/collector/volume.go)
            volumes: [
              {
                name: 'otc-internal',
                configMap: { name: objectName, items: [{ key: 'collector.yaml', path: 'collector.yaml' }] },
              },
              ...array(spec.volumes),
            ],
          },
        },
      },
    });
    if (ports.length > 0) {
      this.ensure({
        apiVersion: 'v1',
        kind: 'Service',
        metadata,
        spec: {
          type: 'ClusterIP',
          selector,
          ports: ports.map(({ targetPort, source: _source, ...port }) => ({ ...port, targetPort })),
        },
      });
    } else {
      this.store.remove('v1', 'Service', objectName, namespace);
    }
  }

  /** create, or update the fields the operator owns while keeping status and server-assigned fields */
  private ensure(desired: KubeObject): void {
    const existing = this.store.get(
      desired.apiVersion,
      desired.kind,
      desired.metadata.name,
      desired.metadata.namespace,
    );
    if (existing === undefined) {
      this.store.put(desired);
      return;
    }
    const { metadata: _metadata, status: _status, ...desiredBody } = desired;
    const existingBody = Object.fromEntries(Object.keys(desiredBody).map((key) => [key, existing[key]]));
    const sameMetadata =
      isDeepStrictEqual(existing.metadata.labels, desired.metadata.labels) &&
      isDeepStrictEqual(existing.metadata.ownerReferences, desired.metadata.ownerReferences);
    if (sameMetadata && isDeepStrictEqual(existingBody, desiredBody)) return;
    this.store.put({
      ...existing,
      ...desiredBody,
      metadata: {
        ...existing.metadata,
        labels: desired.metadata.labels,
        ownerReferences: desired.metadata.ownerReferences,
      },
    });
  }

  private collectGarbage(owners: Set<string | undefined>): void {
    for (const [apiVersion, kind] of [
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'DaemonSet'],
      ['apps/v1', 'StatefulSet'],
      ['v1', 'Service'],
      ['v1', 'ConfigMap'],
    ] as const) {
      for (const object of this.store.list(apiVersion, kind)) {
        const owner = object.metadata.ownerReferences?.find((reference) => reference.kind === COLLECTOR_KIND);
        if (owner !== undefined && !owners.has(owner.uid)) {
          this.store.remove(apiVersion, kind, object.metadata.name, object.metadata.namespace);
        }
      }
    }
  }
}
