import type { AddonHealthIssue, AddonInfo } from '../../ports.js';

/**
 * What to do with the ADOT add-on given what DescribeAddon answered. Transitional states (left by an interrupted
 * run, or by someone else) are waited out and the add-on observed again; a different version or a failed create
 * needs the user's confirmation (or --yes) because it replaces what is running.
 */
export type AddonDecision =
  | { kind: 'create'; version: string }
  | { kind: 'none'; version: string }
  /** same version, another configuration (configurationValues, Pod Identity associations) */
  | { kind: 'configure'; version: string; changes: string }
  | { kind: 'wait'; status: AddonInfo['status']; version: string }
  | { kind: 'update'; from: string; to: string; status: AddonInfo['status'] }
  | { kind: 'recreate'; version: string; health: AddonHealthIssue[] }
  | { kind: 'blocked'; status: AddonInfo['status']; health: AddonHealthIssue[] };

/**
 * `configurationChanges`: what differs between the add-on's configuration and the one wanted (undefined: nothing, or
 * no configuration is managed); a running add-on of the right version is then configured instead of left alone.
 */
export function decideAddon(
  observed: AddonInfo | undefined,
  desiredVersion: string,
  configurationChanges?: string,
): AddonDecision {
  if (observed === undefined) return { kind: 'create', version: desiredVersion };
  const { status, addonVersion, health } = observed;
  switch (status) {
    case 'CREATING':
    case 'UPDATING':
    case 'DELETING':
      return { kind: 'wait', status, version: addonVersion };
    case 'CREATE_FAILED':
      return { kind: 'recreate', version: desiredVersion, health };
    case 'DELETE_FAILED':
      return { kind: 'blocked', status, health };
    case 'UPDATE_FAILED':
      return { kind: 'update', from: addonVersion, to: desiredVersion, status };
    case 'ACTIVE':
    case 'DEGRADED':
      if (addonVersion !== desiredVersion) return { kind: 'update', from: addonVersion, to: desiredVersion, status };
      return configurationChanges === undefined
        ? { kind: 'none', version: addonVersion }
        : { kind: 'configure', version: addonVersion, changes: configurationChanges };
  }
}

/** The question asked before replacing a running add-on; undefined when the decision changes nothing running. */
export function addonConfirmation(decision: AddonDecision, cluster: string): string | undefined {
  if (decision.kind === 'update') {
    return decision.from === decision.to
      ? `The ADOT add-on on ${cluster} is ${decision.status}. Retry the update to ${decision.to}?`
      : `The ADOT add-on on ${cluster} runs ${decision.from}. Update it to ${decision.to}?`;
  }
  if (decision.kind === 'recreate') {
    return `The ADOT add-on on ${cluster} is CREATE_FAILED (${formatHealth(decision.health)}). Delete and re-create it?`;
  }
  return undefined;
}

export function formatHealth(health: readonly AddonHealthIssue[]): string {
  if (health.length === 0) return 'no health issue reported';
  return health.map((issue) => `${issue.code}: ${issue.message}`).join('; ');
}
