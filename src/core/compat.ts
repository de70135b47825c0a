/**
 * Questions about compatibility, answered from the data in compat-data.ts.
 */
import semver from 'semver';
import type { AddonVersionInfo } from '../ports.js';
import {
  ADDON_COMPAT_RULES,
  ADDON_FEATURES,
  ADDON_RBAC_LAST_VERSION,
  CERT_MANAGER_ADVICE_WITHOUT_RULE,
  CERT_MANAGER_INSTALL_URL,
  CERT_MANAGER_LATEST,
  KUBERNETES_DOCUMENTED_MINIMUM,
  KUBERNETES_MINIMUM,
  type AddonCompatRule,
} from './compat-data.js';
import { compareAddonVersions, compareMinor, parseAddonVersion, type KubernetesVersion } from './versions.js';

export function kubernetesMinimum(): string {
  return `${KUBERNETES_MINIMUM.major}.${KUBERNETES_MINIMUM.minor}`;
}

export function isKubernetesSupported(version: KubernetesVersion): boolean {
  return compareMinor(version, { ...KUBERNETES_MINIMUM, patch: undefined, raw: '' }) >= 0;
}

/** "1.21": what the ADOT docs have asked for since February 2023 (a recommendation, see compat-data.ts). */
export function kubernetesDocumentedMinimum(): { version: string; since: string } {
  const { major, minor, since } = KUBERNETES_DOCUMENTED_MINIMUM;
  return { version: `${major}.${minor}`, since };
}

export function meetsDocumentedMinimum(version: KubernetesVersion): boolean {
  return compareMinor(version, { ...KUBERNETES_DOCUMENTED_MINIMUM, patch: undefined, raw: '' }) >= 0;
}

export function compatRuleFor(addonVersion: string): AddonCompatRule | undefined {
  const parsed = parseAddonVersion(addonVersion);
  if (!parsed) return undefined;
  return ADDON_COMPAT_RULES.find((rule) => semver.satisfies(parsed.core, rule.addonRange));
}

/**
 * cert-manager against an add-on version: inside or outside a published range, or `unknown` when no public source
 * states a requirement for that version (then only the docs' advice, the latest cert-manager, is known).
 */
export type CertManagerVerdict =
  | { kind: 'compatible'; rule: AddonCompatRule }
  | { kind: 'incompatible'; rule: AddonCompatRule }
  | { kind: 'unknown'; advice: string; recommended: string };

export function certManagerVerdict(addonVersion: string, certManagerVersion: string): CertManagerVerdict {
  const rule = compatRuleFor(addonVersion);
  if (!rule) return { kind: 'unknown', advice: CERT_MANAGER_ADVICE_WITHOUT_RULE, recommended: CERT_MANAGER_LATEST };
  return semver.satisfies(certManagerVersion, rule.certManagerRange)
    ? { kind: 'compatible', rule }
    : { kind: 'incompatible', rule };
}

/** Whether a published requirement rules this cert-manager out for the add-on version (unknown counts as not). */
export function certManagerRuledOut(addonVersion: string, certManagerVersion: string): boolean {
  return certManagerVerdict(addonVersion, certManagerVersion).kind === 'incompatible';
}

export function certManagerManifestUrl(version: string): string {
  const tag = version.startsWith('v') ? version : `v${version}`;
  return `${CERT_MANAGER_INSTALL_URL}/${tag}/cert-manager.yaml`;
}

/** The kubectl command that installs a given cert-manager release. */
export function certManagerInstallCommand(version: string): string {
  return `kubectl apply -f ${certManagerManifestUrl(version)}`;
}

/** A cert-manager release for the add-on version: inside its published range, else the latest (the docs' advice). */
export function recommendedCertManager(addonVersion: string | undefined): string {
  const rule = addonVersion === undefined ? undefined : compatRuleFor(addonVersion);
  return rule?.certManagerRecommended ?? CERT_MANAGER_LATEST;
}

export function needsAddonRbac(addonVersion: string): boolean {
  const parsed = parseAddonVersion(addonVersion);
  return parsed !== undefined && semver.lte(parsed.core, ADDON_RBAC_LAST_VERSION);
}

export function addonRbacLastVersion(): string {
  return `v${ADDON_RBAC_LAST_VERSION}`;
}

/** The advanced-configuration schema an add-on version takes (see ADDON_FEATURES for the sources). */
export type ConfigurationSchema = 'none' | 'collector' | 'presets';

export interface AddonFeatures {
  /** none before v0.62.1; `collector` keys (mode, replicas, amp, cloudwatch, xray) to v0.84; presets from v0.88.0 */
  configurationSchema: ConfigurationSchema;
  /** EKS Pod Identity for the add-on's service accounts (from v0.94.1) */
  podIdentity: boolean;
  /** serves OpenTelemetryCollector in version v1beta1 (from v0.102.0) */
  collectorV1beta1: boolean;
}

/** What the version accepts and serves; undefined for a string that is not an add-on version. */
export function addonFeatures(addonVersion: string): AddonFeatures | undefined {
  const parsed = parseAddonVersion(addonVersion);
  if (!parsed) return undefined;
  const from = (first: string): boolean => semver.gte(parsed.core, first);
  return {
    configurationSchema: from(ADDON_FEATURES.configurationPresetsFirst)
      ? 'presets'
      : from(ADDON_FEATURES.configurationFirst)
        ? 'collector'
        : 'none',
    podIdentity: from(ADDON_FEATURES.podIdentityFirst),
    collectorV1beta1: from(ADDON_FEATURES.collectorV1beta1First),
  };
}

/** Add-on versions that list the cluster's minor (e.g. "1.22") among their compatibilities, newest first. */
export function versionsForCluster(versions: readonly AddonVersionInfo[], clusterMinor: string): AddonVersionInfo[] {
  return versions
    .filter((v) => v.compatibilities.some((c) => c.clusterVersion === clusterMinor))
    .sort((a, b) => compareAddonVersions(b.addonVersion, a.addonVersion));
}

/** The version EKS marks as default for the cluster's minor, if it marks one. */
export function markedDefaultForCluster(
  versions: readonly AddonVersionInfo[],
  clusterMinor: string,
): string | undefined {
  return versionsForCluster(versions, clusterMinor).find((v) =>
    v.compatibilities.some((c) => c.clusterVersion === clusterMinor && c.defaultVersion),
  )?.addonVersion;
}

/**
 * The version to use as "the default": the one EKS marks, else the newest compatible one (EKS has published
 * catalogues with no default marked: https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2731).
 * `marked` tells which of the two it is.
 */
export function defaultChoiceForCluster(
  versions: readonly AddonVersionInfo[],
  clusterMinor: string,
): { version: string; marked: boolean } | undefined {
  const marked = markedDefaultForCluster(versions, clusterMinor);
  if (marked !== undefined) return { version: marked, marked: true };
  const newest = versionsForCluster(versions, clusterMinor)[0];
  return newest === undefined ? undefined : { version: newest.addonVersion, marked: false };
}

/** The version EKS marks as default for the cluster's minor; else the newest compatible one. */
export function defaultVersionForCluster(
  versions: readonly AddonVersionInfo[],
  clusterMinor: string,
): string | undefined {
  return defaultChoiceForCluster(versions, clusterMinor)?.version;
}

/**
 * Versions offered for the cluster that no published cert-manager requirement rules out for this cert-manager,
 * newest first: the non-destructive way out when cert-manager is too new for the chosen add-on version.
 */
export function versionsAcceptingCertManager(
  versions: readonly AddonVersionInfo[],
  clusterMinor: string,
  certManagerVersion: string,
): AddonVersionInfo[] {
  return versionsForCluster(versions, clusterMinor).filter(
    (v) => !certManagerRuledOut(v.addonVersion, certManagerVersion),
  );
}
