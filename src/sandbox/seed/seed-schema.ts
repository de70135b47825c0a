import * as v from 'valibot';
import type { AddonStatus, KubeObject } from '../../ports.js';
import { isKnownPreset, PRESET_NAMES_EXPECTED } from './presets.js';
import {
  anyMapping,
  closedMapping,
  flag,
  keyedBy,
  list,
  nonEmptyText,
  numberOrList,
  numberRange,
  numeric,
  oneOf,
  openMapping,
  pattern,
  text,
} from './schema.js';

/**
 * The seed file format of docs/sandbox.md "Seed file", declared once: parse.ts checks a seed against SEED_SCHEMA,
 * and the Seed types below (used across src/sandbox) are inferred from it. A key declared here is checked and typed.
 */
export const ADDON_STATUSES = [
  'CREATING',
  'ACTIVE',
  'CREATE_FAILED',
  'UPDATING',
  'DELETING',
  'DELETE_FAILED',
  'DEGRADED',
  'UPDATE_FAILED',
] as const satisfies readonly AddonStatus[];
export const CLUSTER_STATUSES = ['CREATING', 'ACTIVE', 'DELETING', 'FAILED', 'UPDATING', 'PENDING'] as const;
export const ADDON_HEALTH_CODES = [
  'AccessDenied',
  'InternalFailure',
  'ClusterUnreachable',
  'InsufficientNumberOfReplicas',
  'ConfigurationConflict',
  'AdmissionRequestDenied',
  'UnsupportedAddonModification',
  'K8sResourceNotFound',
  'AddonSubscriptionNeeded',
  'AddonPermissionFailure',
] as const;
/** ec2: nodes of a managed node group; fargate: only AWS Fargate nodes (clusters[].computeType) */
export const COMPUTE_TYPES = ['ec2', 'fargate'] as const;
export const FAULT_SERVICES = ['eks', 'eks-auth', 'iam', 'sts', 'xray', 'logs', 'aps', 'kubernetes'] as const;
export const KUBERNETES_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  '*',
] as const;
/** amp/2020-08-01 WorkspaceStatusCode */
export const WORKSPACE_STATUSES = ['CREATING', 'ACTIVE', 'UPDATING', 'DELETING', 'CREATION_FAILED'] as const;

const optional = v.optional;
const kubernetesVersion = text(pattern(/^1\.\d{1,2}$/, 'a Kubernetes minor version like "1.22"'));
const httpsUrl = text(pattern(/^https:\/\/[^\s/]+(\/\S*)?$/, 'an https:// URL'));
const seconds = numeric(numberRange(0, 3600));
const texts = list(text());
/** iam/2010-05-08 policyNameType */
const policyNameRule = pattern(/^[\w+=,.@-]{1,128}$/, 'an IAM policy name (1-128 of letters, digits, +=,.@_-)');
const roleArn = text(pattern(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, 'an IAM role ARN'));
const addonVersion = text(pattern(/^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$/, 'an add-on version like v0.45.0-eksbuild.1'));
/** a Kubernetes object name (DNS subdomain, RFC 1123) */
const kubeName = text(
  pattern(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Kubernetes name (lowercase letters, digits, - and .)'),
);
/** label keys and values as Kubernetes validates them (prefix/name, values up to 63 characters) */
const labels = keyedBy(
  text(pattern(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, 'a label value')),
  pattern(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'a label key'),
);
const tags = keyedBy(text());
const byName = (item: { name?: string }): string | undefined => item.name;

const addonCatalogEntry = closedMapping({
  version: addonVersion,
  clusterVersions: list(kubernetesVersion),
  default: optional(flag),
  architecture: optional(list(oneOf(['amd64', 'arm64']))),
  requiresConfiguration: optional(flag),
});

const fault = closedMapping({
  service: oneOf(FAULT_SERVICES),
  /** AWS operation name, e.g. DescribeAddon (AWS services); '*' or absent = every operation */
  operation: optional(text(pattern(/^(\*|[A-Z][A-Za-z0-9]*)$/, 'an AWS operation name like DescribeAddon, or *'))),
  /** Kubernetes verb (service kubernetes); absent = every verb */
  verb: optional(oneOf(KUBERNETES_VERBS)),
  /** Kubernetes resource (plural), e.g. deployments; absent = every resource */
  resource: optional(text(pattern(/^(\*|[a-z0-9.-]+(\/[a-z]+)?)$/, 'a plural Kubernetes resource like deployments'))),
  status: numeric(numberRange(400, 599, true)),
  rate: numeric(numberRange(0, 1)),
});

const behaviour = closedMapping({
  addonCreateSeconds: optional(seconds),
  addonDeleteSeconds: optional(seconds),
  addonUpdateSeconds: optional(seconds),
  rolloutSeconds: optional(seconds),
  /** how long a new Amazon Managed Service for Prometheus workspace stays CREATING (and DELETING) */
  workspaceCreateSeconds: optional(seconds),
  /**
   * a test affordance: the `batch/metrics` timeout of the collectors the ADOT add-on renders (default: the docs'
   * 60 s), so that scraped metrics reach AMP and CloudWatch sooner
   */
  addonCollectorBatchSeconds: optional(seconds),
  faults: optional(list(fault)),
  /** seed of the random generator behind fault rates, so a run can be replayed */
  randomSeed: optional(numeric(numberRange(0, 2 ** 32 - 1, true))),
});

const addonHealth = closedMapping({
  code: oneOf(ADDON_HEALTH_CODES),
  message: text(),
  resourceIds: optional(texts),
});

/** a pod identity association an add-on owns (CreateAddon `podIdentityAssociations`), in the add-on's namespace */
const addonPodIdentityAssociation = closedMapping({ serviceAccount: kubeName, roleArn });

const addon = closedMapping({
  name: text(pattern(/^[a-z0-9][a-z0-9-_]{0,99}$/, 'an add-on name like adot')),
  version: addonVersion,
  status: optional(oneOf(ADDON_STATUSES)),
  serviceAccountRoleArn: optional(roleArn),
  configurationValues: optional(text()),
  health: optional(list(addonHealth)),
  podIdentityAssociations: optional(list(addonPodIdentityAssociation, (item) => item.serviceAccount)),
});

/** an EKS Pod Identity association present at start: CreatePodIdentityAssociation's fields (botocore eks model) */
const podIdentityAssociation = closedMapping({
  namespace: kubeName,
  serviceAccount: kubeName,
  roleArn,
  disableSessionTags: optional(flag),
  targetRoleArn: optional(roleArn),
  /** the id EKS would have given it: `a-` and 17 lowercase letters or digits; generated when absent */
  id: optional(text(pattern(/^a-[a-z0-9]{17}$/, 'an association id: a- and 17 lowercase letters or digits'))),
  tags: optional(tags),
});

/** one node of a seeded cluster: its name and labels override the generated ones */
const node = closedMapping({ name: optional(kubeName), labels: optional(labels) });

/** any Kubernetes object; only its identity is checked here (its kind against the API server in consistency.ts) */
const kubeObject = v.pipe(
  openMapping({ apiVersion: nonEmptyText, kind: nonEmptyText, metadata: openMapping({ name: nonEmptyText }) }),
  v.transform((object): KubeObject => object),
);

const cluster = closedMapping({
  name: text(
    pattern(
      /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
      'an EKS cluster name (1-100 letters, digits, - or _, starting with a letter or digit)',
    ),
  ),
  version: optional(kubernetesVersion),
  gitVersion: optional(text(pattern(/^v1\.\d+\.\d+(\S*)$/, 'a Kubernetes gitVersion like v1.22.17-eks-48e63af'))),
  status: optional(oneOf(CLUSTER_STATUSES)),
  oidcIssuer: optional(httpsUrl),
  presets: optional(list(text({ test: isKnownPreset, expected: PRESET_NAMES_EXPECTED }))),
  addons: optional(list(addon, byName)),
  objects: optional(list(kubeObject)),
  /** how many Node objects (default 2), or one entry per node */
  nodes: optional(
    numberOrList(
      numeric(numberRange(0, 100, true)),
      list(node, byName),
      'a number of nodes (0-100) or a list of nodes',
    ),
  ),
  /** where the cluster's pods run: EC2 nodes (managed node group) or AWS Fargate */
  computeType: optional(oneOf(COMPUTE_TYPES)),
  podIdentityAssociations: optional(list(podIdentityAssociation, (item) => `${item.namespace}/${item.serviceAccount}`)),
});

const oidcProvider = closedMapping({
  url: httpsUrl,
  clientIds: optional(texts),
  thumbprints: optional(list(text(pattern(/^[0-9a-fA-F]{40}$/, '40 hex digits')))),
});

/** a customer managed policy: ARN `arn:aws:iam::ACCOUNT:policy<path><name>` */
const iamPolicy = closedMapping({
  name: text(policyNameRule),
  document: anyMapping,
  path: optional(text(pattern(/^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/, 'an IAM path like / or /adot/'))),
  description: optional(text({ test: (value) => value.length <= 1000, expected: 'at most 1000 characters' })),
});

const iamRole = closedMapping({
  name: text(pattern(/^[\w+=,.@-]{1,64}$/, 'an IAM role name (1-64 of letters, digits, +=,.@_-)')),
  assumeRolePolicyDocument: optional(anyMapping),
  /** AWS managed or customer managed policy ARNs */
  attachedPolicies: optional(
    list(text(pattern(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/\S+$/, 'an IAM policy ARN'))),
  ),
  /** inline policies by name, each a policy document */
  inlinePolicies: optional(keyedBy(anyMapping, policyNameRule)),
  description: optional(text()),
});

const ampWorkspace = closedMapping({
  /** default: a `ws-` id derived from the alias or the position, stable across runs */
  id: optional(text(pattern(/^ws-[0-9A-Za-z-]{1,61}$/, 'a workspace id like ws-0123abcd-4e5f-6789-abcd-ef0123456789'))),
  alias: optional(
    text({ test: (value) => value.trim().length >= 1 && value.trim().length <= 100, expected: '1-100 characters' }),
  ),
  /** default ACTIVE */
  status: optional(oneOf(WORKSPACE_STATUSES)),
});

export const SEED_SCHEMA = closedMapping({
  account: optional(text(pattern(/^\d{12}$/, 'an AWS account id of 12 digits'))),
  region: optional(text(pattern(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'an AWS region like us-east-1'))),
  addonCatalog: optional(list(addonCatalogEntry, (item) => item.version)),
  behaviour: optional(behaviour),
  clusters: optional(list(cluster, byName)),
  iam: optional(
    closedMapping({
      oidcProviders: optional(list(oidcProvider, (item) => item.url)),
      policies: optional(list(iamPolicy, (item) => item.name.toLowerCase())),
      roles: optional(list(iamRole, byName)),
    }),
  ),
  amp: optional(closedMapping({ workspaces: optional(list(ampWorkspace, (item) => item.id)) })),
});

// ---------- the types the declaration gives ----------
export type Seed = v.InferOutput<typeof SEED_SCHEMA>;
export type SeedAddonCatalogEntry = v.InferOutput<typeof addonCatalogEntry>;
export type SeedFault = v.InferOutput<typeof fault>;
export type SeedBehaviour = v.InferOutput<typeof behaviour>;
export type SeedAddonHealth = v.InferOutput<typeof addonHealth>;
export type SeedAddonPodIdentityAssociation = v.InferOutput<typeof addonPodIdentityAssociation>;
export type SeedAddon = v.InferOutput<typeof addon>;
export type SeedPodIdentityAssociation = v.InferOutput<typeof podIdentityAssociation>;
export type SeedNode = v.InferOutput<typeof node>;
export type SeedComputeType = (typeof COMPUTE_TYPES)[number];
export type SeedCluster = v.InferOutput<typeof cluster>;
export type SeedIamRole = v.InferOutput<typeof iamRole>;
export type SeedIamPolicy = v.InferOutput<typeof iamPolicy>;
export type SeedAmpWorkspace = v.InferOutput<typeof ampWorkspace>;
export type SeedOidcProvider = v.InferOutput<typeof oidcProvider>;
