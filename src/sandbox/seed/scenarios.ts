import { usageError } from '../../core/errors.js';
import { buildTrustPolicy } from '../../core/irsa.js';
import type { KubeObject, Seed, SeedCluster } from '../types.js';
import { applySeedDefaults, oidcIssuerFor, SEED_DEFAULTS } from './defaults.js';

/**
 * Named seeds for `adot sandbox start --scenario NAME`: each is one situation the installer or the doctor must
 * handle, on a cluster named demo.
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
const ROLE_NAME = 'EKS-ADOT-ServiceAccount-Role';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const COLLECTOR_NAMESPACE = 'aws-otel-eks';
const COLLECTOR_SERVICE_ACCOUNT = 'aws-otel-collector';
const XRAY_POLICY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';
const ADDON_V045 = 'v0.45.0-eksbuild.1';
/** a workload the amp and cloudwatch targets find data in (seed/demo-workload.ts) */
const DEMO_WORKLOAD = 'demo-workload';

function freshCluster(overrides: Partial<SeedCluster> = {}): SeedCluster {
  return {
    name: CLUSTER,
    version: '1.22',
    gitVersion: 'v1.22.17-eks-48e63af',
    presets: ['cert-manager-v1.5.3', DEMO_WORKLOAD],
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

/** what `adot install --target xray` leaves in the cluster besides the add-on itself */
function installedXrayObjects(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: COLLECTOR_NAMESPACE } },
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {
        name: COLLECTOR_SERVICE_ACCOUNT,
        namespace: COLLECTOR_NAMESPACE,
        annotations: { 'eks.amazonaws.com/role-arn': ROLE_ARN },
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'otel-prometheus-role' },
      rules: [
        {
          apiGroups: [''],
          resources: ['nodes', 'nodes/proxy', 'services', 'endpoints', 'pods'],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'otel-prometheus-role-binding' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'otel-prometheus-role' },
      subjects: [{ kind: 'ServiceAccount', name: COLLECTOR_SERVICE_ACCOUNT, namespace: COLLECTOR_NAMESPACE }],
    },
    {
      apiVersion: 'opentelemetry.io/v1alpha1',
      kind: 'OpenTelemetryCollector',
      metadata: { name: 'observability', namespace: COLLECTOR_NAMESPACE },
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
  addonStatus?: string;
  health?: { code: string; message: string; resourceIds?: string[] }[];
  /** the service account (in the collector's namespace) the role trusts */
  trustedServiceAccount?: string;
  attachedPolicies?: string[];
}

/** A cluster where install for target xray has run; options break one part of it. Rollouts settle at start. */
function installedSeed(options: InstalledOptions = {}): Seed {
  return {
    behaviour: { rolloutSeconds: 0 },
    clusters: [
      freshCluster({
        oidcIssuer: ISSUER,
        presets: ['cert-manager-v1.5.3', 'addon-rbac', DEMO_WORKLOAD],
        addons: [
          {
            name: 'adot',
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

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'fresh',
    description: 'EKS 1.22 with cert-manager v1.5.3 and nothing else: ready for adot install (the default)',
    seed: { clusters: [freshCluster()] },
  },
  {
    name: 'no-cert-manager',
    description: 'EKS 1.22 without cert-manager: CreateAddon is refused',
    seed: { clusters: [freshCluster({ presets: [] })] },
  },
  {
    name: 'cert-manager-too-new',
    description: 'EKS 1.22 with cert-manager v1.8.2, too new for add-on v0.45.0 (needs < 1.6.0)',
    seed: { clusters: [freshCluster({ presets: ['cert-manager-v1.8.2'] })] },
  },
  {
    name: 'old-kubernetes',
    description: 'EKS 1.18: older than any ADOT add-on version supports',
    seed: { clusters: [freshCluster({ version: '1.18', gitVersion: 'v1.18.20-eks-c9f1ce' })] },
  },
  {
    name: 'no-addon-version',
    description: 'EKS 1.37 with cert-manager v1.13.1: no ADOT add-on version exists yet for this Kubernetes version',
    seed: { clusters: [freshCluster({ version: '1.37', gitVersion: undefined, presets: ['cert-manager-v1.13.1'] })] },
  },
  {
    name: 'no-permissions',
    description: 'like fresh, but the sandbox user may only read (no cluster-admin): permission checks fail',
    seed: { clusters: [freshCluster({ presets: ['cert-manager-v1.5.3', 'no-admin'] })] },
  },
  {
    name: 'installed-healthy',
    description:
      'everything adot install --target xray does, done and healthy (add-on v0.45.0 ACTIVE, IRSA, collector)',
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
      clusters: [freshCluster()],
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
