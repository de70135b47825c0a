/**
 * Which OpenTelemetryCollector version adot writes: the one the cluster serves and the add-on stores. Add-on
 * v0.102.0 and later serve v1alpha1 and v1beta1 and store v1beta1 (spec.config an object); earlier ones serve only
 * v1alpha1 (spec.config a YAML string). Writing the storage version keeps the object as the add-on keeps it, so
 * reading it back in the same version shows exactly what was written.
 */
import semver from 'semver';
import type { KubeObject } from '../ports.js';
import { COLLECTOR_V1ALPHA1, COLLECTOR_V1BETA1, COLLECTOR_V1BETA1_FROM_ADDON } from './compat-data.js';

export type CollectorApiVersion = typeof COLLECTOR_V1ALPHA1 | typeof COLLECTOR_V1BETA1;

interface CrdVersion {
  name?: unknown;
  served?: unknown;
  storage?: unknown;
}

/** the versions a CustomResourceDefinition serves, its storage version first */
export function servedVersions(crd: KubeObject): string[] {
  const spec = (crd.spec ?? {}) as { versions?: unknown };
  const versions = (Array.isArray(spec.versions) ? spec.versions : []) as CrdVersion[];
  return versions
    .filter((version) => version.served !== false && typeof version.name === 'string')
    .sort((a, b) => Number(b.storage === true) - Number(a.storage === true))
    .map((version) => String(version.name));
}

/** the version the CRD of that add-on version serves for writing: v1beta1 from v0.102.0 */
export function collectorApiVersionOfAddon(addonVersion: string): CollectorApiVersion {
  const core = semver.coerce(addonVersion);
  return core !== null && semver.gte(core, COLLECTOR_V1BETA1_FROM_ADDON) ? COLLECTOR_V1BETA1 : COLLECTOR_V1ALPHA1;
}

/** v1beta1 when the CRD serves it, else v1alpha1 */
export function collectorApiVersionOfCrd(crd: KubeObject): CollectorApiVersion {
  return servedVersions(crd).includes('v1beta1') ? COLLECTOR_V1BETA1 : COLLECTOR_V1ALPHA1;
}

/**
 * The version to write. An add-on the run installs or changes decides (its CRD is what will serve the collector);
 * otherwise the CRD as it is; without a CRD, the add-on version that will bring it; without any, v1beta1.
 */
export function chooseCollectorApiVersion(input: {
  crd: KubeObject | undefined;
  /** the add-on version whose CRD serves (or will serve) the collector */
  addonVersion?: string | undefined;
  /** true when the run installs or changes the add-on to addonVersion before it writes the collector */
  addonChanging?: boolean;
}): CollectorApiVersion {
  const { crd, addonVersion } = input;
  if (addonVersion !== undefined && (input.addonChanging === true || crd === undefined))
    return collectorApiVersionOfAddon(addonVersion);
  if (crd !== undefined) return collectorApiVersionOfCrd(crd);
  return COLLECTOR_V1BETA1;
}
