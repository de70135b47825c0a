import { describe, expect, it } from 'vitest';
import { sortVersionsForPrompt } from '../../src/app/install/version-choice.js';
import type { AddonVersionInfo } from '../../src/ports.js';

function version(addonVersion: string, isDefault = false, clusterVersion = '1.22'): AddonVersionInfo {
  return {
    addonVersion,
    architecture: ['amd64', 'arm64'],
    compatibilities: [{ clusterVersion, defaultVersion: isDefault }],
    requiresConfiguration: false,
  };
}

const available = [
  version('v0.45.0-eksbuild.1'),
  version('v0.62.1-eksbuild.1', true),
  version('v0.88.0-eksbuild.1'),
  version('v0.90.0-eksbuild.1', false, '1.30'),
];

describe('the add-on version picker', () => {
  it('puts the default first, then newest first, and offers only versions for the cluster', () => {
    const choices = sortVersionsForPrompt(available, '1.22', 'v0.45.0-eksbuild.1');
    expect(choices.map((c) => c.name)).toEqual([
      'v0.62.1-eksbuild.1 (default)',
      'v0.88.0-eksbuild.1',
      'v0.45.0-eksbuild.1 (installed)',
    ]);
    expect(choices[0]?.description).toBe('Kubernetes 1.22, amd64/arm64');
  });

  it("marks the versions a published requirement rules out for the cluster's cert-manager, saying why", () => {
    const choices = sortVersionsForPrompt(available, '1.22', undefined, 'v1.15.3');
    const old = choices.find((c) => c.value === 'v0.45.0-eksbuild.1');
    expect(old?.description).toBe(
      'cannot work with cert-manager v1.15.3: needs cert-manager older than 1.6.0 (the 1.5 line, e.g. v1.5.5)',
    );
    expect(choices.filter((c) => c.description?.startsWith('cannot work'))).toHaveLength(1);
    const fits = sortVersionsForPrompt(available, '1.22', undefined, 'v1.5.5');
    expect(fits.some((c) => c.description?.startsWith('cannot work'))).toBe(false);
  });
});
