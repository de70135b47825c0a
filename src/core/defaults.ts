/**
 * adot's names and defaults, written once: the flags' defaults, help, the use-cases and the sandbox's scenarios all
 * read them here.
 */

/** The EKS add-on's name (aws eks describe-addon-versions --addon-name adot; https://docs.aws.amazon.com/eks/latest/userguide/opentelemetry.html). */
export const ADDON_NAME = 'adot';

/**
 * Where the collector lives and who it runs as: the namespace, service account and OpenTelemetryCollector name of the
 * ADOT add-on's published collector templates and AWS's blog walk-through, and the IAM role name the blog gives it
 * (https://aws.amazon.com/blogs/containers/metrics-and-traces-collection-using-amazon-eks-add-ons-for-aws-distro-for-opentelemetry/).
 */
export const COLLECTOR_DEFAULTS = {
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
  collectorName: 'observability',
  roleName: 'EKS-ADOT-ServiceAccount-Role',
} as const;

/** How long install's and uninstall's waits may take when --timeout is not given: add-ons take minutes on EKS, rollouts less. */
export const DEFAULT_TIMEOUT_MS = 20 * 60_000;

/** How long `adot collector run` lets exporters deliver what they hold when it stops (--shutdown-timeout). */
export const DEFAULT_SHUTDOWN_TIMEOUT = '10s';
