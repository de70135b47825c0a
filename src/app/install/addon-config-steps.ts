/**
 * The install of --mode addon-config: the add-on deploys the collectors itself from its configuration. IAM comes
 * first (EKS checks a Pod Identity association's role, and its trust, when the add-on asks for one), then the add-on
 * with its configuration, then the rollouts of the collectors it deploys.
 */
import type { RoleTrust } from '../../core/plan/iam.js';
import { addonRbacObjects } from '../../core/plan/manifests.js';
import { addonConfiguration, type AddonConfigPlan } from './addon-config.js';
import { addonActiveStep, addonStep } from './addon-steps.js';
import { ampWorkspaceSteps } from './amp-workspace.js';
import { ampRequest, type ResolvedInstallContext } from './context.js';
import type { OperationDeps } from './deps.js';
import { oidcProviderStep, policiesStep, roleStep } from './iam-steps.js';
import { podIdentityAgentAddonStep, podIdentityAgentReadyStep } from './identity-steps.js';
import { templateValuesOf } from './inputs.js';
import { applyObjectStep } from './kube-steps.js';
import { rolloutStep } from './rollout-step.js';
import { skippedStep, type InstallRun, type StepDefinition } from './runner.js';
import { resolveAmp } from '../../core/templates/values.js';

function trustsFor(context: ResolvedInstallContext, plan: AddonConfigPlan): RoleTrust[] {
  return plan.collectors.map((collector): RoleTrust => {
    const podIdentity = {
      ...context.podIdentityTrust,
      namespace: collector.namespace,
      serviceAccount: collector.serviceAccount,
    };
    const irsa =
      context.irsaTrust === undefined
        ? undefined
        : { ...context.irsaTrust, namespace: collector.namespace, serviceAccount: collector.serviceAccount };
    return context.identity.mode === 'pod-identity'
      ? { mode: 'pod-identity', podIdentity, roleArn: context.roleArn, ...(irsa === undefined ? {} : { irsa }) }
      : { mode: 'irsa', irsa: irsa!, podIdentity };
  });
}

export function addonConfigInstallSteps(
  deps: OperationDeps,
  context: ResolvedInstallContext,
  plan: AddonConfigPlan,
  run: InstallRun,
): StepDefinition[] {
  const { request } = context;
  const clusterName = request.cluster;
  const podIdentity = context.identity.mode === 'pod-identity';
  const kube = () => deps.kube();
  const ampRemoteWriteUrl = () => {
    if (!request.targets.includes('amp')) return undefined;
    return resolveAmp(templateValuesOf(ampRequest(request, context.amp, context.createdWorkspace.id), context.region))
      .url;
  };
  return [
    ...(context.addonNeedsRbac ? addonRbacObjects().map((desired) => applyObjectStep(kube, desired)) : []),
    ...(podIdentity
      ? [podIdentityAgentAddonStep(deps, { clusterName, version: context.podIdentityAgent.version })]
      : [oidcProviderStep(deps, context.irsaTrust!)]),
    roleStep(deps, { roleName: request.roleName, clusterName, trust: trustsFor(context, plan) }),
    policiesStep(deps, { roleName: request.roleName, targets: request.targets, prune: context.targetChanges.pruning }),
    ...ampWorkspaceSteps(deps, context, run),
    addonStep(deps, {
      clusterName,
      version: context.addonVersion,
      note: context.addonVersionNote,
      deadline: run.deadline,
      signal: run.signal,
      confirm: run.confirm,
      configuration: addonConfiguration(deps, {
        plan,
        clusterName,
        targets: request.targets,
        removedTargets: context.targetChanges.removed,
        identity: context.identity.mode,
        roleArn: context.roleArn,
        ampRemoteWriteUrl,
      }),
    }),
    addonActiveStep(deps, { clusterName, deadline: run.deadline, signal: run.signal }),
    ...(podIdentity
      ? [podIdentityAgentReadyStep(deps, { clusterName, deadline: run.deadline, signal: run.signal })]
      : []),
    ...plan.collectors.map((collector) =>
      collector.mode === 'deployment' || collector.mode === 'daemonset'
        ? rolloutStep(deps, {
            id: `rollout.${collector.name}`,
            namespace: collector.namespace,
            deployment: `${collector.name}-collector`,
            kind: collector.mode === 'daemonset' ? 'DaemonSet' : 'Deployment',
            deadline: run.deadline,
            signal: run.signal,
          })
        : skippedStep(
            `rollout.${collector.name}`,
            `collector ${collector.name}`,
            `${collector.mode} mode: not waited for`,
          ),
    ),
  ];
}
