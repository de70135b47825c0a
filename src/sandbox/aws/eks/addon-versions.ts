import type { AddonDefinition } from './addon-definitions.js';
import { includesOrAbsent } from './addon-state.js';
import type { CatalogVersion } from './catalog.js';
import type { AddonVersionsQuery } from './emulator-types.js';

/** One version of one add-on: DescribeAddonVersions pages count these. */
export interface AddonVersionEntry {
  definition: AddonDefinition;
  version: CatalogVersion;
}

/**
 * The versions of every add-on the filters select (addonName, and types, owners and publishers each matching any
 * of their values), add-ons sorted by name, each add-on's versions newest first and narrowed to kubernetesVersion.
 */
export function selectedVersions(definitions: AddonDefinition[], query: AddonVersionsQuery): AddonVersionEntry[] {
  return definitions
    .filter(
      (definition) =>
        (query.addonName === undefined || query.addonName === definition.name) &&
        includesOrAbsent(query.types, definition.type) &&
        includesOrAbsent(query.owners, definition.owner) &&
        includesOrAbsent(query.publishers, definition.publisher),
    )
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((definition) =>
      definition.catalog.list(query.kubernetesVersion).map((version) => ({ definition, version })),
    );
}

/** a page of versions grouped under their add-on (AddonInfo), as DescribeAddonVersions answers */
export function groupedByAddon(entries: AddonVersionEntry[]): Record<string, unknown>[] {
  const addons: Record<string, unknown>[] = [];
  for (const { definition, version } of entries) {
    const last = addons.at(-1);
    if (last?.addonName === definition.name) (last.addonVersions as CatalogVersion[]).push(version);
    else {
      addons.push({
        addonName: definition.name,
        type: definition.type,
        addonVersions: [version],
        publisher: definition.publisher,
        owner: definition.owner,
        defaultNamespace: definition.namespace,
      });
    }
  }
  return addons;
}
