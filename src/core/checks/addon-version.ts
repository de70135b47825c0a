/**
 * Which add-on version doctor reasons about: an exact --addon-version (install passes the version it is about to
 * install), else the installed one, else --addon-version `latest`, else the default EKS marks for the cluster's
 * Kubernetes version, else (none marked) the newest compatible one.
 */
import type { AddonVersionInfo } from '../../ports.js';
import { defaultChoiceForCluster, versionsForCluster } from '../compat.js';
import {
  compareAddonVersions,
  kubernetesVersionOfServer,
  minorVersion,
  parseAddonVersion,
  parseKubernetesVersion,
} from '../versions.js';
import type { DoctorContext, DoctorFacts, FactError } from './types.js';

/** `newest`: asked for the default, but EKS marks none for the cluster's Kubernetes version */
export type AddonVersionSource = 'installed' | 'requested' | 'default' | 'newest' | 'latest';

/** How a resolved version is named in messages: "installed", "default", "newest; no version is marked default". */
export function sourceText(source: AddonVersionSource): string {
  return source === 'newest' ? 'newest; EKS marks no version default' : source;
}

export type AddonVersionResolution =
  | {
      kind: 'resolved';
      version: string;
      source: AddonVersionSource;
      clusterMinor: string;
      compatible: AddonVersionInfo[];
      /** false when the installed or requested version does not list the cluster's Kubernetes version */
      compatibleWithCluster: boolean;
      /** false when the requested version is not in the catalogue at all */
      known: boolean;
    }
  | { kind: 'none-for-cluster'; clusterMinor: string; all: AddonVersionInfo[] }
  | { kind: 'unknown-cluster-version' }
  | { kind: 'unreadable'; error: FactError };

/** The cluster's minor from EKS, else from the API server. */
export function clusterMinorOf(facts: DoctorFacts): string | undefined {
  if (facts.cluster.ok && facts.cluster.value) {
    const parsed = parseKubernetesVersion(facts.cluster.value.version);
    if (parsed) return minorVersion(parsed);
  }
  if (facts.kubeVersion.ok) {
    const parsed = kubernetesVersionOfServer(facts.kubeVersion.value);
    if (parsed) return minorVersion(parsed);
  }
  return undefined;
}

/** `v0.45.0` finds the newest eksbuild of 0.45.0; an exact string finds itself. */
export function findCatalogVersion(all: readonly AddonVersionInfo[], wanted: string): AddonVersionInfo | undefined {
  const exact = all.find((v) => v.addonVersion === wanted);
  if (exact) return exact;
  const core = parseAddonVersion(wanted)?.core;
  if (core === undefined) return undefined;
  return all
    .filter((v) => parseAddonVersion(v.addonVersion)?.core === core)
    .sort((a, b) => compareAddonVersions(b.addonVersion, a.addonVersion))[0];
}

export function resolveAddonVersion(facts: DoctorFacts, context: DoctorContext): AddonVersionResolution {
  if (!facts.addonVersions.ok) return { kind: 'unreadable', error: facts.addonVersions.error };
  const clusterMinor = clusterMinorOf(facts);
  if (clusterMinor === undefined) return { kind: 'unknown-cluster-version' };
  const all = facts.addonVersions.value;
  const compatible = versionsForCluster(all, clusterMinor);
  const verdict = (version: string, source: AddonVersionSource): AddonVersionResolution => {
    const entry = findCatalogVersion(all, version);
    return {
      kind: 'resolved',
      version: entry?.addonVersion ?? version,
      source,
      clusterMinor,
      compatible,
      known: entry !== undefined,
      compatibleWithCluster:
        entry !== undefined && entry.compatibilities.some((c) => c.clusterVersion === clusterMinor),
    };
  };
  const installed = facts.addon.ok ? facts.addon.value?.addonVersion : undefined;
  const requested = context.addonVersion;
  if (requested !== undefined && requested !== 'default' && requested !== 'latest') {
    const sameAsInstalled =
      installed !== undefined &&
      (requested === installed || findCatalogVersion(all, requested)?.addonVersion === installed);
    return verdict(requested, sameAsInstalled ? 'installed' : 'requested');
  }
  if (installed !== undefined) return verdict(installed, 'installed');
  if (compatible.length === 0) return { kind: 'none-for-cluster', clusterMinor, all };
  if (requested === 'latest') return verdict(compatible[0]!.addonVersion, 'latest');
  const choice = defaultChoiceForCluster(all, clusterMinor)!;
  return verdict(choice.version, choice.marked ? 'default' : 'newest');
}
