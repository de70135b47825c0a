import { formatElapsed } from '../core/elapsed.js';
import { failure } from '../core/errors.js';
import { addonRbacObjects, prometheusRbacObjects } from '../core/plan/manifests.js';
import { partitionForRoleDeletion, policyName } from '../core/plan/iam.js';
import { refOf } from '../core/plan/kube-diff.js';
import { operationDocument } from '../core/plan/steps.js';
import type { OperationResult } from './install.js';
import { describeClusterOrFail } from './install/context.js';
import { ADDON_NAME, DEFAULT_TIMEOUT_MS } from '../core/defaults.js';
import type { OperationDeps } from './install/deps.js';
import { reportFailure } from './install/failure-report.js';
import { skippedStep } from './install/install-steps.js';
import { podIdentityAgentRemovalStep, podIdentityAssociationRemovalStep } from './install/identity-steps.js';
import { collectorDeleteStep } from './install/collector-step.js';
import { deleteObjectStep } from './install/kube-steps.js';
import { planText, reviewText } from './install/report.js';
import {
  Confirmations,
  confirmPlan,
  StepFailure,
  applySteps,
  planSteps,
  plannedSteps,
  type StepDefinition,
} from './install/runner.js';
import { missingValue } from './install/validate.js';
import { waitForAddon } from './wait-addon.js';

export interface UninstallOptions {
  cluster?: string | undefined;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  roleName: string;
  deleteRole: boolean;
  dryRun: boolean;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

function addonDeleteStep(
  deps: OperationDeps,
  clusterName: string,
  deadline: number,
  signal?: AbortSignal,
): StepDefinition {
  return {
    id: 'addon',
    resource: `EKS add-on ${ADDON_NAME} on ${clusterName}`,
    async plan() {
      const addon = await deps.eks.describeAddon(clusterName, ADDON_NAME);
      if (addon === undefined) return { action: 'none', detail: 'absent' };
      if (addon.status === 'DELETING') return { action: 'none', detail: 'already DELETING: waiting until gone' };
      return { action: 'delete', detail: `${addon.addonVersion} (${addon.status})` };
    },
    alwaysApply: true,
    async apply(planned) {
      if (planned.action === 'delete') await deps.eks.deleteAddon(clusterName, ADDON_NAME);
      if (planned.action === 'none' && planned.detail === 'absent') return {};
      const result = await waitForAddon(deps.eks, deps.clock, {
        clusterName,
        addonName: ADDON_NAME,
        until: 'deleted',
        deadline,
        signal,
      });
      return { detail: `${planned.detail}, gone after ${formatElapsed(result.elapsedMs)}` };
    },
  };
}

function roleSteps(deps: OperationDeps, roleName: string): StepDefinition[] {
  const attached = async () =>
    (await deps.iam.getRole(roleName)) === undefined ? undefined : deps.iam.listAttachedRolePolicies(roleName);
  return [
    {
      id: 'iam.policies',
      resource: `IAM policies of ${roleName}`,
      async plan() {
        const policies = await attached();
        if (policies === undefined) return { action: 'none', detail: 'role absent' };
        const { ours, foreign } = partitionForRoleDeletion(policies);
        const inline = await deps.iam.listRolePolicies(roleName);
        if (inline.length > 0) {
          throw failure(
            'RoleHasInlinePolicies',
            `Role ${roleName} has inline policies adot did not write: ${inline.join(', ')}`,
            {
              hint: `delete them first if the role is really unused: aws iam list-role-policies --role-name ${roleName}`,
            },
          );
        }
        if (foreign.length > 0) {
          throw failure(
            'RoleHasForeignPolicies',
            `Role ${roleName} also has policies adot did not attach: ${foreign.map(policyName).join(', ')}`,
            {
              hint: `detach them first if the role is really unused: aws iam list-attached-role-policies --role-name ${roleName}`,
            },
          );
        }
        return ours.length === 0
          ? { action: 'none', detail: 'none attached' }
          : { action: 'delete', detail: ours.map(policyName).join(', ') };
      },
      async apply() {
        const { ours } = partitionForRoleDeletion((await attached()) ?? []);
        for (const arn of ours) await deps.iam.detachRolePolicy(roleName, arn);
      },
    },
    {
      id: 'iam.role',
      resource: `IAM role ${roleName}`,
      plan: async () =>
        (await deps.iam.getRole(roleName)) === undefined
          ? { action: 'none', detail: 'absent' }
          : { action: 'delete', detail: '' },
      async apply() {
        await deps.iam.deleteRole(roleName);
      },
    },
  ];
}

/**
 * `adot uninstall`: the reverse of install — the collector, the Pod Identity association adot made, the service
 * account and Prometheus RBAC, the add-on (waiting until it is gone), the pod identity agent add-on when adot created
 * it and nothing else uses it, the add-on RBAC, and with --delete-role the role and its policies. The namespace and
 * the OIDC provider stay (other workloads and roles may use them). Every step is idempotent.
 */
export async function uninstall(deps: OperationDeps, options: UninstallOptions): Promise<OperationResult> {
  if (options.cluster === undefined) throw missingValue('--cluster', 'The EKS cluster', 'ADOT_CLUSTER');
  const clusterName = options.cluster;
  const deadline = deps.clock.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  await describeClusterOrFail(deps, clusterName);

  const kube = () => deps.kube();
  const values = {
    region: 'us-east-1',
    clusterName,
    namespace: options.namespace,
    serviceAccount: options.serviceAccount,
    collectorName: options.collectorName,
  };
  const deletions = (objects: ReturnType<typeof addonRbacObjects>) =>
    [...objects].reverse().map((d) => deleteObjectStep(kube, d.id, refOf(d.object)));
  const definitions: StepDefinition[] = [
    collectorDeleteStep(kube, options.collectorName, options.namespace),
    podIdentityAssociationRemovalStep(deps, {
      clusterName,
      namespace: options.namespace,
      serviceAccount: options.serviceAccount,
    }),
    deleteObjectStep(kube, 'service-account', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      name: options.serviceAccount,
      namespace: options.namespace,
    }),
    ...deletions(prometheusRbacObjects(['amp'], values)),
    addonDeleteStep(deps, clusterName, deadline, options.signal),
    podIdentityAgentRemovalStep(deps, {
      clusterName,
      namespace: options.namespace,
      serviceAccount: options.serviceAccount,
      ownAddonName: ADDON_NAME,
      deadline,
      signal: options.signal,
    }),
    ...deletions(addonRbacObjects()),
    ...(options.deleteRole
      ? roleSteps(deps, options.roleName)
      : [skippedStep('iam.role', `IAM role ${options.roleName}`, 'kept (pass --delete-role to delete it)')]),
  ];
  const entries = await planSteps(definitions, deps);
  const planned = plannedSteps(entries);
  if (options.dryRun) {
    const document = operationDocument(planned, { dryRun: true });
    deps.output.result(document, () => planText(planned, document.changes));
    return { exitStatus: 0, document };
  }
  const confirmations = new Confirmations(deps.prompter);
  // the plan first, then one question (only --yes answers it when no one is at a terminal: it removes things)
  await confirmPlan(entries, confirmations, {
    interactive: deps.prompter.interactive,
    required: true,
    show: (steps, changes, cautions) =>
      deps.output.info(reviewText(steps, changes, clusterName, cautions, 'uninstall')),
    question: `Uninstall ADOT from ${clusterName}${options.deleteRole ? ` and delete role ${options.roleName}` : ''}?`,
  });
  try {
    const steps = await applySteps(entries, deps, confirmations);
    const document = operationDocument(steps, { dryRun: false });
    const changes = document.changes;
    // each step has had its line as it ended (stderr): the result is the outcome, not the same lines again
    deps.output.result(document, () =>
      changes === 0
        ? `Nothing to uninstall on ${clusterName}.`
        : `ADOT uninstalled from ${clusterName} (${changes} change${changes === 1 ? '' : 's'}).`,
    );
    return { exitStatus: 0, document };
  } catch (error) {
    if (!(error instanceof StepFailure)) throw error;
    await reportFailure({ output: deps.output, done: error.done, failed: error.failedStep, error: error.error });
    const document = operationDocument(error.done, {
      dryRun: false,
      error: { code: error.error.code, message: error.error.message, hint: error.error.hint },
    });
    if (deps.output.format === 'json' || deps.output.format === 'yaml') deps.output.result(document, () => '');
    return { exitStatus: error.error.exitStatus, document };
  }
}
