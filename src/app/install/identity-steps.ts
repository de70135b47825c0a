/**
 * The steps of EKS Pod Identity (the agent add-on, its DaemonSet, the association) and the wiring install removes
 * when it switches identity: an association it made is deleted under IRSA, and an IRSA annotation it set is removed
 * under Pod Identity (the AWS SDKs prefer web identity, so a stale annotation would win).
 */
import { formatElapsed } from '../../core/elapsed.js';
import type { PodIdentityAssociationInfo } from '../../ports.js';
import { failure, timeoutError } from '../../core/errors.js';
import { ROLE_ARN_ANNOTATION } from '../../core/checks/collector-identity.js';
import {
  POD_IDENTITY_AGENT_ADDON,
  POD_IDENTITY_AGENT_DAEMONSET,
  POD_IDENTITY_AGENT_NAMESPACE,
  daemonSetReadiness,
} from '../../core/identity/pod-identity-agent.js';
import { describeObject, refOf } from '../../core/plan/kube-diff.js';
import type { DesiredObject } from '../../core/plan/manifests.js';
import { annotationOwnedByAdot, MANAGED_BY_ADOT, MANAGED_BY_LABEL, MANAGED_BY_TAG } from '../../core/plan/ownership.js';
import { waitForAddon } from '../wait-addon.js';
import { seconds } from './addon-steps.js';
import type { OperationDeps } from './deps.js';
import { applyObjectStep } from './kube-steps.js';
import type { StepDefinition } from './runner.js';

/** An association adot created (tagged MANAGED_BY_TAG): one it may update and delete. */
export function isOurAssociation(association: PodIdentityAssociationInfo): boolean {
  return association.tags[MANAGED_BY_LABEL] === MANAGED_BY_ADOT && association.ownerArn === undefined;
}

/** The agent add-on: created with the version EKS marks default when missing; an existing one is left as it is. */
export function podIdentityAgentAddonStep(
  deps: OperationDeps,
  input: { clusterName: string; version: string | undefined },
): StepDefinition {
  const { clusterName } = input;
  return {
    id: 'pod-identity.agent-addon',
    resource: `EKS add-on ${POD_IDENTITY_AGENT_ADDON} on ${clusterName}`,
    async plan() {
      const addon = await deps.eks.describeAddon(clusterName, POD_IDENTITY_AGENT_ADDON);
      if (addon !== undefined) return { action: 'none', detail: `${addon.addonVersion} ${addon.status}` };
      if (input.version === undefined) {
        throw failure(
          'NoPodIdentityAgentVersion',
          `No ${POD_IDENTITY_AGENT_ADDON} add-on version is offered for this cluster's Kubernetes version`,
          { hint: `aws eks describe-addon-versions --addon-name ${POD_IDENTITY_AGENT_ADDON}; or pass --identity irsa` },
        );
      }
      return { action: 'create', detail: input.version };
    },
    async apply() {
      if ((await deps.eks.describeAddon(clusterName, POD_IDENTITY_AGENT_ADDON)) !== undefined) return {};
      try {
        await deps.eks.createAddon({
          clusterName,
          addonName: POD_IDENTITY_AGENT_ADDON,
          ...(input.version === undefined ? {} : { addonVersion: input.version }),
          // uninstall removes the agent only when adot created it (and nothing else uses it)
          tags: { ...MANAGED_BY_TAG },
        });
      } catch (error) {
        // created meanwhile (a second terminal, an interrupted run): converge on it
        if ((await deps.eks.describeAddon(clusterName, POD_IDENTITY_AGENT_ADDON)) === undefined) throw error;
      }
      return {};
    },
  };
}

/**
 * uninstall's step for the agent add-on: deleted (and waited for until gone) when adot created it (its tag) and no
 * Pod Identity association outside adot's own uses it; otherwise kept, saying why. adot's association and those its
 * add-on owns are deleted by the steps before this one.
 */
export function podIdentityAgentRemovalStep(
  deps: OperationDeps,
  input: {
    clusterName: string;
    namespace: string;
    serviceAccount: string;
    ownAddonName: string;
    deadline: number;
    signal?: AbortSignal | undefined;
  },
): StepDefinition {
  const { clusterName } = input;
  const ownedByAdotsAddon = (association: PodIdentityAssociationInfo) =>
    association.ownerArn?.includes(`:addon/${clusterName}/${input.ownAddonName}/`) === true;
  const ownAssociation = (association: PodIdentityAssociationInfo) =>
    isOurAssociation(association) &&
    association.namespace === input.namespace &&
    association.serviceAccount === input.serviceAccount;
  return {
    id: 'pod-identity.agent-addon',
    resource: `EKS add-on ${POD_IDENTITY_AGENT_ADDON} on ${clusterName}`,
    async plan() {
      const addon = await deps.eks.describeAddon(clusterName, POD_IDENTITY_AGENT_ADDON);
      if (addon === undefined) return { action: 'none', detail: 'absent' };
      if (addon.tags?.[MANAGED_BY_LABEL] !== MANAGED_BY_ADOT) {
        return { action: 'skipped', detail: 'kept: adot did not create it' };
      }
      const others = (await deps.eks.listPodIdentityAssociations(clusterName)).filter(
        (association) => !ownAssociation(association) && !ownedByAdotsAddon(association),
      );
      if (others.length > 0) {
        const count = `${others.length} other Pod Identity association${others.length === 1 ? '' : 's'}`;
        return {
          action: 'skipped',
          detail: `kept: ${count} ${others.length === 1 ? 'uses' : 'use'} it (${others[0]?.namespace}/${others[0]?.serviceAccount} …)`,
        };
      }
      if (addon.status === 'DELETING') return { action: 'none', detail: 'already DELETING: waiting until gone' };
      return { action: 'delete', detail: `${addon.addonVersion} (adot created it; nothing else uses it)` };
    },
    alwaysApply: true,
    async apply(planned) {
      if (planned.action === 'skipped' || planned.detail === 'absent') return {};
      if (planned.action === 'delete') await deps.eks.deleteAddon(clusterName, POD_IDENTITY_AGENT_ADDON);
      const result = await waitForAddon(deps.eks, deps.clock, {
        clusterName,
        addonName: POD_IDENTITY_AGENT_ADDON,
        until: 'deleted',
        deadline: input.deadline,
        signal: input.signal,
      });
      return { detail: `${planned.detail}, gone after ${formatElapsed(result.elapsedMs)}` };
    },
  };
}

/** Waits until the agent add-on is ACTIVE and its DaemonSet ready on every node it is scheduled on. */
export function podIdentityAgentReadyStep(
  deps: OperationDeps,
  input: { clusterName: string; deadline: number; signal?: AbortSignal | undefined },
): StepDefinition {
  const where = `${POD_IDENTITY_AGENT_NAMESPACE}/${POD_IDENTITY_AGENT_DAEMONSET}`;
  return {
    id: 'pod-identity.agent',
    resource: `DaemonSet ${where} ready`,
    plan: async () => ({ action: 'none', detail: 'wait until ready' }),
    alwaysApply: true,
    async apply() {
      const started = deps.clock.now();
      await waitForAddon(deps.eks, deps.clock, {
        clusterName: input.clusterName,
        addonName: POD_IDENTITY_AGENT_ADDON,
        until: 'active',
        deadline: input.deadline,
        signal: input.signal,
      });
      let delay = 250;
      for (;;) {
        const daemonSet = await deps.kube().get({
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          name: POD_IDENTITY_AGENT_DAEMONSET,
          namespace: POD_IDENTITY_AGENT_NAMESPACE,
        });
        const readiness = daemonSet === undefined ? undefined : daemonSetReadiness(daemonSet);
        if (readiness?.ready === true) {
          return { action: 'none', detail: `${readiness.message} after ${seconds(deps.clock.now() - started)}` };
        }
        const remaining = input.deadline - deps.clock.now();
        if (remaining <= 0) {
          throw timeoutError(
            'PodIdentityAgentTimeout',
            `DaemonSet ${where} not ready after ${formatElapsed(deps.clock.now() - started)}: ${readiness?.message ?? 'it does not exist'}`,
            { hint: `kubectl -n ${POD_IDENTITY_AGENT_NAMESPACE} describe daemonset ${POD_IDENTITY_AGENT_DAEMONSET}` },
          );
        }
        await deps.clock.sleep(Math.min(delay, remaining), input.signal);
        delay = Math.min(2000, delay * 2);
      }
    },
  };
}

async function associationOf(
  deps: OperationDeps,
  input: { clusterName: string; namespace: string; serviceAccount: string },
): Promise<PodIdentityAssociationInfo | undefined> {
  const found = await deps.eks.listPodIdentityAssociations(input.clusterName, {
    namespace: input.namespace,
    serviceAccount: input.serviceAccount,
  });
  return found[0];
}

/** The association of the collector's service account: created, or pointed at the role; never duplicated. */
export function podIdentityAssociationStep(
  deps: OperationDeps,
  input: { clusterName: string; namespace: string; serviceAccount: string; roleArn: string },
): StepDefinition {
  const account = `${input.namespace}/${input.serviceAccount}`;
  const decide = (association: PodIdentityAssociationInfo | undefined) => {
    if (association === undefined) return { action: 'create' as const, detail: `${account} -> ${input.roleArn}` };
    if (association.roleArn === input.roleArn) {
      return { action: 'none' as const, detail: `${association.associationId} -> ${input.roleArn}` };
    }
    if (association.ownerArn !== undefined) {
      throw failure(
        'AssociationOwnedByAddon',
        `The Pod Identity association of ${account} belongs to ${association.ownerArn} and names ${association.roleArn}`,
        { hint: 'pass --namespace/--service-account for a service account of your own, or change the add-on instead' },
      );
    }
    return {
      action: 'update' as const,
      detail: `${association.associationId}: ${association.roleArn} -> ${input.roleArn}`,
    };
  };
  return {
    id: 'pod-identity.association',
    resource: `EKS Pod Identity association ${account}`,
    plan: async () => decide(await associationOf(deps, input)),
    async apply() {
      const association = await associationOf(deps, input);
      const decision = decide(association);
      if (decision.action === 'create') {
        await deps.eks.createPodIdentityAssociation({
          clusterName: input.clusterName,
          namespace: input.namespace,
          serviceAccount: input.serviceAccount,
          roleArn: input.roleArn,
          tags: { ...MANAGED_BY_TAG },
        });
      } else if (decision.action === 'update' && association !== undefined) {
        await deps.eks.updatePodIdentityAssociation({
          clusterName: input.clusterName,
          associationId: association.associationId,
          roleArn: input.roleArn,
        });
      }
      return decision;
    },
  };
}

/**
 * Under IRSA (or uninstall): the association adot created for the service account is deleted. One adot did not
 * create is not adot's to delete: uninstall leaves it; an IRSA install refuses before changing anything, because the
 * association would win over the annotation (EKS's pod identity webhook injects only the Pod Identity credentials
 * when both exist: "Container credentials method takes precedence", buildPodPatchConfig in pkg/handler/handler.go of
 * github.com/aws/amazon-eks-pod-identity-webhook) and the collector would not run as the IRSA role.
 */
export function podIdentityAssociationRemovalStep(
  deps: OperationDeps,
  input: { clusterName: string; namespace: string; serviceAccount: string; refuseForeign?: boolean },
): StepDefinition {
  const account = `${input.namespace}/${input.serviceAccount}`;
  return {
    id: 'pod-identity.association',
    resource: `EKS Pod Identity association ${account}`,
    async plan() {
      const association = await associationOf(deps, input);
      if (association === undefined) return { action: 'none', detail: 'absent' };
      if (!isOurAssociation(association) && input.refuseForeign === true) {
        throw failure(
          'ForeignPodIdentityAssociation',
          `Service account ${account} has Pod Identity association ${association.associationId} (role ${association.roleArn}) that adot did not create: it would take precedence over IRSA, so the collector would not use the IRSA role`,
          {
            hint: `install with --identity pod-identity (points the association at adot's role); or (destructive: the association's role is no longer used by the service account) aws eks delete-pod-identity-association --cluster-name ${input.clusterName} --association-id ${association.associationId} and re-run`,
          },
        );
      }
      if (!isOurAssociation(association)) {
        return { action: 'skipped', detail: `${association.associationId} was not created by adot: left as it is` };
      }
      return { action: 'delete', detail: `${association.associationId} -> ${association.roleArn}` };
    },
    async apply() {
      const association = await associationOf(deps, input);
      if (association === undefined || !isOurAssociation(association)) return { action: 'none', detail: 'absent' };
      await deps.eks.deletePodIdentityAssociation(input.clusterName, association.associationId);
      return {};
    },
  };
}

/**
 * The collector's service account. Under Pod Identity an IRSA annotation adot set earlier is removed (server-side
 * apply drops a field its manager no longer applies); the desired object then has no annotations at all.
 */
export function serviceAccountStep(
  deps: OperationDeps,
  desired: DesiredObject,
  options: { removeIrsaAnnotation: boolean },
): StepDefinition {
  const base = applyObjectStep(() => deps.kube(), desired);
  if (!options.removeIrsaAnnotation) return base;
  return {
    ...base,
    async plan() {
      const live = await deps.kube().get(refOf(desired.object));
      const planned = await base.plan();
      if (live?.metadata.annotations?.[ROLE_ARN_ANNOTATION] === undefined) return planned;
      if (!annotationOwnedByAdot(live, ROLE_ARN_ANNOTATION)) return planned;
      return {
        action: 'update',
        detail: `remove the IRSA annotation ${ROLE_ARN_ANNOTATION} adot set (the service account now uses EKS Pod Identity)`,
        manifest: desired.object,
      };
    },
    resource: describeObject(desired.object),
  };
}
