import type { SeedAddonCatalogEntry } from '../types.js';

/**
 * The built-in answer of DescribeAddonVersions for addonName adot: the released ADOT add-on versions
 * (adot-facts.md "Versions") with the Kubernetes versions each supports. Data only: a new release is one row.
 * Kubernetes versions newer than the last row (e.g. 1.37) have no version on purpose, as happens on EKS.
 */
interface Release {
  version: string;
  from: string;
  to: string;
  amd64Only?: boolean;
  /** the default for all its Kubernetes versions even though newer releases support them */
  pinnedDefault?: boolean;
}

const RELEASES: readonly Release[] = [
  { version: 'v0.45.0-eksbuild.1', from: '1.19', to: '1.22', amd64Only: true, pinnedDefault: true },
  { version: 'v0.51.0-eksbuild.1', from: '1.19', to: '1.23' },
  { version: 'v0.56.0-eksbuild.2', from: '1.19', to: '1.23' },
  { version: 'v0.58.0-eksbuild.1', from: '1.19', to: '1.24' },
  { version: 'v0.62.1-eksbuild.1', from: '1.19', to: '1.24' },
  { version: 'v0.66.0-eksbuild.1', from: '1.21', to: '1.25' },
  { version: 'v0.70.0-eksbuild.1', from: '1.21', to: '1.26' },
  { version: 'v0.74.0-eksbuild.1', from: '1.22', to: '1.26' },
  { version: 'v0.76.1-eksbuild.1', from: '1.22', to: '1.27' },
  { version: 'v0.78.0-eksbuild.2', from: '1.22', to: '1.27' },
  { version: 'v0.80.0-eksbuild.2', from: '1.23', to: '1.28' },
  { version: 'v0.88.0-eksbuild.1', from: '1.23', to: '1.28' },
  { version: 'v0.90.0-eksbuild.1', from: '1.26', to: '1.28' },
  { version: 'v0.92.1-eksbuild.1', from: '1.26', to: '1.29' },
  { version: 'v0.94.1-eksbuild.1', from: '1.26', to: '1.29' },
  { version: 'v0.102.0-eksbuild.1', from: '1.26', to: '1.30' },
  { version: 'v0.109.0-eksbuild.2', from: '1.27', to: '1.31' },
  { version: 'v0.117.0-eksbuild.1', from: '1.28', to: '1.32' },
  { version: 'v0.131.0-eksbuild.1', from: '1.29', to: '1.33' },
  { version: 'v0.141.0-eksbuild.1', from: '1.30', to: '1.34' },
  { version: 'v0.151.0-eksbuild.1', from: '1.31', to: '1.36' },
];

function minorRange(from: string, to: string): string[] {
  const first = Number(from.split('.')[1]);
  const last = Number(to.split('.')[1]);
  return Array.from({ length: last - first + 1 }, (_, index) => `1.${first + index}`);
}

/**
 * Newest first, as EKS lists them. Only pinned releases carry `default: true`; for every other Kubernetes version
 * the newest compatible release is the default (the rule the EKS emulator applies), so each supported Kubernetes
 * version has exactly one default.
 */
export function builtinAddonCatalog(): SeedAddonCatalogEntry[] {
  return [...RELEASES].reverse().map((release) => ({
    version: release.version,
    clusterVersions: minorRange(release.from, release.to),
    default: release.pinnedDefault === true,
    architecture: release.amd64Only ? ['amd64'] : ['amd64', 'arm64'],
    requiresConfiguration: false,
  }));
}

/** Kubernetes version -> its default add-on version under that rule */
export function builtinDefaultVersions(): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const release of RELEASES) {
    for (const clusterVersion of minorRange(release.from, release.to)) {
      const current = RELEASES.find((candidate) => candidate.version === defaults.get(clusterVersion));
      if (!current?.pinnedDefault) defaults.set(clusterVersion, release.version);
    }
  }
  return defaults;
}
