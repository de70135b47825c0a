/**
 * identity.mode, pod-identity.agent and pod-identity.association: how the collector's service account gets AWS
 * credentials (IRSA, EKS Pod Identity, both, or neither), and for Pod Identity the agent that serves them and the
 * association that names the role.
 */
import { POD_IDENTITY_MIN_ADDON_VERSION, addonSupportsPodIdentity, computeKindOfNodes } from '../identity/mode.js';
import {
  POD_IDENTITY_AGENT_ADDON,
  POD_IDENTITY_AGENT_DAEMONSET,
  POD_IDENTITY_AGENT_NAMESPACE,
  daemonSetReadiness,
} from '../identity/pod-identity-agent.js';
import type { CollectorIdentity } from './collector-identity.js';
import { ROLE_ARN_ANNOTATION, roleNameOfArn } from './collector-identity.js';
import { findObject, hintFor, pass, withFact } from './helpers.js';
import { identityOf } from './iam.js';
import type { Check, CheckId, CheckOutcome, DoctorContext, DoctorFacts } from './types.js';

function account(identity: CollectorIdentity): string {
  return `${identity.namespace}/${identity.serviceAccount}`;
}

function describeWiring(identity: CollectorIdentity): string {
  const parts: string[] = [];
  if (identity.annotatedRoleArn !== undefined) parts.push(`IRSA annotation -> ${identity.annotatedRoleArn}`);
  if (identity.association !== undefined) {
    parts.push(`Pod Identity association ${identity.association.associationId} -> ${identity.association.roleArn}`);
  }
  return parts.length === 0 ? 'no annotation, no association' : parts.join('; ');
}

function installHint(context: DoctorContext, identity: CollectorIdentity, mode: 'pod-identity' | 'irsa'): string {
  return `adot install --cluster ${context.clusterName} --identity ${mode} --namespace ${identity.namespace} --service-account ${identity.serviceAccount}`;
}

export const identityMode: Check<'identity.mode'> = {
  id: 'identity.mode',
  category: 'identity',
  title: "the collector's service account is wired to an IAM role (IRSA or EKS Pod Identity)",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['collector.service-account'],
  run(facts, context) {
    return withFact(this.id, 'Pod Identity associations', facts.podIdentityAssociations, () => {
      const identity = identityOf(facts, context);
      const observed = describeWiring(identity);
      const expected = context.identity;
      switch (identity.observed) {
        case 'none':
          return {
            status: 'fail',
            message: `service account ${account(identity)} has neither an ${ROLE_ARN_ANNOTATION} annotation (IRSA) nor an EKS Pod Identity association: the collector gets no AWS credentials`,
            observed,
            expected: expected === 'irsa' ? 'an IRSA annotation' : 'a Pod Identity association or an IRSA annotation',
            hint: hintFor(this.id, installHint(context, identity, expected ?? 'pod-identity')),
          };
        case 'both':
          return {
            status: 'warn',
            message: `service account ${account(identity)} has both an IRSA annotation and a Pod Identity association: EKS injects only the Pod Identity variables into its pods, so the association (role ${roleNameOfArn(identity.association?.roleArn ?? '') ?? identity.association?.roleArn}) is used and the annotation is ignored`,
            observed,
            expected: 'one of them',
            hint: hintFor(
              this.id,
              expected === 'irsa'
                ? `${installHint(context, identity, 'irsa')} (removes an association adot created); or (destructive: the association's role is no longer used by the service account) aws eks delete-pod-identity-association --cluster-name ${context.clusterName} --association-id ${identity.association?.associationId ?? '<id>'}`
                : `${installHint(context, identity, 'pod-identity')} (removes an IRSA annotation adot set); or (destructive: the service account loses its IRSA role) kubectl -n ${identity.namespace} annotate serviceaccount ${identity.serviceAccount} ${ROLE_ARN_ANNOTATION}-`,
            ),
          };
        case 'irsa':
        case 'pod-identity': {
          const name = identity.observed === 'irsa' ? 'IRSA' : 'EKS Pod Identity';
          if (expected !== undefined && expected !== identity.observed) {
            return {
              status: 'fail',
              message: `service account ${account(identity)} uses ${name}, not ${expected === 'irsa' ? 'IRSA' : 'EKS Pod Identity'} as asked`,
              observed,
              expected: expected === 'irsa' ? 'an IRSA annotation' : 'a Pod Identity association',
              hint: hintFor(this.id, installHint(context, identity, expected)),
            };
          }
          return pass(`${name}: ${observed}`, { observed: identity.observed, expected: expected ?? identity.observed });
        }
      }
    });
  },
};

function appliesToPodIdentity(facts: DoctorFacts, context: DoctorContext): CheckOutcome | undefined {
  const identity = identityOf(facts, context);
  if (identity.effective === 'pod-identity') return undefined;
  return { status: 'skip', message: 'skipped: the collector does not use EKS Pod Identity', notApplicable: true };
}

export const podIdentityAgent: Check<'pod-identity.agent'> = {
  id: 'pod-identity.agent',
  category: 'identity',
  title: 'the EKS Pod Identity agent runs on the nodes',
  appliesToPre: false,
  retryable: true,
  dependsOn: ['identity.mode'],
  run(facts, context) {
    const notApplicable = appliesToPodIdentity(facts, context);
    if (notApplicable !== undefined) return notApplicable;
    return podIdentityAgentOutcome(facts, context.clusterName, this.id);
  },
};

/** Whether the agent serves credentials on this cluster's nodes (also for the add-on's own collectors). */
export function podIdentityAgentOutcome(facts: DoctorFacts, clusterName: string, id: CheckId): CheckOutcome {
  const installHintText = `aws eks create-addon --cluster-name ${clusterName} --addon-name ${POD_IDENTITY_AGENT_ADDON} && aws eks wait addon-active --cluster-name ${clusterName} --addon-name ${POD_IDENTITY_AGENT_ADDON}`;
  if (facts.nodes.ok && computeKindOfNodes(facts.nodes.value) === 'fargate-only') {
    return {
      status: 'fail',
      message: 'every node is an AWS Fargate node, where EKS Pod Identity is not available',
      observed: 'Fargate nodes only',
      expected: 'EC2 nodes (managed, self-managed or Auto Mode)',
      hint: hintFor(id, `adot install --cluster ${clusterName} --identity irsa`),
    };
  }
  return withFact(id, `the ${POD_IDENTITY_AGENT_ADDON} add-on`, facts.podIdentityAgentAddon, (addon) =>
    withFact(id, `DaemonSets in ${POD_IDENTITY_AGENT_NAMESPACE}`, facts.daemonSets, (daemonSets) => {
      const daemonSet = findObject(daemonSets, POD_IDENTITY_AGENT_DAEMONSET, POD_IDENTITY_AGENT_NAMESPACE);
      const where = `${POD_IDENTITY_AGENT_NAMESPACE}/${POD_IDENTITY_AGENT_DAEMONSET}`;
      if (addon !== undefined && addon.status !== 'ACTIVE') {
        return {
          status: 'fail',
          message: `the ${POD_IDENTITY_AGENT_ADDON} add-on is ${addon.status}${addon.health.length > 0 ? `: ${addon.health.map((issue) => `${issue.code}: ${issue.message}`).join('; ')}` : ''}`,
          observed: `${addon.addonVersion} ${addon.status}`,
          expected: 'ACTIVE',
          hint: hintFor(
            id,
            `aws eks describe-addon --cluster-name ${clusterName} --addon-name ${POD_IDENTITY_AGENT_ADDON}`,
          ),
        };
      }
      if (daemonSet === undefined && addon !== undefined) {
        return {
          status: 'fail',
          message: `the ${POD_IDENTITY_AGENT_ADDON} add-on is ACTIVE but DaemonSet ${where} does not exist: pods of the association get no credentials`,
          observed: 'no DaemonSet',
          expected: `DaemonSet ${where}`,
          hint: hintFor(
            id,
            `(destructive: resets the fields of the add-on's objects you changed to EKS's values) aws eks update-addon --cluster-name ${clusterName} --addon-name ${POD_IDENTITY_AGENT_ADDON} --resolve-conflicts OVERWRITE   # re-installs what the add-on owns`,
          ),
        };
      }
      if (daemonSet === undefined) {
        return {
          status: 'fail',
          message: `the EKS Pod Identity agent is not installed (no ${POD_IDENTITY_AGENT_ADDON} add-on, no DaemonSet ${where}): pods of the association get no credentials`,
          observed: 'not installed',
          expected: `add-on ${POD_IDENTITY_AGENT_ADDON} ACTIVE`,
          hint: hintFor(id, installHintText),
        };
      }
      const readiness = daemonSetReadiness(daemonSet);
      if (!readiness.ready) {
        return {
          status: 'fail',
          message: `DaemonSet ${where} is not ready: ${readiness.message}`,
          observed: readiness.message,
          expected: 'every scheduled agent pod ready',
          hint: hintFor(
            id,
            `kubectl -n ${POD_IDENTITY_AGENT_NAMESPACE} describe daemonset ${POD_IDENTITY_AGENT_DAEMONSET}`,
          ),
        };
      }
      const source = addon === undefined ? 'installed without the EKS add-on' : `add-on ${addon.addonVersion} ACTIVE`;
      return pass(`${source}, DaemonSet ${where} ${readiness.message}`, { observed: readiness.message });
    }),
  );
}

export const podIdentityAssociation: Check<'pod-identity.association'> = {
  id: 'pod-identity.association',
  category: 'identity',
  title: "the Pod Identity association names the collector's role",
  appliesToPre: false,
  retryable: false,
  dependsOn: ['identity.mode'],
  run(facts, context) {
    const notApplicable = appliesToPodIdentity(facts, context);
    if (notApplicable !== undefined) return notApplicable;
    const identity = identityOf(facts, context);
    const association = identity.association;
    if (association === undefined) return { status: 'skip', message: 'skipped: no association' };
    const role = roleNameOfArn(association.roleArn);
    const observed = `${association.associationId} -> ${association.roleArn}`;
    const fix = `aws eks update-pod-identity-association --cluster-name ${context.clusterName} --association-id ${association.associationId} --role-arn <arn of ${context.roleName}>`;
    if (role === undefined) {
      return {
        status: 'fail',
        message: `association ${association.associationId} names ${association.roleArn}, which is not a role ARN`,
        observed,
        expected: `a role ARN`,
        hint: hintFor(this.id, fix),
      };
    }
    if (context.roleNameGiven && role !== context.roleName) {
      return {
        status: 'fail',
        message: `association ${association.associationId} for ${account(identity)} names role ${role}, not ${context.roleName}`,
        observed,
        expected: context.roleName,
        hint: hintFor(
          this.id,
          `${fix}   # or: ${installHint(context, identity, 'pod-identity')} --role-name ${context.roleName}`,
        ),
      };
    }
    const addonVersion = facts.addon.ok ? facts.addon.value?.addonVersion : undefined;
    if (addonVersion !== undefined && !addonSupportsPodIdentity(addonVersion)) {
      return {
        status: 'warn',
        message: `add-on ${addonVersion} predates EKS Pod Identity support (${POD_IDENTITY_MIN_ADDON_VERSION}): its collector image may not read Pod Identity credentials`,
        observed: addonVersion,
        expected: `${POD_IDENTITY_MIN_ADDON_VERSION} or later`,
        hint: hintFor(this.id, `adot install --cluster ${context.clusterName} --addon-version latest`),
      };
    }
    const owner = association.ownerArn === undefined ? '' : ` (owned by ${association.ownerArn})`;
    return pass(`association ${association.associationId} maps ${account(identity)} to role ${role}${owner}`, {
      observed,
    });
  },
};
