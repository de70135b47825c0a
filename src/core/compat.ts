/**
 * Questions about compatibility, answered from the data in compat-data.ts.
 */
import semver from 'semver';
import type { AddonVersionInfo } from '../ports.js';
import {
  ADDON_COMPAT_RULES,
  ADDON_RBAC_LAST_VERSION,
  CERT_MANAGER_INSTALL_URL,
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

export function compatRuleFor(addonVersion: string): AddonCompatRule | undefined {
  const parsed = parseAddonVersion(addonVersion);
  if (!parsed) return undefined;
  return ADDON_COMPAT_RULES.find((rule) => semver.satisfies(parsed.core, rule.addonRange));
}

export interface CertManagerVerdict {
  compatible: boolean;
  /** the cert-manager range the add-on version needs, or undefined when no rule covers it */
  expectedRange: string | undefined;
  advice: string | undefined;
  recommended: string | undefined;
}

export function certManagerVerdict(addonVersion: string, certManagerVersion: string): CertManagerVerdict {
  const rule = compatRuleFor(addonVersion);
  if (!rule) return { compatible: true, expectedRange: undefined, advice: undefined, recommended: undefined };
  return {
    compatible: semver.satisfies(certManagerVersion, rule.certManagerRange),
    expectedRange: rule.certManagerRange,
    advice: rule.certManagerAdvice,
    recommended: rule.certManagerRecommended,
  };
}

export function certManagerManifestUrl(version: string): string {
  const tag = version.startsWith('v') ? version : `v${version}`;
  return `${CERT_MANAGER_INSTALL_URL}/${tag}/cert-manager.yaml`;
}

/** The kubectl command that installs a given cert-manager release. */
export function certManagerInstallCommand(version: string): string {
  return `kubectl apply -f ${certManagerManifestUrl(version)}`;
}

/** A cert-manager release that suits the add-on version (the newest known rule when the version is unknown). */
export function recommendedCertManager(addonVersion: string | undefined): string {
  const rule = addonVersion === undefined ? undefined : compatRuleFor(addonVersion);
  return (rule ?? ADDON_COMPAT_RULES[ADDON_COMPAT_RULES.length - 1]!).certManagerRecommended;
}

export function needsAddonRbac(addonVersion: string): boolean {
  const parsed = parseAddonVersion(addonVersion);
  return parsed !== undefined && semver.lte(parsed.core, ADDON_RBAC_LAST_VERSION);
}

export function addonRbacLastVersion(): string {
  return `v${ADDON_RBAC_LAST_VERSION}`;
}

/** Add-on versions that list the cluster's minor (e.g. "1.22") among their compatibilities, newest first. */
export function versionsForCluster(versions: readonly AddonVersionInfo[], clusterMinor: string): AddonVersionInfo[] {
  return versions
    .filter((v) => v.compatibilities.some((c) => c.clusterVersion === clusterMinor))
    .sort((a, b) => compareAddonVersions(b.addonVersion, a.addonVersion));
}

/** The version EKS marks as default for the cluster's minor; else the newest compatible one. */
export function defaultVersionForCluster(
  versions: readonly AddonVersionInfo[],
  clusterMinor: string,
): string | undefined {
  const compatible = versionsForCluster(versions, clusterMinor);
  const marked = compatible.find((v) =>
    v.compatibilities.some((c) => c.clusterVersion === clusterMinor && c.defaultVersion),
  );
  return (marked ?? compatible[0])?.addonVersion;
}
