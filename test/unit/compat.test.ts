import { describe, expect, it } from 'vitest';
import {
  certManagerInstallCommand,
  certManagerVerdict,
  defaultVersionForCluster,
  isKubernetesSupported,
  needsAddonRbac,
  recommendedCertManager,
  versionsForCluster,
} from '../../src/core/compat.js';
import { parseKubernetesVersion } from '../../src/core/versions.js';
import { CATALOG } from './checks-fixtures.js';

describe('compatibility data', () => {
  it('supports Kubernetes from 1.19', () => {
    expect(isKubernetesSupported(parseKubernetesVersion('v1.18.20-eks-c0eccc')!)).toBe(false);
    expect(isKubernetesSupported(parseKubernetesVersion('1.19')!)).toBe(true);
    expect(isKubernetesSupported(parseKubernetesVersion('v2.0.0')!)).toBe(true);
  });

  it('v0.45.x needs cert-manager >=1.0.0 <1.6.0; later versions need >=1.6.0', () => {
    expect(certManagerVerdict('v0.45.0-eksbuild.1', '1.5.3')).toMatchObject({
      compatible: true,
      expectedRange: '>=1.0.0 <1.6.0',
    });
    expect(certManagerVerdict('v0.45.0-eksbuild.1', '1.6.0').compatible).toBe(false);
    expect(certManagerVerdict('v0.51.0-eksbuild.1', '1.5.3')).toMatchObject({
      compatible: false,
      expectedRange: '>=1.6.0',
    });
    expect(certManagerVerdict('v0.102.0-eksbuild.1', '1.13.1').compatible).toBe(true);
  });

  it('recommends a cert-manager inside the range', () => {
    expect(recommendedCertManager('v0.45.0-eksbuild.1')).toBe('v1.5.3');
    expect(recommendedCertManager('v0.90.0-eksbuild.1')).toBe('v1.13.1');
    expect(certManagerInstallCommand('1.5.3')).toBe(
      'kubectl apply -f https://github.com/cert-manager/cert-manager/releases/download/v1.5.3/cert-manager.yaml',
    );
  });

  it('needs the add-on RBAC manifest up to and including v0.62.1', () => {
    expect(needsAddonRbac('v0.45.0-eksbuild.1')).toBe(true);
    expect(needsAddonRbac('v0.62.1-eksbuild.2')).toBe(true);
    expect(needsAddonRbac('v0.66.0-eksbuild.1')).toBe(false);
  });

  it('lists versions for a cluster newest first and finds its default', () => {
    expect(versionsForCluster(CATALOG, '1.22').map((v) => v.addonVersion)).toEqual([
      'v0.66.0-eksbuild.1',
      'v0.51.0-eksbuild.1',
      'v0.45.0-eksbuild.1',
    ]);
    expect(defaultVersionForCluster(CATALOG, '1.22')).toBe('v0.45.0-eksbuild.1');
    expect(defaultVersionForCluster(CATALOG, '1.23')).toBe('v0.51.0-eksbuild.1');
    expect(defaultVersionForCluster(CATALOG, '1.24')).toBe('v0.66.0-eksbuild.1');
    expect(defaultVersionForCluster(CATALOG, '1.37')).toBeUndefined();
  });
});
