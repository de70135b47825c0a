import { usageError } from '../../core/errors.js';
import { buildPodIdentityTrustPolicy } from '../../core/identity/pod-identity-trust.js';
import { buildTrustPolicy } from '../../core/irsa.js';
import type { KubeObject, Seed, SeedAddon, SeedAddonHealth, SeedCluster } from '../types.js';
import { CERT_MANAGER_LATEST } from '../../core/compat-data.js';
import { ADDON_NAME, COLLECTOR_DEFAULTS } from '../../core/defaults.js';
import { blogAddonCatalog, builtinAddonCatalog, catalogWithoutDefaults, newestSupportedKubernetes } from './catalog.js';
import { applySeedDefaults, oidcIssuerFor, SEED_DEFAULTS } from './defaults.js';

/**
 * Named seeds for `adot sandbox start --scenario NAME`: each is one situation the installer or the doctor must
 * handle, on a cluster named demo, in one of two worlds: today's (the built-in catalogue, the newest Kubernetes
 * version with an ADOT version, the latest cert-manager) or the blog's of April 2022 (EKS 1.22, cert-manager 1.5.x,
 * the catalogue the blog shows: v0.45.0-eksbuild.1 alone).
 */
export interface Scenario {
  name: string;
  description: string;
  seed: Seed;
}

const CLUSTER = 'demo';
const REGION = SEED_DEFAULTS.region;
const ACCOUNT = SEED_DEFAULTS.account;
const ISSUER = oidcIssuerFor(REGION, CLUSTER);
const ISSUER_HOST_PATH = ISSUER.replace(/^https:\/\//, '');
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_HOST_PATH}`;
const ROLE_NAME = COLLECTOR_DEFAULTS.roleName;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const COLLECTOR_NAMESPACE = COLLECTOR_DEFAULTS.namespace;
const COLLECTOR_SERVICE_ACCOUNT = COLLECTOR_DEFAULTS.serviceAccount;
const XRAY_POLICY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const ADDON_V045 = 'v0.45.0-eksbuild.1';
/**
 * The blog installed cert-manager "older than 1.6.0" without naming a release (the ADOT docs of the time installed
 * v1.5.0); the sandbox's blog world runs v1.5.3, a release of that line.
 * https://cert-manager.io/docs/releases/release-notes/release-notes-1.5/
 */
const BLOG_CERT_MANAGER = 'cert-manager-v1.5.3';
/** the release the ADOT docs installed from July 2022, too new for v0.45.0 */
const DOCS_2022_CERT_MANAGER = 'cert-manager-v1.8.2';
const CURRENT_CERT_MANAGER = `cert-manager-${CERT_MANAGER_LATEST}`;
/** the next Kubernetes minor after the catalogue's newest (1.37 after 1.36), which has no ADOT version yet */
const NEXT_KUBERNETES = `1.${Number(newestSupportedKubernetes().split('.')[1]) + 1}`;
const POD_IDENTITY_AGENT_VERSION = 'v1.3.10-eksbuild.3';
/** a workload the amp and cloudwatch targets find data in (seed/demo-workload.ts) */
const DEMO_WORKLOAD = 'demo-workload';

/** The blog's world (April 2022): EKS 1.22 with cert-manager of the 1.5 line. */
function blogCluster(overrides: Partial<SeedCluster> = {}): SeedCluster {
  return {
    name: CLUSTER,
    version: '1.22',
    gitVersion: 'v1.22.17-eks-48e63af',
    presets: [BLOG_CERT_MANAGER, DEMO_WORKLOAD],
    ...overrides,
  };
}

/** Today's world: the newest Kubernetes version with an ADOT version, the latest cert-manager, no ADOT. */
function currentCluster(overrides: Partial<SeedCluster> = {}): SeedCluster {
  return {
    name: CLUSTER,
    version: newestSupportedKubernetes(),
    presets: [CURRENT_CERT_MANAGER, DEMO_WORKLOAD],
    ...overrides,
  };
}

const XRAY_COLLECTOR_CONFIG = `receivers:
  awsxray:
    endpoint: 0.0.0.0:2000
    transport: udp
processors:
  batch/traces:
    timeout: 1s
    send_batch_size: 50
exporters:
  awsxray:
    region: ${REGION}
service:
  pipelines:
    traces:
      receivers: [awsxray]
      processors: [batch/traces]
      exporters: [awsxray]
`;

/**
 * what `adot install --target xray` leaves in the cluster besides the add-on itself; with IRSA the service account
 * carries the role annotation, with EKS Pod Identity it does not (the association names the role)
 */
function installedXrayObjects(identity: 'irsa' | 'pod-identity' = 'irsa'): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: COLLECTOR_NAMESPACE } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: COLLECTOR_SERVICE_ACCOUNT,
        namespace: COLLECTOR_NAMESPACE,
        ...(identity === 'irsa' ? { annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN } } : {}),
      },
    },
    {
      apiVersion: 'opentelemetry.io/v1alpha1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: COLLECTOR_DEFAULTS.collectorName, namespace: COLLECTOR_NAMESPACE },
      spec: {
        mode: 'deployment',
        serviceAccount: COLLECTOR_SERVICE_ACCOUNT,
        ports: [{ name: 'xray', port: 2000, protocol: 'UDP' }],
        config: XRAY_COLLECTOR_CONFIG,
      },
    },
  ];
}

interface InstalledOptions {
  addonStatus?: SeedAddon['status'];
  health?: SeedAddonHealth[];
  /** the service account (in the collector's namespace) the role trusts */
  trustedServiceAccount?: string;
  attachedPolicies?: string[];
}

/** The blog's world where its install for target xray has run; options break one part. Rollouts settle at start. */
function installedSeed(options: InstalledOptions = {}): Seed {
  return {
    addonCatalog: blogAddonCatalog(),
    behaviour: { rolloutSeconds: 0 },
    clusters: [
      blogCluster({
        oidcIssuer: ISSUER,
        presets: [BLOG_CERT_MANAGER, 'addon-rbac', DEMO_WORKLOAD],
        addons: [
          {
            name: ADDON_NAME,
            version: ADDON_V045,
            status: options.addonStatus ?? 'ACTIVE',
            ...(options.health ? { health: options.health } : {}),
          },
        ],
        objects: installedXrayObjects(),
      }),
    ],
    iam: {
      oidcProviders: [{ url: ISSUER, clientIds: ['sts.amazonaws.com'] }],
      roles: [
        {
          name: ROLE_NAME,
          description: 'IAM role for the ADOT collector service account (adot install)',
          assumeRolePolicyDocument: buildTrustPolicy({
            providerArn: PROVIDER_ARN,
            issuerUrl: ISSUER,
            namespace: COLLECTOR_NAMESPACE,
            serviceAccount: options.trustedServiceAccount ?? COLLECTOR_SERVICE_ACCOUNT,
          }),
          attachedPolicies: options.attachedPolicies ?? [XRAY_POLICY],
        },
      ],
    },
  };
}

/**
 * Today's world where `adot install --target xray --identity pod-identity` has run: the current add-on and the pod
 * identity agent ACTIVE, an association of the collector's service account with a role that trusts
 * pods.eks.amazonaws.com for exactly this cluster, namespace and service account. Rollouts settle at start.
 */
function installedPodIdentitySeed(): Seed {
  const clusterArn = `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`;
  const catalog = builtinAddonCatalog();
  const newest = catalog.find((entry) => entry.clusterVersions.includes(newestSupportedKubernetes()));
  return {
    behaviour: { rolloutSeconds: 0 },
    clusters: [
      currentCluster({
        addons: [
          { name: ADDON_NAME, version: newest?.version ?? '', status: 'ACTIVE' },
          { name: 'eks-pod-identity-agent', version: POD_IDENTITY_AGENT_VERSION, status: 'ACTIVE' },
        ],
        objects: installedXrayObjects('pod-identity'),
        podIdentityAssociations: [
          {
            namespace: COLLECTOR_NAMESPACE,
            serviceAccount: COLLECTOR_SERVICE_ACCOUNT,
            roleArn: ROLE_ARN,
            tags: { 'app.kubernetes.io/managed-by': 'adot' },
          },
        ],
      }),
    ],
    iam: {
      roles: [
        {
          name: ROLE_NAME,
          description: 'IAM role for the ADOT collector service account (adot install)',
          assumeRolePolicyDocument: buildPodIdentityTrustPolicy({
            clusterArn,
            clusterName: CLUSTER,
            namespace: COLLECTOR_NAMESPACE,
            serviceAccount: COLLECTOR_SERVICE_ACCOUNT,
          }),
          attachedPolicies: [XRAY_POLICY],
        },
      ],
    },
  };
}

/** the newest ADOT version for today's Kubernetes, configured with two of its preconfigured collectors */
function presetsAddon(): SeedAddon {
  const newest = builtinAddonCatalog().find((entry) => entry.clusterVersions.includes(newestSupportedKubernetes()));
  const configurationValues = JSON.stringify({
    collector: {
      otlpIngest: { pipelines: { traces: { xray: { enabled: true } } } },
      containerLogs: { pipelines: { logs: { cloudwatchLogs: { enabled: true } } } },
    },
  });
  return { name: ADDON_NAME, version: newest?.version ?? '', status: 'ACTIVE', configurationValues };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'fresh',
    description: `today: EKS ${newestSupportedKubernetes()} with cert-manager ${CERT_MANAGER_LATEST} and nothing of ADOT, every add-on version published (the default)`,
    seed: { clusters: [currentCluster()] },
  },
  {
    name: 'blog-2022',
    description:
      "the AWS blog's world (April 2022): EKS 1.22 with cert-manager v1.5.3, add-on v0.45.0-eksbuild.1 the only version and the default",
    seed: { addonCatalog: blogAddonCatalog(), clusters: [blogCluster()] },
  },
  {
    name: 'no-cert-manager',
    description: 'today, without cert-manager: CreateAddon is refused',
    seed: { clusters: [currentCluster({ presets: [] })] },
  },
  {
    name: 'cert-manager-too-new',
    description:
      "the blog's world later on: add-on v0.45.0 installed as the blog did, then cert-manager upgraded to v1.8.2, too new for it (needs < 1.6.0); newer add-on versions for 1.22 are offered",
    seed: {
      addonCatalog: builtinAddonCatalog(),
      behaviour: { rolloutSeconds: 0 },
      clusters: [
        blogCluster({
          presets: [DOCS_2022_CERT_MANAGER, 'addon-rbac'],
          addons: [{ name: ADDON_NAME, version: ADDON_V045, status: 'ACTIVE' }],
        }),
      ],
    },
  },
  {
    name: 'old-kubernetes',
    description: "the blog's world on EKS 1.18: older than any ADOT add-on version supports",
    seed: {
      addonCatalog: blogAddonCatalog(),
      clusters: [blogCluster({ version: '1.18', gitVersion: 'v1.18.20-eks-c9f1ce' })],
    },
  },
  {
    name: 'no-addon-version',
    description: `today, on EKS ${NEXT_KUBERNETES}: no ADOT add-on version exists yet for this Kubernetes version`,
    seed: { clusters: [currentCluster({ version: NEXT_KUBERNETES })] },
  },
  {
    name: 'no-default-version',
    description: `like fresh, but EKS marks no add-on version as the default for Kubernetes ${newestSupportedKubernetes()} (or any other)`,
    seed: { addonCatalog: catalogWithoutDefaults(), clusters: [currentCluster()] },
  },
  {
    name: 'no-permissions',
    description: 'like fresh, but the sandbox user may only read (no cluster-admin): permission checks fail',
    seed: { clusters: [currentCluster({ presets: [CURRENT_CERT_MANAGER, 'no-admin'] })] },
  },
  {
    name: 'installed-healthy',
    description:
      "the blog's world with everything adot install --target xray does, done and healthy (add-on v0.45.0 ACTIVE, IRSA, collector)",
    seed: installedSeed(),
  },
  {
    name: 'irsa-broken',
    description:
      'like installed-healthy, but the trust policy names service account adot-collector and no X-Ray policy is attached',
    seed: installedSeed({
      trustedServiceAccount: 'adot-collector',
      attachedPolicies: [],
    }),
  },
  {
    name: 'addon-degraded',
    description:
      'like installed-healthy, but the add-on is DEGRADED (InsufficientNumberOfReplicas) and the operator unavailable',
    seed: installedSeed({
      addonStatus: 'DEGRADED',
      health: [
        {
          code: 'InsufficientNumberOfReplicas',
          message: "The add-on is unhealthy because it doesn't have the desired number of replicas.",
          resourceIds: ['opentelemetry-operator-system/opentelemetry-operator'],
        },
      ],
    }),
  },
  {
    name: 'flaky-api',
    description:
      'like fresh, with injected faults: EKS throttling (429), IAM and Kubernetes get/patch errors (500), each at 30%',
    seed: {
      behaviour: {
        faults: [
          { service: 'eks', operation: '*', status: 429, rate: 0.3 },
          { service: 'iam', operation: '*', status: 500, rate: 0.3 },
          { service: 'kubernetes', verb: 'patch', status: 500, rate: 0.3 },
          { service: 'kubernetes', verb: 'get', status: 500, rate: 0.3 },
        ],
      },
      clusters: [currentCluster()],
    },
  },
  {
    name: 'pod-identity-ready',
    description: `today's world (EKS ${newestSupportedKubernetes()}, cert-manager ${CERT_MANAGER_LATEST}) with the eks-pod-identity-agent add-on ACTIVE on two EC2 nodes: ready for adot install with EKS Pod Identity`,
    seed: {
      clusters: [
        currentCluster({
          addons: [{ name: 'eks-pod-identity-agent', version: POD_IDENTITY_AGENT_VERSION, status: 'ACTIVE' }],
        }),
      ],
    },
  },
  {
    name: 'installed-pod-identity',
    description: `today's world where adot install --target xray --identity pod-identity has run: add-on, pod identity agent, association, role trusted by pods.eks.amazonaws.com, collector — healthy`,
    seed: installedPodIdentitySeed(),
  },
  {
    name: 'addon-presets',
    description: `today's world (EKS ${newestSupportedKubernetes()}, cert-manager ${CERT_MANAGER_LATEST}) with the newest add-on ACTIVE, its configurationValues enabling the otlpIngest (X-Ray) and containerLogs (CloudWatch Logs) collectors`,
    seed: { clusters: [currentCluster({ addons: [presetsAddon()] })] },
  },
  {
    name: 'fargate-only',
    description: `today's world (EKS ${newestSupportedKubernetes()}, cert-manager ${CERT_MANAGER_LATEST}) whose pods all run on AWS Fargate: no DaemonSets, so no EKS Pod Identity (IRSA only)`,
    seed: {
      clusters: [currentCluster({ computeType: 'fargate' })],
    },
  },
];

export const DEFAULT_SCENARIO = 'fresh';

/** the scenario's seed with defaults filled; unknown names are a usage error listing the known ones */
export function scenarioSeed(name: string): Seed {
  const scenario = SCENARIOS.find((candidate) => candidate.name === name);
  if (scenario === undefined) {
    throw usageError('UnknownScenario', `unknown sandbox scenario "${name}"`, {
      hint: `Known scenarios: ${SCENARIOS.map((known) => known.name).join(', ')} (adot sandbox scenarios)`,
    });
  }
  return applySeedDefaults(structuredClone(scenario.seed));
}
