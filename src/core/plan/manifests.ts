import type { KubeObject } from '../../ports.js';
import type { CollectorApiVersion } from '../collector-version.js';
import { isMetricsTarget, type Target } from '../targets.js';
import {
  renderAddonRbac,
  renderCollector,
  renderNamespace,
  renderPrometheusRbac,
  renderServiceAccount,
  type TemplateValues,
} from '../templates/index.js';

export type ManifestGroup = 'addon-rbac' | 'namespace' | 'service-account' | 'prometheus-rbac' | 'collector';

export interface DesiredObject {
  /** the step id, e.g. prometheus-rbac.clusterrole */
  id: string;
  group: ManifestGroup;
  object: KubeObject;
}

function withIds(group: ManifestGroup, objects: readonly KubeObject[]): DesiredObject[] {
  if (objects.length === 1) return [{ id: group, group, object: objects[0]! }];
  const kinds = objects.map((o) => o.kind.toLowerCase());
  return objects.map((object, index) => {
    const kind = kinds[index]!;
    const unique = kinds.indexOf(kind) === kinds.lastIndexOf(kind);
    return { id: unique ? `${group}.${kind}` : `${group}.${kind}.${object.metadata.name}`, group, object };
  });
}

export function addonRbacObjects(): DesiredObject[] {
  return withIds('addon-rbac', renderAddonRbac());
}

export function namespaceObject(values: TemplateValues): DesiredObject[] {
  return withIds('namespace', [renderNamespace(values.namespace)]);
}

/** the collector's service account: IRSA annotates it with the role ARN; EKS Pod Identity passes undefined */
export function serviceAccountObject(values: TemplateValues, roleArn: string | undefined): DesiredObject[] {
  return withIds('service-account', [renderServiceAccount(values, roleArn)]);
}

/** The Prometheus receiver's RBAC, only when a metrics target is chosen. */
export function prometheusRbacObjects(targets: readonly Target[], values: TemplateValues): DesiredObject[] {
  return targets.some(isMetricsTarget) ? withIds('prometheus-rbac', renderPrometheusRbac(values)) : [];
}

/** ONE collector for every chosen target, in the version the cluster serves (collector-version.ts). */
export function collectorObject(
  targets: readonly Target[],
  values: TemplateValues,
  apiVersion?: CollectorApiVersion,
): DesiredObject[] {
  return withIds('collector', [renderCollector(targets, values, apiVersion)]);
}

/** The Deployment the operator makes from a collector resource. */
export function collectorDeploymentName(collectorName: string): string {
  return `${collectorName}-collector`;
}
