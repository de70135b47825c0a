import type { AddonInstallSettings, SeedAddonHealth } from '../../types.js';
import { associationsUpdateValue } from './addon-pod-identity.js';
import type { AddonDescription, AddonIssue, UpdateAddonParams, UpdateDescription } from './emulator-types.js';

/** An add-on as the emulator keeps it: its description and the timer of its pending transition. */
export interface AddonState extends AddonDescription {
  pending: NodeJS.Timeout | undefined;
}

export function settle(addon: AddonState, status: string, issue: AddonIssue | undefined): void {
  addon.status = status;
  addon.health = { issues: issue === undefined ? [] : [issue] };
  addon.modifiedAt = new Date();
}

export function describe(addon: AddonState): AddonDescription {
  const { pending: _pending, ...description } = addon;
  return structuredClone(description);
}

export function describeUpdate(update: UpdateDescription & { addonName: string }): UpdateDescription {
  const { addonName: _addonName, ...description } = update;
  return structuredClone(description);
}

export function updateParams(params: UpdateAddonParams, namespace: string): { type: string; value: string }[] {
  const entries: [string, string | undefined][] = [
    ['AddonVersion', params.addonVersion],
    ['ServiceAccountRoleArn', params.serviceAccountRoleArn],
    ['ResolveConflicts', params.resolveConflicts],
    ['ConfigurationValues', params.configurationValues],
    [
      'PodIdentityAssociations',
      params.podIdentityAssociations === undefined
        ? undefined
        : associationsUpdateValue(params.podIdentityAssociations, namespace),
    ],
  ];
  return entries.flatMap(([type, value]) => (value === undefined ? [] : [{ type, value }]));
}

export function toIssue(health: SeedAddonHealth): AddonIssue {
  return { code: health.code, message: health.message, resourceIds: health.resourceIds ?? [] };
}

export function includesOrAbsent(values: string[] | undefined, value: string): boolean {
  return values === undefined || values.length === 0 || values.includes(value);
}

export function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}

/** what installing the add-on as it now is asks of the cluster */
export function installSettings(addon: AddonState, resolveConflicts: string | undefined): AddonInstallSettings {
  return {
    configurationValues: addon.configurationValues,
    serviceAccountRoleArn: addon.serviceAccountRoleArn,
    resolveConflicts,
  };
}
