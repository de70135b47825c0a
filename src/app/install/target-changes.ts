/**
 * Installing targets adds to what is installed: the targets asked for join those the cluster already has, which
 * stay. A target goes only with --prune, or when a person at a terminal (no --yes) approves the plan that names it,
 * its IAM policies and its pipelines (the one confirmation of the run: nothing is asked while observing). In CI the
 * installed targets are kept and the plan says how to remove them.
 */
import { ampWorkspaceOfUrl } from '../../core/identity/required-permissions.js';
import { policyName } from '../../core/plan/iam.js';
import { TARGETS, policyArnsForTargets, type Target } from '../../core/targets.js';
import type { Step } from '../../core/plan/steps.js';
import type { OperationDeps } from './deps.js';
import type { InstallRequest } from './inputs.js';
import type { InstalledTargets } from './installed-targets.js';

export interface TargetChanges {
  /** named by --target (or chosen at the prompt) */
  requested: Target[];
  /** installed before this run */
  installed: Target[];
  /** installed, not asked for, and kept (no --prune) */
  kept: Target[];
  /** installed, not asked for, and removed (--prune, or confirmed at a terminal) */
  removed: Target[];
  /** the managed policies the removal detaches (those no remaining target needs) */
  removedPolicies: string[];
  /** the pipelines the removal takes out of the collector (or the add-on's configuration) */
  removedPipelines: string[];
  /** --prune given or a removal proposed at a terminal: policies adot manages that no target needs may be detached */
  pruning: boolean;
  /** the removal was not asked for by --prune: a person at a terminal approves it with the plan (see removalCaution) */
  proposed: boolean;
}

function union(a: readonly Target[], b: readonly Target[]): Target[] {
  return TARGETS.filter((target) => a.includes(target) || b.includes(target));
}

function removalText(removed: readonly Target[], policies: readonly string[], pipelines: readonly string[]): string {
  const parts = [
    ...(policies.length === 0 ? [] : [`detach ${policies.map(policyName).join(', ')}`]),
    ...(pipelines.length === 0 ? [] : [`remove pipeline${pipelines.length === 1 ? '' : 's'} ${pipelines.join(', ')}`]),
  ];
  return `${removed.join(', ')}${parts.length === 0 ? '' : ` (${parts.join('; ')})`}`;
}

/**
 * The targets the run installs and what happens to the installed ones: the request comes back with the union (or,
 * pruning, exactly what was asked for) and, for a kept amp target, the remote-write URL it writes to now.
 */
export async function decideTargetChanges(
  deps: Pick<OperationDeps, 'prompter'>,
  request: InstallRequest,
  installed: InstalledTargets,
): Promise<{ request: InstallRequest; changes: TargetChanges }> {
  const notAsked = installed.targets.filter((target) => !request.targets.includes(target));
  const policiesOf = (removed: readonly Target[]) => {
    const remaining = policyArnsForTargets(request.targets);
    return policyArnsForTargets(removed).filter((arn) => !remaining.includes(arn));
  };
  const pipelinesOf = (removed: readonly Target[]) => [
    ...new Set(removed.flatMap((target) => installed.pipelines[target] ?? [])),
  ];
  // at a terminal the plan proposes the removal and the run's one confirmation covers it (no question here)
  const proposed = notAsked.length > 0 && !request.prune && deps.prompter.interactive;
  const prune = request.prune || proposed;
  // --mode addon-config: the removed targets' pipeline switches are turned off in the add-on's configuration
  const removed = prune ? notAsked : [];
  const kept = removed.length > 0 ? [] : notAsked;
  const targets = union(request.targets, kept);
  const keepAmpUrl =
    kept.includes('amp') &&
    installed.ampRemoteWriteUrl !== undefined &&
    request.ampRemoteWriteUrl === undefined &&
    request.ampWorkspaceId === undefined &&
    request.ampWorkspaceAlias === undefined;
  return {
    request: {
      ...request,
      targets,
      // the endpoint the kept amp target writes to (a custom one was accepted when it was installed)
      ...(keepAmpUrl
        ? {
            ampRemoteWriteUrl: installed.ampRemoteWriteUrl,
            allowCustomEndpoint: ampWorkspaceOfUrl(installed.ampRemoteWriteUrl!) === undefined,
          }
        : {}),
    },
    changes: {
      requested: request.targets,
      installed: installed.targets,
      kept,
      removed,
      removedPolicies: policiesOf(removed),
      removedPipelines: pipelinesOf(removed),
      pruning: prune,
      proposed,
    },
  };
}

/**
 * What a person approving the plan at a terminal agrees to when it removes targets --prune did not ask to remove:
 * shown with the plan's other cautions, answered by the run's one confirmation.
 */
export function removalCaution(changes: TargetChanges): string | undefined {
  const { removed } = changes;
  if (!changes.proposed || removed.length === 0) return undefined;
  const them = removed.length === 1 ? 'it' : 'them';
  return `Remove installed target${removed.length === 1 ? '' : 's'} not in --target: ${removalText(removed, changes.removedPolicies, changes.removedPipelines)}? (destructive: --prune; to keep ${them}, answer no and name ${them} in --target)`;
}

/** The plan's line about the targets: what is added, kept (and how to remove it) or removed. */
export function targetsStep(changes: TargetChanges): Step {
  const { requested } = changes;
  const added = requested.filter((target) => !changes.installed.includes(target));
  const parts = [
    ...(added.length === 0 ? [] : [`adds ${added.join(', ')}`]),
    ...(changes.kept.length === 0
      ? []
      : [`keeps ${changes.kept.join(', ')} (installed; --prune removes what --target does not name)`]),
    ...(changes.removed.length === 0
      ? []
      : [`removes ${removalText(changes.removed, changes.removedPolicies, changes.removedPipelines)}`]),
  ];
  const all = union(requested, changes.kept);
  return {
    id: 'targets',
    action: 'none',
    resource: 'targets',
    detail: `${all.join(', ')}${parts.length === 0 ? '' : `: ${parts.join('; ')}`}`,
  };
}
