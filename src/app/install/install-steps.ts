import {
  addonRbacObjects,
  collectorDeploymentName,
  collectorObject,
  namespaceObject,
  prometheusRbacObjects,
  serviceAccountObject,
} from '../../core/plan/manifests.js';
import type { RoleTrust } from '../../core/plan/iam.js';
import type { DesiredObject } from '../../core/plan/manifests.js';
import { isMetricsTarget } from '../../core/targets.js';
import { addonConfigInstallSteps } from './addon-config-steps.js';
import { addonActiveStep, addonStep } from './addon-steps.js';
import { ampWorkspaceSteps } from './amp-workspace.js';
import { collectorApplyStep } from './collector-step.js';
import { ampRequest, type ResolvedInstallContext } from './context.js';
import type { OperationDeps } from './deps.js';
import { oidcProviderStep, policiesStep, roleStep } from './iam-steps.js';
import {
  podIdentityAgentAddonStep,
  podIdentityAgentReadyStep,
  podIdentityAssociationRemovalStep,
  podIdentityAssociationStep,
  serviceAccountStep,
} from './identity-steps.js';
import { templateValuesOf } from './inputs.js';
import { prometheusRbacRemovalSteps } from './prometheus-rbac-removal.js';
import { applyObjectStep } from './kube-steps.js';
import { rolloutStep } from './rollout-step.js';
import { skippedStep, type InstallRun, type StepDefinition } from './runner.js';

export { skippedStep, type InstallRun } from './runner.js';

/** On the collector's pods: which identity they were started with, so a switch rolls them (credentials are injected at start). */
export const IDENTITY_ANNOTATION = 'adot.dev/identity';

function withIdentity(desired: DesiredObject, identity: string): DesiredObject {
  const object = structuredClone(desired.object);
  const spec = (object.spec ?? {}) as Record<string, unknown>;
  const existing = (spec.podAnnotations ?? {}) as Record<string, string>;
  object.spec = { ...spec, podAnnotations: { ...existing, [IDENTITY_ANNOTATION]: identity } };
  return { ...desired, object };
}

/**
 * The install, in order: add-on RBAC, (Pod Identity: the agent add-on), the ADOT add-on, IAM (IRSA: the OIDC
 * provider), the role and its policies, (an AMP workspace to create), namespace and service account, (Pod Identity:
 * the association; IRSA: removing an association adot made), Prometheus RBAC, the collector, its rollout. Every step
 * observes, then creates / updates / does nothing.
 */
export function installSteps(deps: OperationDeps, context: ResolvedInstallContext, run: InstallRun): StepDefinition[] {
  if (context.addonConfig !== undefined) return addonConfigInstallSteps(deps, context, context.addonConfig, run);
  const { request } = context;
  const clusterName = request.cluster;
  const podIdentity = context.identity.mode === 'pod-identity';
  const account = { clusterName, namespace: request.namespace, serviceAccount: request.serviceAccount };
  const kube = () => deps.kube();
  const values = () => templateValuesOf(ampRequest(request, context.amp, context.createdWorkspace.id), context.region);
  const trust: RoleTrust = podIdentity
    ? {
        mode: 'pod-identity',
        podIdentity: context.podIdentityTrust,
        roleArn: context.roleArn,
        ...(context.irsaTrust === undefined ? {} : { irsa: context.irsaTrust }),
      }
    : { mode: 'irsa', irsa: context.irsaTrust!, podIdentity: context.podIdentityTrust };
  const addonRbac = context.addonNeedsRbac
    ? addonRbacObjects().map((desired) => applyObjectStep(kube, desired))
    : [skippedStep('addon-rbac', 'add-on RBAC (eks:addon-manager)', `not needed for ${context.addonVersion}`)];
  // the cluster-wide read goes only with the last metrics target, removed on purpose (--prune or confirmed)
  const prometheusRbac = request.targets.some(isMetricsTarget)
    ? prometheusRbacObjects(request.targets, values()).map((desired) => applyObjectStep(kube, desired))
    : context.targetChanges.pruning
      ? prometheusRbacRemovalSteps(kube, values())
      : [];
  const identityAnnotation = `${context.identity.mode} ${context.roleArn}`;
  return [
    ...addonRbac,
    ...(podIdentity
      ? [podIdentityAgentAddonStep(deps, { clusterName, version: context.podIdentityAgent.version })]
      : []),
    addonStep(deps, {
      clusterName,
      version: context.addonVersion,
      note: context.addonVersionNote,
      deadline: run.deadline,
      signal: run.signal,
      confirm: run.confirm,
    }),
    addonActiveStep(deps, { clusterName, deadline: run.deadline, signal: run.signal }),
    ...(podIdentity
      ? [podIdentityAgentReadyStep(deps, { clusterName, deadline: run.deadline, signal: run.signal })]
      : [oidcProviderStep(deps, context.irsaTrust!)]),
    roleStep(deps, { roleName: request.roleName, clusterName, trust }),
    policiesStep(deps, { roleName: request.roleName, targets: request.targets, prune: context.targetChanges.pruning }),
    ...ampWorkspaceSteps(deps, context, run),
    ...namespaceObject(values()).map((desired) => applyObjectStep(kube, desired)),
    ...serviceAccountObject(values(), podIdentity ? undefined : context.roleArn).map((desired) =>
      serviceAccountStep(deps, desired, { removeIrsaAnnotation: podIdentity }),
    ),
    podIdentity
      ? podIdentityAssociationStep(deps, { ...account, roleArn: context.roleArn })
      : podIdentityAssociationRemovalStep(deps, { ...account, refuseForeign: true }),
    ...prometheusRbac,
    collectorApplyStep(
      kube,
      (apiVersion) => withIdentity(collectorObject(request.targets, values(), apiVersion)[0]!, identityAnnotation),
      () => ({
        addonVersion: context.addonVersion,
        addonChanging: context.installedAddon?.addonVersion !== context.addonVersion,
      }),
    ),
    rolloutStep(deps, {
      namespace: request.namespace,
      deployment: collectorDeploymentName(request.collectorName),
      deadline: run.deadline,
      signal: run.signal,
    }),
  ];
}
