/**
 * Finds cert-manager in any namespace and reads its version from every source cmctl knows (deployment labels,
 * Helm chart labels, CRD labels, image tags from any registry), reporting each one.
 */
import type { KubeObject } from '../../ports.js';
import { imageName, parseImageRef, semverOfTag } from '../versions.js';
import { deploymentImages, labelOf, qualifiedName } from './helpers.js';

export type CertManagerComponent = 'controller' | 'cainjector' | 'webhook';
export const CERT_MANAGER_COMPONENTS: readonly CertManagerComponent[] = ['controller', 'cainjector', 'webhook'];

export interface VersionSource {
  kind: 'deployment label' | 'chart label' | 'image tag' | 'crd label';
  /** where the version was read, e.g. `image quay.io/jetstack/cert-manager-controller:v1.5.3` */
  source: string;
  /** undefined when the source carries no version (a digest-only image) */
  version: string | undefined;
}

export interface CertManagerInventory {
  components: Map<CertManagerComponent, KubeObject>;
  namespace: string | undefined;
  sources: VersionSource[];
  /** the version most sources agree on */
  version: string | undefined;
  /** the distinct versions found, when sources disagree */
  conflicting: string[];
}

const imageComponent = /^cert-manager-(controller|cainjector|webhook)$/;

export function certManagerComponent(deployment: KubeObject): CertManagerComponent | undefined {
  for (const image of deploymentImages(deployment)) {
    const match = imageComponent.exec(imageName(parseImageRef(image)));
    if (match) return match[1] as CertManagerComponent;
  }
  const labels = deployment.metadata.labels ?? {};
  const isCertManager =
    labels['app.kubernetes.io/instance'] === 'cert-manager' || labels['app.kubernetes.io/part-of'] === 'cert-manager';
  if (!isCertManager) return undefined;
  const component = labels['app.kubernetes.io/component'] ?? labels['app.kubernetes.io/name'];
  if (component === 'controller' || component === 'cert-manager') return 'controller';
  if (component === 'cainjector' || component === 'webhook') return component;
  return undefined;
}

function isCertManagerCrd(crd: KubeObject): boolean {
  return /\.(acme\.)?cert-manager\.io$/.test(crd.metadata.name);
}

export function certManagerInventory(
  deployments: readonly KubeObject[],
  crds: readonly KubeObject[],
): CertManagerInventory {
  const components = new Map<CertManagerComponent, KubeObject>();
  const sources: VersionSource[] = [];
  for (const deployment of deployments) {
    const component = certManagerComponent(deployment);
    if (!component || components.has(component)) continue;
    components.set(component, deployment);
    const name = qualifiedName(deployment);
    const label = labelOf(deployment, 'app.kubernetes.io/version');
    if (label !== undefined) {
      sources.push({
        kind: 'deployment label',
        source: `deployment ${name} label app.kubernetes.io/version`,
        version: semverOfTag(label),
      });
    }
    const chart = labelOf(deployment, 'helm.sh/chart');
    const chartVersion = chart === undefined ? undefined : /^cert-manager-(.+)$/.exec(chart)?.[1];
    if (chartVersion !== undefined) {
      sources.push({
        kind: 'chart label',
        source: `deployment ${name} label helm.sh/chart`,
        version: semverOfTag(chartVersion),
      });
    }
    for (const image of deploymentImages(deployment)) {
      const ref = parseImageRef(image);
      if (!imageComponent.test(imageName(ref))) continue;
      sources.push({
        kind: 'image tag',
        source: `image ${image}`,
        version: ref.tag === undefined ? undefined : semverOfTag(ref.tag),
      });
    }
  }
  for (const crd of crds) {
    if (!isCertManagerCrd(crd)) continue;
    const label = labelOf(crd, 'app.kubernetes.io/version');
    if (label !== undefined)
      sources.push({
        kind: 'crd label',
        source: `crd ${crd.metadata.name} label app.kubernetes.io/version`,
        version: semverOfTag(label),
      });
  }
  const counts = new Map<string, number>();
  for (const { version } of sources) if (version !== undefined) counts.set(version, (counts.get(version) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const anyComponent = components.get('controller') ?? components.values().next().value;
  return {
    components,
    namespace: anyComponent?.metadata.namespace,
    sources,
    version: ranked[0]?.[0],
    conflicting: ranked.length > 1 ? ranked.map(([version]) => version) : [],
  };
}
