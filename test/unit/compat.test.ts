import { describe, expect, it } from 'vitest';
import {
  addonFeatures,
  certManagerInstallCommand,
  certManagerVerdict,
  defaultChoiceForCluster,
  defaultVersionForCluster,
  isKubernetesSupported,
  meetsDocumentedMinimum,
  needsAddonRbac,
  recommendedCertManager,
  versionsAcceptingCertManager,
  versionsForCluster,
} from '../../src/core/compat.js';
import type { AddonVersionInfo } from '../../src/ports.js';
import { parseKubernetesVersion } from '../../src/core/versions.js';
import { CATALOG } from './checks-fixtures.js';

describe('compatibility data', () => {
  it('supports Kubernetes from 1.19', () => {
    expect(isKubernetesSupported(parseKubernetesVersion('v1.18.20-eks-c0eccc')!)).toBe(false);
    expect(isKubernetesSupported(parseKubernetesVersion('1.19')!)).toBe(true);
    expect(isKubernetesSupported(parseKubernetesVersion('v2.0.0')!)).toBe(true);
  });

  it('asks for 1.21 or higher as the docs do since February 2023, without failing 1.19 and 1.20', () => {
    expect(meetsDocumentedMinimum(parseKubernetesVersion('1.20')!)).toBe(false);
    expect(meetsDocumentedMinimum(parseKubernetesVersion('v1.21.14-eks-fb459a0')!)).toBe(true);
  });

  it('v0.45.x needs cert-manager < 1.6.0 (published); no requirement is published for any later version', () => {
    expect(certManagerVerdict('v0.45.0-eksbuild.1', '1.5.3')).toMatchObject({
      kind: 'compatible',
      rule: { certManagerRange: '<1.6.0' },
    });
    expect(certManagerVerdict('v0.45.0-eksbuild.1', '1.6.0').kind).toBe('incompatible');
    expect(certManagerVerdict('v0.45.0-eksbuild.1', '1.0.0').kind).toBe('compatible');
    for (const later of ['v0.51.0-eksbuild.1', 'v0.102.0-eksbuild.1', 'v0.151.0-eksbuild.2']) {
      for (const certManager of ['1.5.3', '1.8.2', '1.21.1']) {
        expect(certManagerVerdict(later, certManager), `${later} with ${certManager}`).toEqual({
          kind: 'unknown',
          advice: 'the ADOT docs recommend the latest cert-manager',
          recommended: 'v1.21.1',
        });
      }
    }
  });

  it('recommends the last 1.5 release for v0.45.x and the latest cert-manager otherwise', () => {
    expect(recommendedCertManager('v0.45.0-eksbuild.1')).toBe('v1.5.5');
    expect(recommendedCertManager('v0.90.0-eksbuild.1')).toBe('v1.21.1');
    expect(recommendedCertManager(undefined)).toBe('v1.21.1');
    expect(certManagerInstallCommand('1.5.3')).toBe(
      'kubectl apply -f https://github.com/cert-manager/cert-manager/releases/download/v1.5.3/cert-manager.yaml',
    );
  });

  it('finds the versions no published rule ties to an older cert-manager, newest first', () => {
    expect(versionsAcceptingCertManager(CATALOG, '1.22', '1.8.2').map((v) => v.addonVersion)).toEqual([
      'v0.66.0-eksbuild.1',
      'v0.51.0-eksbuild.1',
    ]);
    expect(versionsAcceptingCertManager(CATALOG, '1.22', '1.5.3')).toHaveLength(3);
  });

  it('tells the configuration schema, Pod Identity and v1beta1 of each version from the documented thresholds', () => {
    expect(addonFeatures('v0.45.0-eksbuild.1')).toEqual({
      configurationSchema: 'none',
      podIdentity: false,
      collectorV1beta1: false,
    });
    expect(addonFeatures('v0.62.1-eksbuild.1')?.configurationSchema).toBe('collector');
    expect(addonFeatures('v0.84.0-eksbuild.1')?.configurationSchema).toBe('collector');
    expect(addonFeatures('v0.88.0-eksbuild.1')?.configurationSchema).toBe('presets');
    expect(addonFeatures('v0.92.1-eksbuild.1')?.podIdentity).toBe(false);
    expect(addonFeatures('v0.94.1-eksbuild.1')).toEqual({
      configurationSchema: 'presets',
      podIdentity: true,
      collectorV1beta1: false,
    });
    expect(addonFeatures('v0.102.0-eksbuild.1')?.collectorV1beta1).toBe(true);
    expect(addonFeatures('not a version')).toBeUndefined();
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

  it('falls back to the newest compatible version when EKS marks no default, and says which it is', () => {
    const unmarked: AddonVersionInfo[] = CATALOG.map((v) => ({
      ...v,
      compatibilities: v.compatibilities.map((c) => ({ ...c, defaultVersion: false })),
    }));
    expect(defaultChoiceForCluster(CATALOG, '1.22')).toEqual({ version: 'v0.45.0-eksbuild.1', marked: true });
    expect(defaultChoiceForCluster(unmarked, '1.22')).toEqual({ version: 'v0.66.0-eksbuild.1', marked: false });
    expect(defaultChoiceForCluster(unmarked, '1.37')).toBeUndefined();
  });
});
