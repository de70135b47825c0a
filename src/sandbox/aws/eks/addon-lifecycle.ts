import { AddonHealthError, type AddonInstallSettings, type ClusterAddonHooks } from '../../types.js';
import type { AddonDefinition } from './addon-definitions.js';
import type { AddonIssue } from './emulator-types.js';
import { validateConfigurationValues } from './configuration.js';
import { invalidParameter } from './errors.js';

/** The rules of an add-on's lifecycle that do not depend on the emulator's state. */
type Where = { clusterName: string; addonName: string };

const RBAC_ACCESS_DENIED =
  'User "eks:addon-manager" cannot patch resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "opentelemetry-operator-system"';
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** the requested version when the cluster's Kubernetes version supports it, or the default one when none is asked */
export function resolveAddonVersion(
  definition: AddonDefinition,
  kubernetesVersion: string,
  requested: string | undefined,
  where: Where,
): string {
  if (requested === undefined) {
    // with no version marked default, AWS support described the latest as the default:
    // https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2731
    const fallback =
      definition.catalog.defaultFor(kubernetesVersion) ?? definition.catalog.list(kubernetesVersion)[0]?.addonVersion;
    if (fallback === undefined) {
      throw invalidParameter(
        `Addon ${where.addonName} has no version supported for Kubernetes version ${kubernetesVersion}`,
        where,
      );
    }
    return fallback;
  }
  if (!definition.catalog.isCompatible(requested, kubernetesVersion)) {
    throw invalidParameter(
      `Addon version ${requested} of ${where.addonName} is not supported for Kubernetes version ${kubernetesVersion}`,
      where,
    );
  }
  return requested;
}

/**
 * ResolveConflicts takes NONE, OVERWRITE or PRESERVE (the eks/2017-11-01 model's enum), on CreateAddon too since
 * June 2023 (https://github.com/eksctl-io/eksctl/pull/6729). EKS's wording for another value is not public.
 */
export function validateResolveConflicts(value: string | undefined, where: Where): void {
  if (value !== undefined && !['NONE', 'OVERWRITE', 'PRESERVE'].includes(value)) {
    throw invalidParameter(`ResolveConflicts ${value} is not supported`, where);
  }
}

/**
 * UpdateAddon's configuration: the values the add-on will run with (the new ones, or its own when only the version
 * changes) must fit the target version's schema ("Users with an incompatible advanced configuration will receive
 * errors when upgrading their add-on version to v0.88.0 or beyond",
 * https://github.com/aws-otel/aws-otel.github.io/blob/282f48cba70d4b10fef0c6a42a518fb6263c31d2/src/docs/getting-started/adot-eks-add-on/add-on-v88-migration.mdx).
 */
export function validateUpdateConfiguration(
  definition: AddonDefinition,
  update: { addon: { addonVersion: string; configurationValues?: string }; version: string; values?: string },
  where: Where,
): void {
  const values = update.values ?? update.addon.configurationValues;
  if (values === undefined) return;
  if (update.values !== undefined || update.version !== update.addon.addonVersion) {
    validateConfigurationValues(definition.configurationSchema(update.version), values, where);
  }
}

export function validateServiceAccountRoleArn(roleArn: string | undefined, where: Where): void {
  if (roleArn !== undefined && roleArn !== '' && !ROLE_ARN_PATTERN.test(roleArn)) {
    throw invalidParameter(`ServiceAccountRoleArn ${roleArn} is not a valid IAM role ARN`, where);
  }
}

/** the add-on RBAC rule (ADOT <= v0.62.1), then the add-on's hook; returns the health issue on failure */
export function installAddon(
  definition: AddonDefinition,
  hooks: ClusterAddonHooks | undefined,
  version: string,
  settings: AddonInstallSettings = {},
): AddonIssue | undefined {
  if (definition.requiresAddonRbac(version) && hooks?.hasAddonRbac?.() !== true) {
    return { code: 'AccessDenied', message: RBAC_ACCESS_DENIED, resourceIds: [] };
  }
  try {
    hooks?.installAddon(version, settings);
  } catch (error) {
    if (error instanceof AddonHealthError) {
      return { code: error.code, message: error.message, resourceIds: [...error.resourceIds] };
    }
    // a failing cluster must not take the endpoint down from inside a timer; EKS reports such failures as health
    return {
      code: 'InternalFailure',
      message: error instanceof Error ? error.message : String(error),
      resourceIds: [],
    };
  }
  return undefined;
}
