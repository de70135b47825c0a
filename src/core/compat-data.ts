/**
 * Compatibility rules as data: a new add-on release or a new cert-manager requirement is an edit of this table.
 * Ranges are semver ranges over the add-on's core version (`v0.45.0-eksbuild.1` → `0.45.0`) and over
 * cert-manager's version. Sources: ../shared/reference/adot-facts.md ("Versions", "Add-on RBAC manifest").
 */

/** Documented minimum Kubernetes minor for the ADOT add-on. */
export const KUBERNETES_MINIMUM = { major: 1, minor: 19 } as const;

export interface AddonCompatRule {
  /** add-on core versions the rule covers */
  addonRange: string;
  /** cert-manager versions that work with them */
  certManagerRange: string;
  /** what to install when cert-manager is outside the range */
  certManagerAdvice: string;
  /** a concrete release inside the range, for the fix command */
  certManagerRecommended: string;
}

export const ADDON_COMPAT_RULES: readonly AddonCompatRule[] = [
  {
    addonRange: '>=0.45.0 <0.46.0',
    certManagerRange: '>=1.0.0 <1.6.0',
    certManagerAdvice: 'cert-manager v1.5.x (e.g. v1.5.3)',
    certManagerRecommended: 'v1.5.3',
  },
  {
    addonRange: '>=0.46.0',
    certManagerRange: '>=1.6.0',
    certManagerAdvice: 'a supported cert-manager release (v1.6.0 or later)',
    certManagerRecommended: 'v1.13.1',
  },
];

/** The add-on RBAC manifest (eks:addon-manager roles) is needed up to and including this version. */
export const ADDON_RBAC_LAST_VERSION = '0.62.1';

export const ADDON_NAME = 'adot';
export const ADDON_RBAC_NAMESPACE = 'opentelemetry-operator-system';
export const ADDON_RBAC_CLUSTER_ROLE = 'eks:addon-manager-otel';
export const ADDON_RBAC_ROLE = 'eks:addon-manager';
export const COLLECTOR_CRD = 'opentelemetrycollectors.opentelemetry.io';
export const COLLECTOR_V1ALPHA1 = 'opentelemetry.io/v1alpha1';
export const COLLECTOR_V1BETA1 = 'opentelemetry.io/v1beta1';
/**
 * The first add-on version whose CRD serves (and stores) OpenTelemetryCollector v1beta1: the add-on follows the
 * OpenTelemetry operator's releases, and operator v0.102.0 made v1beta1 the storage version
 * (https://github.com/open-telemetry/opentelemetry-operator/blob/v0.102.0/bundle/manifests/opentelemetry.io_opentelemetrycollectors.yaml).
 */
export const COLLECTOR_V1BETA1_FROM_ADDON = '0.102.0';
export const CERT_MANAGER_INSTALL_URL = 'https://github.com/cert-manager/cert-manager/releases/download';
