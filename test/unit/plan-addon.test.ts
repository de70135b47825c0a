import { describe, expect, it } from 'vitest';
import type { AddonInfo, AddonVersionInfo } from '../../src/ports.js';
import { addonConfirmation, decideAddon } from '../../src/core/plan/addon.js';
import { defaultChoiceNote, parseAddonVersionRequest, resolveAddonVersion } from '../../src/core/plan/addon-version.js';
import { AdotError } from '../../src/core/errors.js';

function addon(
  status: AddonInfo['status'],
  version = 'v0.45.0-eksbuild.1',
  health: AddonInfo['health'] = [],
): AddonInfo {
  return {
    addonName: 'adot',
    addonVersion: version,
    status,
    health,
    serviceAccountRoleArn: undefined,
    configurationValues: undefined,
    createdAt: undefined,
    modifiedAt: undefined,
    podIdentityAssociations: [],
  };
}

describe('decideAddon', () => {
  it('creates a missing add-on', () => {
    expect(decideAddon(undefined, 'v0.45.0-eksbuild.1')).toEqual({ kind: 'create', version: 'v0.45.0-eksbuild.1' });
  });

  it('keeps an ACTIVE add-on at the same version', () => {
    expect(decideAddon(addon('ACTIVE'), 'v0.45.0-eksbuild.1')).toEqual({ kind: 'none', version: 'v0.45.0-eksbuild.1' });
  });

  it('updates an ACTIVE add-on at another version, after confirmation', () => {
    const decision = decideAddon(addon('ACTIVE', 'v0.45.0-eksbuild.1'), 'v0.58.0-eksbuild.1');
    expect(decision).toEqual({
      kind: 'update',
      from: 'v0.45.0-eksbuild.1',
      to: 'v0.58.0-eksbuild.1',
      status: 'ACTIVE',
    });
    expect(addonConfirmation(decision, 'demo')).toBe(
      'The ADOT add-on on demo runs v0.45.0-eksbuild.1. Update it to v0.58.0-eksbuild.1?',
    );
  });

  it('waits out transitional states left by an interrupted run', () => {
    for (const status of ['CREATING', 'UPDATING', 'DELETING'] as const) {
      expect(decideAddon(addon(status), 'v0.45.0-eksbuild.1')).toMatchObject({ kind: 'wait', status });
    }
    expect(addonConfirmation(decideAddon(addon('CREATING'), 'v0.45.0-eksbuild.1'), 'demo')).toBeUndefined();
  });

  it('offers to re-create a CREATE_FAILED add-on, quoting the health issues', () => {
    const health = [
      { code: 'AccessDenied', message: 'User eks:addon-manager cannot patch resource roles', resourceIds: [] },
    ];
    const decision = decideAddon(addon('CREATE_FAILED', 'v0.45.0-eksbuild.1', health), 'v0.45.0-eksbuild.1');
    expect(decision).toEqual({ kind: 'recreate', version: 'v0.45.0-eksbuild.1', health });
    expect(addonConfirmation(decision, 'demo')).toContain(
      'AccessDenied: User eks:addon-manager cannot patch resource roles',
    );
  });

  it('blocks on DELETE_FAILED', () => {
    expect(decideAddon(addon('DELETE_FAILED'), 'v0.45.0-eksbuild.1')).toMatchObject({ kind: 'blocked' });
  });

  it('keeps a DEGRADED add-on at the same version (the wait reports its health) and retries UPDATE_FAILED', () => {
    expect(decideAddon(addon('DEGRADED'), 'v0.45.0-eksbuild.1').kind).toBe('none');
    expect(decideAddon(addon('UPDATE_FAILED'), 'v0.45.0-eksbuild.1')).toMatchObject({ kind: 'update' });
  });
});

const catalogue: AddonVersionInfo[] = [
  {
    addonVersion: 'v0.45.0-eksbuild.1',
    architecture: ['amd64'],
    compatibilities: [{ clusterVersion: '1.22', defaultVersion: true }],
    requiresConfiguration: false,
  },
  {
    addonVersion: 'v0.58.0-eksbuild.1',
    architecture: ['amd64', 'arm64'],
    compatibilities: [{ clusterVersion: '1.22', defaultVersion: false }],
    requiresConfiguration: false,
  },
  {
    addonVersion: 'v0.51.0-eksbuild.1',
    architecture: ['amd64', 'arm64'],
    compatibilities: [{ clusterVersion: '1.22', defaultVersion: false }],
    requiresConfiguration: false,
  },
];

describe('resolveAddonVersion', () => {
  const base = { available: catalogue, clusterVersion: '1.22', installed: undefined };

  it('picks the default, the latest, or an exact version (with or without the eksbuild suffix)', () => {
    expect(resolveAddonVersion({ ...base, request: undefined })).toBe('v0.45.0-eksbuild.1');
    expect(resolveAddonVersion({ ...base, request: 'default' })).toBe('v0.45.0-eksbuild.1');
    expect(resolveAddonVersion({ ...base, request: 'latest' })).toBe('v0.58.0-eksbuild.1');
    expect(resolveAddonVersion({ ...base, request: { exact: 'v0.51.0' } })).toBe('v0.51.0-eksbuild.1');
    expect(resolveAddonVersion({ ...base, request: { exact: 'v0.51.0-eksbuild.1' } })).toBe('v0.51.0-eksbuild.1');
  });

  it('keeps the installed version when none is requested, but not when one is', () => {
    expect(resolveAddonVersion({ ...base, installed: 'v0.51.0-eksbuild.1', request: undefined })).toBe(
      'v0.51.0-eksbuild.1',
    );
    expect(resolveAddonVersion({ ...base, installed: 'v0.51.0-eksbuild.1', request: 'default' })).toBe(
      'v0.45.0-eksbuild.1',
    );
  });

  it('refuses a version not offered for the cluster (usage) and a cluster with no version (failure)', () => {
    expect(() => resolveAddonVersion({ ...base, request: { exact: 'v0.99.0' } })).toThrow(
      /not offered for Kubernetes 1.22/,
    );
    try {
      resolveAddonVersion({ ...base, clusterVersion: '1.37', request: undefined });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AdotError);
      expect((error as AdotError).exitStatus).toBe(1);
      expect((error as AdotError).message).toBe('No ADOT add-on version supports Kubernetes 1.37 yet');
    }
  });
});

describe('no version marked default', () => {
  const unmarked = catalogue.map((v) => ({
    ...v,
    compatibilities: v.compatibilities.map((c) => ({ ...c, defaultVersion: false })),
  }));
  const base = { available: unmarked, clusterVersion: '1.22', installed: undefined };

  it('picks the newest offered version for the default and says so in a note', () => {
    for (const request of [undefined, 'default'] as const) {
      expect(resolveAddonVersion({ ...base, request })).toBe('v0.58.0-eksbuild.1');
      expect(defaultChoiceNote({ ...base, request })).toBe(
        'EKS marks no version default for Kubernetes 1.22: using the newest offered; --addon-version chooses another',
      );
    }
  });

  it('says nothing when a version is marked, one is asked for, or the installed one is kept', () => {
    expect(
      defaultChoiceNote({ available: catalogue, clusterVersion: '1.22', installed: undefined, request: undefined }),
    ).toBe(undefined);
    expect(defaultChoiceNote({ ...base, request: 'latest' })).toBeUndefined();
    expect(defaultChoiceNote({ ...base, request: { exact: 'v0.51.0' } })).toBeUndefined();
    expect(defaultChoiceNote({ ...base, installed: 'v0.51.0-eksbuild.1', request: undefined })).toBeUndefined();
  });
});

describe('parseAddonVersionRequest', () => {
  it('accepts versions, default and latest; refuses anything else with exit 2', () => {
    expect(parseAddonVersionRequest('latest')).toBe('latest');
    expect(parseAddonVersionRequest('0.45.0-eksbuild.1')).toEqual({ exact: 'v0.45.0-eksbuild.1' });
    expect(() => parseAddonVersionRequest('newest')).toThrow(AdotError);
    expect(() => parseAddonVersionRequest('v1; rm -rf')).toThrow(/not a version/);
  });
});
