import type { AddonVersionInfo, Choice } from '../../ports.js';
import { certManagerVerdict, versionsForCluster } from '../../core/compat.js';

/**
 * The add-on versions offered for the cluster (EKS lists only those that support its Kubernetes minor): the default
 * first, then newest first; the default and the installed one marked, and each version a published requirement
 * rules out for the cluster's cert-manager marked with why (compat-data.ts cites the sources).
 */
export function sortVersionsForPrompt(
  available: readonly AddonVersionInfo[],
  clusterVersion: string,
  installed: string | undefined,
  certManagerVersion?: string,
): Choice<string>[] {
  const isDefault = (info: AddonVersionInfo) =>
    info.compatibilities.some((c) => c.clusterVersion === clusterVersion && c.defaultVersion);
  const offered = versionsForCluster(available, clusterVersion);
  const ordered = [...offered.filter(isDefault), ...offered.filter((info) => !isDefault(info))];
  return ordered.map((info) => {
    const marks = [isDefault(info) ? 'default' : '', info.addonVersion === installed ? 'installed' : ''].filter(
      (mark) => mark !== '',
    );
    const verdict =
      certManagerVersion === undefined ? undefined : certManagerVerdict(info.addonVersion, certManagerVersion);
    const blocked =
      verdict?.kind === 'incompatible'
        ? `cannot work with cert-manager ${certManagerVersion}: needs ${verdict.rule.certManagerAdvice}`
        : undefined;
    return {
      name: marks.length === 0 ? info.addonVersion : `${info.addonVersion} (${marks.join(', ')})`,
      value: info.addonVersion,
      description: blocked ?? `Kubernetes ${clusterVersion}, ${info.architecture.join('/')}`,
    };
  });
}
