/**
 * Compatibility rules as data: a new add-on release or a newly published requirement is an edit of this file.
 * Ranges are semver ranges over the add-on's core version (`v0.45.0-eksbuild.1` → `0.45.0`) and over
 * cert-manager's version. Every rule names its public source; where no source states a requirement, there is no
 * rule (the checks then say that no requirement is published instead of inventing one).
 */

/**
 * The documented minimum Kubernetes minor for the ADOT add-on: 1.19 when the add-on launched (April 2022).
 * https://github.com/aws-otel/aws-otel.github.io/commit/44817d98c084f6b059ab5b46a93b14ba046b85db
 * (requirements page: "Kubernetes version 1.19 or higher"), also the AWS blog of 2022-04-22:
 * https://aws.amazon.com/blogs/containers/metrics-and-traces-collection-using-amazon-eks-add-ons-for-aws-distro-for-opentelemetry/
 */
export const KUBERNETES_MINIMUM = { major: 1, minor: 19 } as const;

/**
 * Since 2023-02-10 the ADOT docs say "1.21 or higher", without naming the add-on versions it applies to, so it is a
 * recommendation (k8s.version warns below it), not a floor per add-on version.
 * https://github.com/aws-otel/aws-otel.github.io/commit/b9acd991f107a93ddd3005636f52ceee6058dd71
 * https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/requirements
 */
export const KUBERNETES_DOCUMENTED_MINIMUM = { major: 1, minor: 21, since: '2023-02-10' } as const;

export interface AddonCompatRule {
  /** add-on core versions the rule covers */
  addonRange: string;
  /** cert-manager versions that work with them */
  certManagerRange: string;
  /** what to install when cert-manager is outside the range */
  certManagerAdvice: string;
  /** a concrete release inside the range, for the fix command */
  certManagerRecommended: string;
  /** where the requirement is published */
  source: string;
}

/**
 * Published cert-manager requirements. Only v0.45.x has one: the docs of April 2022 (and the AWS blog) said "less
 * than 1.6.0" and installed v1.5.0. On 2022-07-05 the docs replaced it with "We recommend using the latest
 * cert-manager version" and have named no range since, for any add-on version.
 * Requirement: https://github.com/aws-otel/aws-otel.github.io/commit/44817d98c084f6b059ab5b46a93b14ba046b85db
 * Replaced: https://github.com/aws-otel/aws-otel.github.io/commit/9e2dc4a99d519fec55d022dcb6e7dc35e33407ba
 * v1.5.5 is the last release of the 1.5 line:
 * https://cert-manager.io/docs/releases/release-notes/release-notes-1.5/
 */
export const ADDON_COMPAT_RULES: readonly AddonCompatRule[] = [
  {
    addonRange: '>=0.45.0 <0.46.0',
    certManagerRange: '<1.6.0',
    certManagerAdvice: 'cert-manager older than 1.6.0 (the 1.5 line, e.g. v1.5.5)',
    certManagerRecommended: 'v1.5.5',
    source: 'https://github.com/aws-otel/aws-otel.github.io/commit/44817d98c084f6b059ab5b46a93b14ba046b85db',
  },
];

/**
 * What the ADOT docs say about cert-manager for every version no rule covers (since 2022-07-05): use the latest.
 * https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/requirements
 */
export const CERT_MANAGER_ADVICE_WITHOUT_RULE = 'the ADOT docs recommend the latest cert-manager';

/**
 * The newest cert-manager release (2026-07-29), supported on Kubernetes 1.33 → 1.36.
 * https://cert-manager.io/docs/releases/release-notes/release-notes-1.21/ and https://cert-manager.io/docs/releases/
 */
export const CERT_MANAGER_LATEST = 'v1.21.1';

/**
 * The add-on RBAC manifest (eks:addon-manager roles) is needed up to and including this version.
 * https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/requirements ("only needed if installing an add-on
 * version that is v0.62.1 or before")
 */
export const ADDON_RBAC_LAST_VERSION = '0.62.1';

/**
 * What each add-on version accepts or serves, by the first version that has it.
 * - advanced configuration (`configurationValues`), with a `collector` section (mode, replicas, resources,
 *   serviceAccount, amp, cloudwatch, xray): from v0.62.1-eksbuild.1.
 *   https://github.com/aws-otel/aws-otel.github.io/commit/282f48cba70d4b10fef0c6a42a518fb6263c31d2 (the pre-v0.88
 *   pages, listing the keys of v0.66.0-eksbuild.1)
 * - the configuration schema break: v0.88.0 replaced those `collector` keys with preconfigured resources
 *   (`collector.prometheusMetrics`, `collector.otlpIngest`, `collector.containerLogs`).
 *   https://aws-otel.github.io/docs/ReleaseBlogs/aws-distro-for-opentelemetry-eks-add-on-v0.88.0
 * - EKS Pod Identity: from v0.94.1-eksbuild.1.
 *   https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html#pod-id-add-on-versions
 * - the OpenTelemetryCollector CRD in version v1beta1: from v0.102.0.
 *   https://aws-otel.github.io/docs/ReleaseBlogs/aws-distro-for-opentelemetry-eks-add-on-v0.102.0
 */
export const ADDON_FEATURES = {
  configurationFirst: '0.62.1',
  configurationPresetsFirst: '0.88.0',
  podIdentityFirst: '0.94.1',
  collectorV1beta1First: '0.102.0',
} as const;

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
