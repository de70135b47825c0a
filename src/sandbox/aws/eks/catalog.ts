import semver from 'semver';
import { ADDON_NAME } from '../../../core/defaults.js';
import type { SeedAddonCatalogEntry } from '../../types.js';

/** The ADOT add-on's name (the seed's addonCatalog entries are versions of it). */
export const ADOT_ADDON_NAME = ADDON_NAME;

/** The part of an add-on version before `-eksbuild.N`, as semver: v0.62.1-eksbuild.1 -> 0.62.1 */
export function addonBaseVersion(version: string): string | undefined {
  return semver.valid(semver.clean(version.replace(/-eksbuild\..*$/, ''))) ?? undefined;
}

/** Versions up to v0.62.1 need the add-on RBAC manifest (eks:addon-manager) applied before install. */
export function needsAddonRbac(version: string): boolean {
  const base = addonBaseVersion(version);
  return base !== undefined && semver.lte(base, '0.62.1');
}

export interface Compatibility {
  clusterVersion: string;
  platformVersions: string[];
  defaultVersion: boolean;
}

export interface CatalogVersion {
  addonVersion: string;
  architecture: string[];
  compatibilities: Compatibility[];
  requiresConfiguration: boolean;
  requiresIamPermissions: boolean;
}

export interface AddonCatalogOptions {
  /** DescribeAddonVersions' requiresIamPermissions of a version (default false) */
  requiresIamPermissions?: (addonVersion: string) => boolean;
}

/**
 * The versions of one add-on, newest first. A version is the default for a Kubernetes version when its entry
 * says `default: true` and lists that version; where no entry does, the newest compatible entry that does not say
 * `default: false` is. A catalogue whose entries all say `default: false` marks no default, as EKS has done for
 * adot (https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2731).
 */
export class AddonCatalog {
  private readonly versions: CatalogVersion[];

  constructor(entries: readonly SeedAddonCatalogEntry[], options: AddonCatalogOptions = {}) {
    const sorted = [...entries].sort((a, b) => compareAddonVersions(b.version, a.version));
    const flaggedDefaults = new Map<string, string>();
    for (const entry of sorted) {
      if (entry.default !== true) continue;
      for (const clusterVersion of entry.clusterVersions) {
        if (!flaggedDefaults.has(clusterVersion)) flaggedDefaults.set(clusterVersion, entry.version);
      }
    }
    const newestFor = new Map<string, string>();
    for (const entry of sorted) {
      if (entry.default === false) continue;
      for (const clusterVersion of entry.clusterVersions) {
        if (!newestFor.has(clusterVersion)) newestFor.set(clusterVersion, entry.version);
      }
    }
    this.versions = sorted.map((entry) => ({
      addonVersion: entry.version,
      architecture: entry.architecture ?? ['amd64', 'arm64'],
      compatibilities: entry.clusterVersions.map((clusterVersion) => ({
        clusterVersion,
        platformVersions: ['*'],
        defaultVersion: (flaggedDefaults.get(clusterVersion) ?? newestFor.get(clusterVersion)) === entry.version,
      })),
      requiresConfiguration: entry.requiresConfiguration ?? false,
      requiresIamPermissions: options.requiresIamPermissions?.(entry.version) ?? false,
    }));
  }

  /** every version, or those compatible with one Kubernetes version (their compatibilities narrowed to it) */
  list(kubernetesVersion?: string): CatalogVersion[] {
    if (kubernetesVersion === undefined) return this.versions.map((version) => structuredClone(version));
    return this.versions.flatMap((version) => {
      const compatibilities = version.compatibilities.filter((c) => c.clusterVersion === kubernetesVersion);
      return compatibilities.length === 0 ? [] : [{ ...structuredClone(version), compatibilities }];
    });
  }

  has(addonVersion: string): boolean {
    return this.versions.some((version) => version.addonVersion === addonVersion);
  }

  isCompatible(addonVersion: string, kubernetesVersion: string): boolean {
    return this.list(kubernetesVersion).some((version) => version.addonVersion === addonVersion);
  }

  defaultFor(kubernetesVersion: string): string | undefined {
    return this.list(kubernetesVersion).find((version) => version.compatibilities[0]?.defaultVersion)?.addonVersion;
  }
}

function compareAddonVersions(a: string, b: string): number {
  const baseA = addonBaseVersion(a);
  const baseB = addonBaseVersion(b);
  if (baseA !== undefined && baseB !== undefined && semver.neq(baseA, baseB)) return semver.compare(baseA, baseB);
  return eksbuildNumber(a) - eksbuildNumber(b) || a.localeCompare(b);
}

function eksbuildNumber(version: string): number {
  return Number(/-eksbuild\.(\d+)$/.exec(version)?.[1] ?? 0);
}
