import { formatElapsed } from '../../core/elapsed.js';
import type { AddonInfo, AddonPodIdentityAssociation } from '../../ports.js';
import { failure } from '../../core/errors.js';
import { addonConfirmation, decideAddon, formatHealth, type AddonDecision } from '../../core/plan/addon.js';
import { waitForAddon } from '../wait-addon.js';
import { ADDON_NAME } from '../../core/defaults.js';
import type { OperationDeps } from './deps.js';
import type { ApplyOutcome, PlannedAction, StepDefinition } from './runner.js';

export interface AddonStepOptions {
  clusterName: string;
  version: string;
  /** said next to the version in the plan (e.g. that EKS marks no default) */
  note?: string | undefined;
  deadline: number;
  signal?: AbortSignal | undefined;
  /** asks (or answers --yes) before replacing a running add-on */
  confirm(question: string): Promise<void>;
  /** --mode addon-config: the add-on's own configuration, applied with it */
  configuration?: AddonConfiguration | undefined;
}

export interface AddonConfiguration {
  /** configurationValues (JSON text) */
  values: string;
  podIdentityAssociations?: AddonPodIdentityAssociation[];
  serviceAccountRoleArn?: string;
  /** what differs from the add-on as it is; undefined when nothing does */
  changes(addon: AddonInfo): Promise<string | undefined>;
}

/**
 * resolveConflicts: a new add-on, or a new version, takes the configuration as given (OVERWRITE); a configuration
 * change of a running add-on keeps the fields someone changed on the cluster (PRESERVE,
 * https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-field-management.html).
 */
const RESOLVE_ON_CONFIGURE = 'PRESERVE' as const;

function plannedFor(decision: AddonDecision, clusterName: string, note?: string): PlannedAction {
  const confirm = addonConfirmation(decision, clusterName);
  const planned = (action: PlannedAction['action'], detail: string): PlannedAction =>
    confirm === undefined ? { action, detail } : { action, detail, confirm };
  switch (decision.kind) {
    case 'create':
      return planned('create', note === undefined ? decision.version : `${decision.version} (${note})`);
    case 'none':
      return planned('none', `${decision.version} already installed`);
    case 'configure':
      return planned('update', `${decision.version}: ${decision.changes} (resolveConflicts ${RESOLVE_ON_CONFIGURE})`);
    case 'wait':
      return planned('none', `${decision.version} is ${decision.status}: waiting for it to settle`);
    case 'update':
      return planned('update', `${decision.from} -> ${decision.to}${note === undefined ? '' : ` (${note})`}`);
    case 'recreate':
      return planned('create', `re-create ${decision.version} after CREATE_FAILED (${formatHealth(decision.health)})`);
    case 'blocked':
      throw failure(
        'AddonBlocked',
        `The ${ADDON_NAME} add-on on ${clusterName} is ${decision.status}: ${formatHealth(decision.health)}`,
        { hint: `aws eks describe-addon --cluster-name ${clusterName} --addon-name ${ADDON_NAME}` },
      );
  }
}

/**
 * CreateAddon, or none / UpdateAddon / delete + create depending on what exists. A CreateAddon refused because the
 * add-on appeared meanwhile (ResourceInUseException: an interrupted run, a second terminal) is not an error: the
 * add-on is observed again and waited for.
 */
export function addonStep(deps: OperationDeps, options: AddonStepOptions): StepDefinition {
  const { clusterName, version } = options;
  const describe = (): Promise<AddonInfo | undefined> => deps.eks.describeAddon(clusterName, ADDON_NAME);
  const waitUntil = (until: 'settled' | 'deleted') =>
    waitForAddon(deps.eks, deps.clock, {
      clusterName,
      addonName: ADDON_NAME,
      until,
      deadline: options.deadline,
      signal: options.signal,
    });

  const { configuration } = options;
  // read when sent: the values may name what an earlier step made (the AMP workspace install creates); plan reads
  // them once too, so values EKS would refuse stop the install before its first change
  const configured = () =>
    configuration === undefined
      ? {}
      : {
          configurationValues: configuration.values,
          ...(configuration.podIdentityAssociations === undefined
            ? {}
            : { podIdentityAssociations: configuration.podIdentityAssociations }),
          ...(configuration.serviceAccountRoleArn === undefined
            ? {}
            : { serviceAccountRoleArn: configuration.serviceAccountRoleArn }),
        };
  const decide = async (addon: AddonInfo | undefined): Promise<AddonDecision> =>
    decideAddon(addon, version, addon === undefined ? undefined : await configuration?.changes(addon));

  const create = async (): Promise<void> => {
    try {
      await deps.eks.createAddon({
        clusterName,
        addonName: ADDON_NAME,
        addonVersion: version,
        resolveConflicts: 'OVERWRITE',
        ...configured(),
      });
    } catch (error) {
      if ((await describe()) === undefined) throw error;
    }
  };

  const converge = async (decision: AddonDecision, rounds: number): Promise<ApplyOutcome> => {
    const confirm = addonConfirmation(decision, clusterName);
    if (confirm !== undefined) await options.confirm(confirm);
    switch (decision.kind) {
      case 'none':
        return { action: 'none', detail: `${decision.version} already installed` };
      case 'create':
        await create();
        return { action: 'create', detail: options.note === undefined ? version : `${version} (${options.note})` };
      case 'update':
        await deps.eks.updateAddon({
          clusterName,
          addonName: ADDON_NAME,
          addonVersion: version,
          resolveConflicts: 'OVERWRITE',
          ...configured(),
        });
        return { action: 'update', detail: `${decision.from} -> ${decision.to}` };
      case 'configure':
        await deps.eks.updateAddon({
          clusterName,
          addonName: ADDON_NAME,
          resolveConflicts: RESOLVE_ON_CONFIGURE,
          ...configured(),
        });
        return { action: 'update', detail: `${decision.changes} (resolveConflicts ${RESOLVE_ON_CONFIGURE})` };
      case 'recreate':
        await deps.eks.deleteAddon(clusterName, ADDON_NAME);
        await waitUntil('deleted');
        await create();
        return { action: 'create', detail: `re-created ${version} after CREATE_FAILED` };
      case 'blocked':
        plannedFor(decision, clusterName);
        return {};
      case 'wait': {
        if (rounds >= 3)
          throw failure('AddonUnsettled', `The ${ADDON_NAME} add-on keeps changing state on ${clusterName}`);
        const settled = await waitUntil('settled');
        const next = await converge(await decide(settled.addon), rounds + 1);
        return next.action === 'none' ? { action: 'none', detail: `${version} (finished ${decision.status})` } : next;
      }
    }
  };

  return {
    id: 'addon',
    resource: `EKS add-on ${ADDON_NAME} on ${clusterName}`,
    plan: async () => {
      configured();
      return plannedFor(await decide(await describe()), clusterName, options.note);
    },
    alwaysApply: true,
    apply: async () => converge(await decide(await describe()), 0),
  };
}

/** Waits until the add-on is ACTIVE; stops on CREATE_FAILED / DEGRADED / UPDATE_FAILED with the health issues. */
export function addonActiveStep(
  deps: OperationDeps,
  options: { clusterName: string; deadline: number; signal?: AbortSignal | undefined },
): StepDefinition {
  return {
    id: 'addon-active',
    resource: `EKS add-on ${ADDON_NAME} ACTIVE`,
    plan: async () => ({ action: 'none', detail: 'wait until ACTIVE' }),
    alwaysApply: true,
    apply: async () => {
      const result = await waitForAddon(deps.eks, deps.clock, {
        clusterName: options.clusterName,
        addonName: ADDON_NAME,
        until: 'active',
        deadline: options.deadline,
        signal: options.signal,
      });
      return {
        action: 'none',
        detail: `${result.addon?.addonVersion ?? ''} ACTIVE after ${seconds(result.elapsedMs)}`,
      };
    },
  };
}

export function seconds(ms: number): string {
  return formatElapsed(ms);
}
