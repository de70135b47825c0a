import semver from 'semver';
import { addonNamespace, POD_IDENTITY_AGENT_ADDON } from '../../seed/addon-namespaces.js';
import { podIdentityAgentCatalog } from '../../seed/pod-identity-agent-catalog.js';
import type { SeedAddonCatalogEntry } from '../../types.js';
import { ADOT_ADDON_NAME, AddonCatalog, addonBaseVersion, needsAddonRbac } from './catalog.js';
import { configurationSchema as adotConfigurationSchema } from './configuration.js';

/** DescribeAddonConfiguration's podIdentityConfiguration entry (AddonPodIdentityConfiguration in the eks model) */
export interface AddonPodIdentityConfiguration {
  serviceAccount: string;
  recommendedManagedPolicies: string[];
}

/** What the emulated EKS knows of one add-on: what DescribeAddonVersions says of it and the rules it follows. */
export interface AddonDefinition {
  name: string;
  /** AddonInfo's type, owner and publisher as DescribeAddonVersions reports them */
  type: string;
  owner: string;
  publisher: string;
  /** where EKS installs it (AddonInfo.defaultNamespace), and where the pod identity associations it owns live */
  namespace: string;
  catalog: AddonCatalog;
  /** CreateAddon is refused while cert-manager is not ready (ADOT) */
  requiresCertManager: boolean;
  /** installing this version needs the add-on RBAC manifest (ADOT <= v0.62.1) */
  requiresAddonRbac(version: string): boolean;
  /** the advanced-configuration JSON schema of a version, whose top-level `properties` configurationValues may use */
  configurationSchema(version: string): string;
  /** the service accounts a version supports pod identity associations for; empty when it does not */
  podIdentityConfiguration(version: string): AddonPodIdentityConfiguration[];
}

const POLICY = (name: string) => `arn:aws:iam::aws:policy/${name}`;

/**
 * ADOT supports EKS Pod Identity from v0.94.1-eksbuild.1
 * (https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html, "Pod Identity Support Reference"). Which service accounts and policies its DescribeAddonConfiguration names is
 * not public; these are the service accounts of the collectors the add-on deploys from its configuration (v0.88.0
 * and later) with the policies the ADOT docs attach to each
 * (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/config-prometheus-metrics, …/config-otlp-ingest,
 * …/config-container-logs).
 */
function adotPodIdentityConfiguration(version: string): AddonPodIdentityConfiguration[] {
  const base = addonBaseVersion(version);
  if (base === undefined || semver.lt(base, '0.94.1')) return [];
  return [
    {
      serviceAccount: 'adot-col-prom-metrics',
      recommendedManagedPolicies: [POLICY('AmazonPrometheusRemoteWriteAccess'), POLICY('CloudWatchAgentServerPolicy')],
    },
    { serviceAccount: 'adot-col-otlp-ingest', recommendedManagedPolicies: [POLICY('AWSXrayWriteOnlyAccess')] },
    { serviceAccount: 'adot-col-container-logs', recommendedManagedPolicies: [POLICY('CloudWatchAgentServerPolicy')] },
  ];
}

export function adotAddonDefinition(entries: readonly SeedAddonCatalogEntry[]): AddonDefinition {
  return {
    name: ADOT_ADDON_NAME,
    type: 'observability',
    owner: 'aws',
    publisher: 'eks',
    namespace: addonNamespace(ADOT_ADDON_NAME) ?? ADOT_ADDON_NAME,
    catalog: new AddonCatalog(entries),
    requiresCertManager: true,
    requiresAddonRbac: needsAddonRbac,
    configurationSchema: adotConfigurationSchema,
    podIdentityConfiguration: adotPodIdentityConfiguration,
  };
}

/**
 * The agent's advanced-configuration schema, trimmed to its top-level keys: those public quotes of its schema show
 * (affinity, agent, fullnameOverride: https://github.com/aws/eks-pod-identity-agent/issues/31; daemonsets:
 * https://github.com/aws/eks-hybrid/pull/763; tolerations: https://github.com/aws/containers-roadmap/issues/2261;
 * podLabels from v1.3.10-eksbuild.1: https://github.com/aws/containers-roadmap/issues/2684) and the other values of
 * its chart (charts/eks-pod-identity-agent/values.yaml). The exact list of each build is not public.
 */
function agentConfigurationSchema(version: string): string {
  const keys = [
    'affinity',
    'agent',
    'daemonsets',
    'fullnameOverride',
    'image',
    'init',
    'nameOverride',
    'nodeSelector',
    'podAnnotations',
    'priorityClassName',
    'resources',
    'tolerations',
    'updateStrategy',
  ];
  const base = addonBaseVersion(version);
  if (base !== undefined && semver.gte(base, '1.3.10')) keys.push('podLabels');
  return JSON.stringify({
    $schema: 'http://json-schema.org/draft-06/schema#',
    type: 'object',
    properties: Object.fromEntries(keys.sort().map((key) => [key, { type: ['object', 'string', 'array', 'null'] }])),
    additionalProperties: false,
  });
}

/**
 * The EKS Pod Identity Agent add-on: type "security" as DescribeAddonVersions lists it (in the public outputs of
 * it that repositories quote; no AWS page lists the type), owned by AWS and published by EKS like ADOT. It uses the
 * node role's permissions, not IRSA or pod identity
 * (https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html#add-ons-pod-id), so it
 * requires no IAM permissions of its own and declares no pod identity configuration. No cert-manager either.
 */
export function podIdentityAgentAddonDefinition(
  entries: readonly SeedAddonCatalogEntry[] = podIdentityAgentCatalog(),
): AddonDefinition {
  return {
    name: POD_IDENTITY_AGENT_ADDON,
    type: 'security',
    owner: 'aws',
    publisher: 'eks',
    namespace: addonNamespace(POD_IDENTITY_AGENT_ADDON) ?? 'kube-system',
    catalog: new AddonCatalog(entries),
    requiresCertManager: false,
    requiresAddonRbac: () => false,
    configurationSchema: agentConfigurationSchema,
    podIdentityConfiguration: () => [],
  };
}
