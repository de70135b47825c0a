import type { AddonVersionInfo, Choice } from '../../ports.js';
import { versionsForCluster } from '../../core/compat.js';

/** The add-on versions offered for the cluster, newest first, the default and the installed one marked. */
export function sortVersionsForPrompt(
  available: readonly AddonVersionInfo[],
  clusterVersion: string,
  installed: string | undefined,
): Choice<string>[] {
  return versionsForCluster(available, clusterVersion).map((info) => {
    const marks = [
      info.compatibilities.some((c) => c.clusterVersion === clusterVersion && c.defaultVersion) ? 'default' : '',
      info.addonVersion === installed ? 'installed' : '',
    ].filter((mark) => mark !== '');
    return {
      name: marks.length === 0 ? info.addonVersion : `${info.addonVersion} (${marks.join(', ')})`,
      value: info.addonVersion,
      description: `architectures: ${info.architecture.join(', ')}`,
    };
  });
}
