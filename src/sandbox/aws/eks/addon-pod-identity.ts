import type { SeedAddonPodIdentityAssociation } from '../../types.js';
import type { AddonDefinition } from './addon-definitions.js';
import { invalidParameter, resourceInUse } from './errors.js';
import type { PodIdentityAssociations } from './pod-identity.js';

/**
 * The pod identity associations an add-on owns (CreateAddon/UpdateAddon `podIdentityAssociations`,
 * https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html): each maps one of the add-on's service
 * accounts, in the add-on's namespace, to a role; ownerArn is the add-on's ARN.
 */
export type AddonAssociationRequest = SeedAddonPodIdentityAssociation;

interface Where {
  clusterName: string;
  addonName: string;
}

/**
 * Checks a request's associations before anything changes: the version must support pod identity and name each
 * service account ("InvalidParameterException: Pod Identity feature is not supported for addon version: …" and
 * "Service account … in pod identity configuration is not supported for addon …",
 * https://github.com/terraform-aws-modules/terraform-aws-eks/issues/3520), each role must be usable as for
 * CreatePodIdentityAssociation, and "Add-ons can't assume ownership of existing pod identity associations"
 * (add-ons-iam.html), so a service account with an association of another owner is refused.
 */
export function validateAddonAssociations(
  requested: readonly AddonAssociationRequest[],
  context: {
    definition: AddonDefinition;
    version: string;
    ownerArn?: string;
    store: PodIdentityAssociations;
    where: Where;
  },
): void {
  if (requested.length === 0) return;
  const { definition, version, store, where } = context;
  const supported = definition.podIdentityConfiguration(version).map((entry) => entry.serviceAccount);
  if (supported.length === 0) {
    throw invalidParameter(`Pod Identity feature is not supported for addon version: ${version}`, where);
  }
  const seen = new Set<string>();
  for (const association of requested) {
    if (!supported.includes(association.serviceAccount)) {
      throw invalidParameter(
        `Service account ${association.serviceAccount} in pod identity configuration is not supported for addon ${definition.name}`,
        where,
      );
    }
    if (seen.has(association.serviceAccount)) {
      // message not public
      throw invalidParameter(
        `Service account ${association.serviceAccount} is listed more than once in podIdentityAssociations`,
        where,
      );
    }
    seen.add(association.serviceAccount);
    store.validateRole(association.roleArn, false);
    const existing = store.find(definition.namespace, association.serviceAccount);
    if (existing !== undefined && (context.ownerArn === undefined || existing.ownerArn !== context.ownerArn)) {
      // the message CreatePodIdentityAssociation answers for the same conflict; EKS's own wording here is not public
      throw resourceInUse(`Association already exists: ${existing.associationId}`, where);
    }
  }
}

/**
 * Makes the add-on's associations the requested set ("all previous pod identity associations are overwritten",
 * update-addon-role.html): owned ones no longer listed are deleted, listed ones get their role, new ones are made.
 * Returns their ARNs, as DescribeAddon lists them.
 */
export function applyAddonAssociations(
  requested: readonly AddonAssociationRequest[],
  context: { namespace: string; ownerArn: string; store: PodIdentityAssociations },
): string[] {
  const { namespace, ownerArn, store } = context;
  for (const owned of store.ownedBy(ownerArn)) {
    if (!requested.some((association) => association.serviceAccount === owned.serviceAccount)) {
      store.delete(owned.associationId);
    }
  }
  return requested.map((association) => {
    const owned = store.find(namespace, association.serviceAccount);
    if (owned !== undefined) {
      store.reassign(owned.associationId, association.roleArn);
      return owned.associationArn;
    }
    return store.create(
      { namespace, serviceAccount: association.serviceAccount, roleArn: association.roleArn },
      ownerArn,
    ).associationArn;
  });
}

/** UpdateAddon's update parameter for the associations, in the shape EKS echoes (terraform-provider-aws#30645) */
export function associationsUpdateValue(requested: readonly AddonAssociationRequest[], namespace: string): string {
  return JSON.stringify(
    requested.map((association) => ({
      serviceAccount: association.serviceAccount,
      roleArn: association.roleArn,
      namespace,
    })),
  );
}
