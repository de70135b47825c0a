/**
 * The doctor check ids (docs/checks.md), in report order, as the expectation tests hold the check set to: written out
 * here rather than read from ALL_CHECKS, so a check added, dropped or moved fails a test; typed, so a misspelled one
 * does not compile.
 */
import type { CheckId } from '../../src/core/checks/types.js';

/** The checks that matter before an install: what `adot doctor --pre` runs. */
export const PRE_INSTALL_CHECK_IDS: readonly CheckId[] = [
  'aws.credentials',
  'eks.cluster',
  'k8s.api',
  'k8s.version',
  'k8s.permissions',
  'cert-manager.installed',
  'cert-manager.version',
  'cert-manager.webhook',
  'addon.version',
  'addon.rbac',
  'addon.configuration',
];

/** The checks of an installed add-on and collector: skipped under `--pre`. */
export const INSTALLED_CHECK_IDS: readonly CheckId[] = [
  'addon.status',
  'operator.ready',
  'identity.mode',
  'pod-identity.agent',
  'pod-identity.association',
  'iam.oidc-provider',
  'iam.role',
  'iam.trust-policy',
  'iam.policies',
  'collector.service-account',
  'collector.rbac',
  'collector.resource',
  'amp.workspace',
  'collector.deployment',
  'collector.service',
];

export const CHECK_IDS: readonly CheckId[] = [...PRE_INSTALL_CHECK_IDS, ...INSTALLED_CHECK_IDS];
