/** Every doctor check, in report order (grouped by category). */
import { addonRbac, addonStatus, addonVersion, operatorReady } from './addon.js';
import { addonConfiguration, unlessAddonCollectors } from './addon-configuration.js';
import { ampWorkspace } from './amp.js';
import { awsCredentials, eksCluster } from './aws.js';
import { certManagerInstalled, certManagerVersion, certManagerWebhook } from './cert-manager.js';
import { collectorDeployment, collectorResource, collectorService, collectorServiceAccount } from './collector.js';
import { collectorRbac } from './collector-rbac.js';
import { iamOidcProvider, iamPolicies, iamRole, iamTrustPolicy } from './iam.js';
import { identityMode, podIdentityAgent, podIdentityAssociation } from './identity.js';
import { k8sApi, k8sPermissions, k8sVersion } from './k8s.js';

/**
 * The checks of the collector resource, and of its identity, which --mode addon-config replaces. These lists are not
 * annotated `Check[]`: their element types keep each id's literal type, from which CheckId is derived.
 */
const COLLECTOR_RESOURCE_CHECKS = [
  identityMode,
  podIdentityAgent,
  podIdentityAssociation,
  iamOidcProvider,
  iamRole,
  iamTrustPolicy,
  iamPolicies,
  collectorServiceAccount,
  collectorRbac,
  collectorResource,
  ampWorkspace,
  collectorDeployment,
  collectorService,
] as const;

export const ALL_CHECKS = [
  awsCredentials,
  eksCluster,
  k8sApi,
  k8sVersion,
  k8sPermissions,
  certManagerInstalled,
  certManagerVersion,
  certManagerWebhook,
  addonVersion,
  addonRbac,
  addonConfiguration,
  addonStatus,
  operatorReady,
  ...COLLECTOR_RESOURCE_CHECKS.map(unlessAddonCollectors),
] as const;

export { runChecks, summarize, orderByDependencies, PRE_SKIP_REASON } from './runner.js';
export type * from './types.js';
