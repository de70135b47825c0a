import type { AddonStatus } from '../../ports.js';
import { isKnownPreset, PRESET_NAMES_EXPECTED } from './presets.js';
import { numberRange, oneOf, pattern, type Schema } from './schema.js';

/** The seed file format of docs/sandbox.md "Seed file", as data. */
export const ADDON_STATUSES: readonly AddonStatus[] = [
  'CREATING',
  'ACTIVE',
  'CREATE_FAILED',
  'UPDATING',
  'DELETING',
  'DELETE_FAILED',
  'DEGRADED',
  'UPDATE_FAILED',
];
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

const kubernetesVersion = {
  kind: 'string',
  rule: pattern(/^1\.\d{1,2}$/, 'a Kubernetes minor version like "1.22"'),
} as const;
const httpsUrl = { kind: 'string', rule: pattern(/^https:\/\/[^\s/]+(\/\S*)?$/, 'an https:// URL') } as const;
const seconds = { kind: 'number', rule: numberRange(0, 3600) } as const;
const stringList: Schema = { kind: 'list', of: { kind: 'string' } };
/** iam/2010-05-08 policyNameType */
const policyName = {
  kind: 'string',
  rule: pattern(/^[\w+=,.@-]{1,128}$/, 'an IAM policy name (1-128 of letters, digits, +=,.@_-)'),
} as const;
/** amp/2020-08-01 WorkspaceStatusCode */
export const WORKSPACE_STATUSES = ['CREATING', 'ACTIVE', 'UPDATING', 'DELETING', 'CREATION_FAILED'] as const;

const roleArn = { kind: 'string', rule: pattern(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, 'an IAM role ARN') } as const;
/** a Kubernetes object name (DNS subdomain, RFC 1123) */
const kubeName = {
  kind: 'string',
  rule: pattern(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Kubernetes name (lowercase letters, digits, - and .)'),
} as const;
/** label keys and values as Kubernetes validates them (prefix/name, values up to 63 characters) */
const labels: Schema = {
  kind: 'map',
  key: pattern(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, 'a label key'),
  of: { kind: 'string', rule: pattern(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, 'a label value') },
};
const tags: Schema = { kind: 'map', of: { kind: 'string' } };
const fieldOf =
  (...names: string[]) =>
  (item: unknown): string | undefined =>
    typeof item === 'object' && item !== null
      ? names.map((name) => String((item as Record<string, unknown>)[name])).join('/')
      : undefined;

const nameOf = (item: unknown): string | undefined =>
  typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string'
    ? (item as { name: string }).name
    : undefined;

const addonCatalogEntry: Schema = {
  kind: 'object',
  required: ['version', 'clusterVersions'],
  fields: {
    version: {
      kind: 'string',
      rule: pattern(/^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$/, 'an add-on version like v0.45.0-eksbuild.1'),
    },
    clusterVersions: { kind: 'list', of: kubernetesVersion },
    default: { kind: 'boolean' },
    architecture: { kind: 'list', of: { kind: 'string', rule: oneOf(['amd64', 'arm64']) } },
    requiresConfiguration: { kind: 'boolean' },
  },
};

const fault: Schema = {
  kind: 'object',
  required: ['service', 'status', 'rate'],
  fields: {
    service: { kind: 'string', rule: oneOf(FAULT_SERVICES) },
    operation: {
      kind: 'string',
      rule: pattern(/^(\*|[A-Z][A-Za-z0-9]*)$/, 'an AWS operation name like DescribeAddon, or *'),
    },
    verb: { kind: 'string', rule: oneOf(KUBERNETES_VERBS) },
    resource: {
      kind: 'string',
      rule: pattern(/^(\*|[a-z0-9.-]+(\/[a-z]+)?)$/, 'a plural Kubernetes resource like deployments'),
    },
    status: { kind: 'number', rule: numberRange(400, 599, true) },
    rate: { kind: 'number', rule: numberRange(0, 1) },
  },
};

const addon: Schema = {
  kind: 'object',
  required: ['name', 'version'],
  fields: {
    name: { kind: 'string', rule: pattern(/^[a-z0-9][a-z0-9-_]{0,99}$/, 'an add-on name like adot') },
    version: {
      kind: 'string',
      rule: pattern(/^v\d+\.\d+\.\d+(-eksbuild\.\d+)?$/, 'an add-on version like v0.45.0-eksbuild.1'),
    },
    status: { kind: 'string', rule: oneOf(ADDON_STATUSES) },
    serviceAccountRoleArn: roleArn,
    configurationValues: { kind: 'string' },
    health: {
      kind: 'list',
      of: {
        kind: 'object',
        required: ['code', 'message'],
        fields: {
          code: { kind: 'string', rule: oneOf(ADDON_HEALTH_CODES) },
          message: { kind: 'string' },
          resourceIds: stringList,
        },
      },
    },
    podIdentityAssociations: {
      kind: 'list',
      of: {
        kind: 'object',
        required: ['serviceAccount', 'roleArn'],
        fields: { serviceAccount: kubeName, roleArn },
      },
      uniqueBy: fieldOf('serviceAccount'),
    },
  },
};

/** CreatePodIdentityAssociation's fields (botocore eks model), plus the id EKS would have given it */
const podIdentityAssociation: Schema = {
  kind: 'object',
  required: ['namespace', 'serviceAccount', 'roleArn'],
  fields: {
    namespace: kubeName,
    serviceAccount: kubeName,
    roleArn,
    disableSessionTags: { kind: 'boolean' },
    targetRoleArn: roleArn,
    id: {
      kind: 'string',
      rule: pattern(/^a-[a-z0-9]{17}$/, 'an association id: a- and 17 lowercase letters or digits'),
    },
    tags,
  },
};

const node: Schema = { kind: 'object', fields: { name: kubeName, labels } };

const kubeObject: Schema = {
  kind: 'any-object',
  requiredStrings: [['apiVersion'], ['kind'], ['metadata', 'name']],
};

const cluster: Schema = {
  kind: 'object',
  required: ['name'],
  fields: {
    name: {
      kind: 'string',
      rule: pattern(
        /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
        'an EKS cluster name (1-100 letters, digits, - or _, starting with a letter or digit)',
      ),
    },
    version: kubernetesVersion,
    gitVersion: {
      kind: 'string',
      rule: pattern(/^v1\.\d+\.\d+(\S*)$/, 'a Kubernetes gitVersion like v1.22.17-eks-48e63af'),
    },
    status: { kind: 'string', rule: oneOf(CLUSTER_STATUSES) },
    oidcIssuer: httpsUrl,
    presets: { kind: 'list', of: { kind: 'string', rule: { test: isKnownPreset, expected: PRESET_NAMES_EXPECTED } } },
    addons: { kind: 'list', of: addon, uniqueBy: nameOf },
    objects: { kind: 'list', of: kubeObject },
    nodes: {
      kind: 'either',
      of: [
        { kind: 'number', rule: numberRange(0, 100, true) },
        { kind: 'list', of: node, uniqueBy: (item) => nameOf(item) },
      ],
      expected: 'a number of nodes (0-100) or a list of nodes',
    },
    computeType: { kind: 'string', rule: oneOf(COMPUTE_TYPES) },
    podIdentityAssociations: {
      kind: 'list',
      of: podIdentityAssociation,
      uniqueBy: fieldOf('namespace', 'serviceAccount'),
    },
  },
};

export const SEED_SCHEMA: Schema = {
  kind: 'object',
  fields: {
    account: { kind: 'string', rule: pattern(/^\d{12}$/, 'an AWS account id of 12 digits') },
    region: {
      kind: 'string',
      rule: pattern(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'an AWS region like us-east-1'),
    },
    addonCatalog: {
      kind: 'list',
      of: addonCatalogEntry,
      uniqueBy: (item) =>
        typeof item === 'object' && item !== null ? String((item as { version?: unknown }).version) : undefined,
    },
    behaviour: {
      kind: 'object',
      fields: {
        addonCreateSeconds: seconds,
        addonDeleteSeconds: seconds,
        addonUpdateSeconds: seconds,
        rolloutSeconds: seconds,
        workspaceCreateSeconds: seconds,
        addonCollectorBatchSeconds: seconds,
        faults: { kind: 'list', of: fault },
        randomSeed: { kind: 'number', rule: numberRange(0, 2 ** 32 - 1, true) },
      },
    },
    clusters: { kind: 'list', of: cluster, uniqueBy: nameOf },
    iam: {
      kind: 'object',
      fields: {
        oidcProviders: {
          kind: 'list',
          of: {
            kind: 'object',
            required: ['url'],
            fields: {
              url: httpsUrl,
              clientIds: stringList,
              thumbprints: {
                kind: 'list',
                of: { kind: 'string', rule: pattern(/^[0-9a-fA-F]{40}$/, '40 hex digits') },
              },
            },
          },
          uniqueBy: (item) =>
            typeof item === 'object' && item !== null ? String((item as { url?: unknown }).url) : undefined,
        },
        policies: {
          kind: 'list',
          of: {
            kind: 'object',
            required: ['name', 'document'],
            fields: {
              name: policyName,
              document: { kind: 'any-object' },
              path: {
                kind: 'string',
                rule: pattern(/^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/, 'an IAM path like / or /adot/'),
              },
              description: {
                kind: 'string',
                rule: { test: (text) => text.length <= 1000, expected: 'at most 1000 characters' },
              },
            },
          },
          uniqueBy: (item) => nameOf(item)?.toLowerCase(),
        },
        roles: {
          kind: 'list',
          of: {
            kind: 'object',
            required: ['name'],
            fields: {
              name: {
                kind: 'string',
                rule: pattern(/^[\w+=,.@-]{1,64}$/, 'an IAM role name (1-64 of letters, digits, +=,.@_-)'),
              },
              assumeRolePolicyDocument: { kind: 'any-object' },
              attachedPolicies: {
                kind: 'list',
                of: {
                  kind: 'string',
                  rule: pattern(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/\S+$/, 'an IAM policy ARN'),
                },
              },
              inlinePolicies: { kind: 'map', key: policyName.rule, of: { kind: 'any-object' } },
              description: { kind: 'string' },
            },
          },
          uniqueBy: nameOf,
        },
      },
    },
    amp: {
      kind: 'object',
      fields: {
        workspaces: {
          kind: 'list',
          of: {
            kind: 'object',
            fields: {
              id: {
                kind: 'string',
                rule: pattern(/^ws-[0-9A-Za-z-]{1,61}$/, 'a workspace id like ws-0123abcd-4e5f-6789-abcd-ef0123456789'),
              },
              alias: {
                kind: 'string',
                rule: {
                  test: (text) => text.trim().length >= 1 && text.trim().length <= 100,
                  expected: '1-100 characters',
                },
              },
              status: { kind: 'string', rule: oneOf(WORKSPACE_STATUSES) },
            },
          },
          uniqueBy: (item) =>
            typeof item === 'object' && item !== null && typeof (item as { id?: unknown }).id === 'string'
              ? (item as { id: string }).id
              : undefined,
        },
      },
    },
  },
};
