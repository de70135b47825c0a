import { COLLECTOR_CRD } from '../../core/compat-data.js';
import {
  addonRbacObjects,
  collectorDeploymentName,
  collectorObject,
  namespaceObject,
  prometheusRbacObjects,
  serviceAccountObject,
} from '../../core/plan/manifests.js';
import { isMetricsTarget } from '../../core/targets.js';
import { addonActiveStep, addonStep } from './addon-steps.js';
import type { ResolvedInstallContext } from './context.js';
import type { OperationDeps } from './deps.js';
import { oidcProviderStep, policiesStep, roleStep } from './iam-steps.js';
import { applyObjectStep } from './kube-steps.js';
import { rolloutStep } from './rollout-step.js';
import type { StepDefinition } from './runner.js';

export function skippedStep(id: string, resource: string, reason: string): StepDefinition {
  return { id, resource, plan: async () => ({ action: 'skipped', detail: reason }) };
}

export interface InstallRun {
  deadline: number;
  signal?: AbortSignal | undefined;
  confirm(question: string): Promise<void>;
}

/** The install, in the order of CONTRACT.md: every step observes, then creates / updates / does nothing. */
export function installSteps(deps: OperationDeps, context: ResolvedInstallContext, run: InstallRun): StepDefinition[] {
  const { request, values } = context;
  const clusterName = request.cluster;
  const trust = {
    providerArn: context.providerArn,
    issuerUrl: context.issuerUrl,
    namespace: request.namespace,
    serviceAccount: request.serviceAccount,
  };
  const kube = () => deps.kube();
  const addonRbac = context.addonNeedsRbac
    ? addonRbacObjects().map((desired) => applyObjectStep(kube, desired))
    : [skippedStep('addon-rbac', 'add-on RBAC (eks:addon-manager)', `not needed for ${context.addonVersion}`)];
  const prometheusRbac = request.targets.some(isMetricsTarget)
    ? prometheusRbacObjects(request.targets, values).map((desired) => applyObjectStep(kube, desired))
    : [skippedStep('prometheus-rbac', 'Prometheus receiver RBAC', 'no metrics target')];
  return [
    ...addonRbac,
    addonStep(deps, {
      clusterName,
      version: context.addonVersion,
      note: context.addonVersionNote,
      deadline: run.deadline,
      signal: run.signal,
      confirm: run.confirm,
    }),
    addonActiveStep(deps, { clusterName, deadline: run.deadline, signal: run.signal }),
    oidcProviderStep(deps, trust),
    roleStep(deps, { roleName: request.roleName, clusterName, trust }),
    policiesStep(deps, { roleName: request.roleName, targets: request.targets }),
    ...namespaceObject(values).map((desired) => applyObjectStep(kube, desired)),
    ...serviceAccountObject(values, context.roleArn).map((desired) => applyObjectStep(kube, desired)),
    ...prometheusRbac,
    ...collectorObject(request.targets, values).map((desired) =>
      applyObjectStep(kube, desired, { requiresCrd: COLLECTOR_CRD }),
    ),
    rolloutStep(deps, {
      namespace: request.namespace,
      deployment: collectorDeploymentName(request.collectorName),
      deadline: run.deadline,
      signal: run.signal,
    }),
  ];
}
