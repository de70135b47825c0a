/**
 * Hand-built facts for the check unit tests: `healthyFacts()` is a fully installed, healthy cluster (add-on
 * v0.45.0 on Kubernetes 1.22 with cert-manager v1.5.3 and an X-Ray collector); tests change one thing each.
 */
import YAML from 'yaml';
import { buildTrustPolicy, oidcProviderArn, roleArn } from '../../src/core/irsa.js';
import { requiredAccess } from '../../src/core/checks/k8s.js';
import type { DoctorContext, DoctorFacts, Fact, RolePolicyDocument } from '../../src/core/checks/types.js';
import type { AddonVersionInfo, KubeObject } from '../../src/ports.js';

export const ACCOUNT = '123456789012';
export const ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
export const PROVIDER_ARN = oidcProviderArn(ACCOUNT, ISSUER);
export const ROLE = 'EKS-ADOT-ServiceAccount-Role';
export const XRAY_POLICY = 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess';

export function ok<T>(value: T): Fact<T> {
  return { ok: true, value };
}

export function failed(message: string, extra: { forbidden?: boolean; hint?: string } = {}): Fact<never> {
  return { ok: false, error: { code: extra.forbidden ? 'Forbidden' : 'Unreachable', message, ...extra } };
}

export function context(overrides: Partial<DoctorContext> = {}): DoctorContext {
  return {
    clusterName: 'demo',
    pre: false,
    namespace: 'aws-otel-eks',
    serviceAccount: 'aws-otel-collector',
    collectorName: 'observability',
    roleName: ROLE,
    roleNameGiven: false,
    addonVersion: undefined,
    targets: undefined,
    ...overrides,
  };
}

const available = { replicas: 1, availableReplicas: 1, conditions: [{ type: 'Available', status: 'True' }] };

export function deployment(
  namespace: string,
  name: string,
  image: string,
  labels: Record<string, string> = {},
  status: unknown = available,
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'main', image }] } } },
    status,
  };
}

export function certManagerDeployments(version = 'v1.5.3', registry = 'quay.io/jetstack'): KubeObject[] {
  const labels = (component: string) => ({
    app: component === 'controller' ? 'cert-manager' : component,
    'app.kubernetes.io/name': component === 'controller' ? 'cert-manager' : component,
    'app.kubernetes.io/instance': 'cert-manager',
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/version': version,
  });
  return [
    deployment('cert-manager', 'cert-manager', `${registry}/cert-manager-controller:${version}`, labels('controller')),
    deployment(
      'cert-manager',
      'cert-manager-cainjector',
      `${registry}/cert-manager-cainjector:${version}`,
      labels('cainjector'),
    ),
    deployment(
      'cert-manager',
      'cert-manager-webhook',
      `${registry}/cert-manager-webhook:${version}`,
      labels('webhook'),
    ),
  ];
}

function object(
  apiVersion: string,
  kind: string,
  name: string,
  namespace?: string,
  rest: Record<string, unknown> = {},
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) },
    ...rest,
  };
}

export function webhookConfiguration(
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration',
  caBundle = 'Q0E=',
): KubeObject {
  return object('admissionregistration.k8s.io/v1', kind, 'cert-manager-webhook', undefined, {
    webhooks: [
      {
        name: 'webhook.cert-manager.io',
        clientConfig: {
          service: { name: 'cert-manager-webhook', namespace: 'cert-manager', path: '/validate' },
          caBundle,
        },
      },
    ],
  });
}

export function endpointsFor(namespace: string, name: string, addresses = [{ ip: '10.0.0.5' }]): KubeObject {
  return object('v1', 'Endpoints', name, namespace, { subsets: [{ addresses, ports: [{ port: 443 }] }] });
}

export function service(namespace: string, name: string, ports: { port: number; protocol?: string }[]): KubeObject {
  return object('v1', 'Service', name, namespace, { spec: { ports } });
}

export const XRAY_CONFIG = {
  receivers: { awsxray: { endpoint: '0.0.0.0:2000', transport: 'udp' } },
  processors: { 'batch/traces': { timeout: '1s', send_batch_size: 50 } },
  exporters: { awsxray: { region: 'us-east-1' } },
  service: { pipelines: { traces: { receivers: ['awsxray'], processors: ['batch/traces'], exporters: ['awsxray'] } } },
};

export const AMP_CONFIG = {
  extensions: { sigv4auth: { region: 'us-east-1', service: 'aps' } },
  receivers: {
    prometheus: {
      config: {
        global: { scrape_interval: '15s' },
        scrape_configs: [{ job_name: 'kubernetes-pods', kubernetes_sd_configs: [{ role: 'pod' }] }],
      },
    },
  },
  processors: { 'batch/metrics': { timeout: '60s' } },
  exporters: {
    prometheusremotewrite: {
      endpoint:
        'https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-12345678-abcd-1234-abcd-123456789012/api/v1/remote_write',
      auth: { authenticator: 'sigv4auth' },
    },
  },
  service: {
    extensions: ['sigv4auth'],
    pipelines: {
      metrics: { receivers: ['prometheus'], processors: ['batch/metrics'], exporters: ['prometheusremotewrite'] },
    },
  },
};

/** `serviceAccount: null` = the resource names none (the operator then uses `<name>-collector`) */
export function collector(
  config: unknown = XRAY_CONFIG,
  serviceAccount: string | null = 'aws-otel-collector',
  name = 'observability',
): KubeObject {
  return object('opentelemetry.io/v1alpha1', 'OpenTelemetryCollector', name, 'aws-otel-eks', {
    spec: {
      mode: 'deployment',
      ...(serviceAccount ? { serviceAccount } : {}),
      config: typeof config === 'string' ? config : YAML.stringify(config),
    },
  });
}

/** `arn: null` = no role annotation */
export function serviceAccount(name = 'aws-otel-collector', arn: string | null = roleArn(ACCOUNT, ROLE)): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name,
      namespace: 'aws-otel-eks',
      ...(arn ? { annotations: { 'eks.amazonaws.com/role-arn': arn } } : {}),
    },
  };
}

export const CATALOG: AddonVersionInfo[] = [
  {
    addonVersion: 'v0.45.0-eksbuild.1',
    architecture: ['amd64'],
    requiresConfiguration: false,
    compatibilities: ['1.19', '1.20', '1.21', '1.22'].map((v) => ({ clusterVersion: v, defaultVersion: true })),
  },
  {
    addonVersion: 'v0.51.0-eksbuild.1',
    architecture: ['amd64', 'arm64'],
    requiresConfiguration: false,
    compatibilities: ['1.21', '1.22', '1.23'].map((v) => ({ clusterVersion: v, defaultVersion: v === '1.23' })),
  },
  {
    addonVersion: 'v0.66.0-eksbuild.1',
    architecture: ['amd64', 'arm64'],
    requiresConfiguration: false,
    compatibilities: ['1.22', '1.23', '1.24', '1.25'].map((v) => ({
      clusterVersion: v,
      defaultVersion: v !== '1.22' && v !== '1.23',
    })),
  },
  {
    addonVersion: 'v0.90.0-eksbuild.1',
    architecture: ['amd64', 'arm64'],
    requiresConfiguration: false,
    compatibilities: ['1.26', '1.27', '1.28'].map((v) => ({ clusterVersion: v, defaultVersion: true })),
  },
];

export function healthyFacts(): DoctorFacts {
  const certManagerCrds = ['certificates', 'issuers', 'clusterissuers', 'certificaterequests'].map((n) =>
    object(
      'apiextensions.k8s.io/v1',
      'CustomResourceDefinition',
      `${n}.cert-manager.io`,
      undefined,
      {},
      { 'app.kubernetes.io/version': 'v1.5.3' },
    ),
  );
  return {
    identity: ok({ account: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/dev`, userId: 'AIDAEXAMPLE' }),
    cluster: ok({
      name: 'demo',
      arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/demo`,
      version: '1.22',
      status: 'ACTIVE',
      endpoint: 'https://127.0.0.1:6443',
      oidcIssuer: ISSUER,
    }),
    kubeContext: ok({ contextName: 'demo', clusterName: 'demo', server: 'https://127.0.0.1:6443/' }),
    kubeVersion: ok({ gitVersion: 'v1.22.17-eks-48e63af', major: '1', minor: '22+' }),
    accessReviews: ok(
      requiredAccess({ namespace: 'aws-otel-eks' }).map((attributes) => ({ attributes, allowed: true })),
    ),
    deployments: ok([
      ...certManagerDeployments(),
      deployment(
        'opentelemetry-operator-system',
        'opentelemetry-operator',
        '602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/adot-operator:v0.45.0',
        {
          'app.kubernetes.io/name': 'opentelemetry-operator',
          'app.kubernetes.io/version': 'v0.45.0',
        },
      ),
      deployment(
        'aws-otel-eks',
        'observability-collector',
        'public.ecr.aws/aws-observability/aws-otel-collector:v0.17.0',
      ),
    ]),
    crds: ok([
      ...certManagerCrds,
      object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'opentelemetrycollectors.opentelemetry.io'),
    ]),
    validatingWebhooks: ok([webhookConfiguration('ValidatingWebhookConfiguration')]),
    mutatingWebhooks: ok([webhookConfiguration('MutatingWebhookConfiguration')]),
    services: ok([
      service('cert-manager', 'cert-manager-webhook', [{ port: 443 }]),
      service('opentelemetry-operator-system', 'opentelemetry-operator-webhook', [{ port: 443 }]),
      service('aws-otel-eks', 'observability-collector', [{ port: 2000, protocol: 'UDP' }]),
    ]),
    endpoints: ok([
      endpointsFor('cert-manager', 'cert-manager-webhook'),
      endpointsFor('opentelemetry-operator-system', 'opentelemetry-operator-webhook'),
    ]),
    clusterRoles: ok([object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'eks:addon-manager-otel')]),
    clusterRoleBindings: ok([object('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'eks:addon-manager-otel')]),
    addonRbacRoles: ok([
      object('rbac.authorization.k8s.io/v1', 'Role', 'eks:addon-manager', 'opentelemetry-operator-system'),
    ]),
    addonRbacRoleBindings: ok([
      object('rbac.authorization.k8s.io/v1', 'RoleBinding', 'eks:addon-manager', 'opentelemetry-operator-system'),
    ]),
    addon: ok({
      addonName: 'adot',
      addonVersion: 'v0.45.0-eksbuild.1',
      status: 'ACTIVE',
      health: [],
      serviceAccountRoleArn: undefined,
      configurationValues: undefined,
      createdAt: undefined,
      modifiedAt: undefined,
      podIdentityAssociations: [],
    }),
    addonVersions: ok(CATALOG),
    collectors: ok([collector()]),
    serviceAccounts: ok([serviceAccount()]),
    collectorRollout: ok({ complete: true, desired: 1, updated: 1, ready: 1, available: 1, message: '' }),
    oidcProviderArns: ok([PROVIDER_ARN]),
    oidcProvider: ok({
      arn: PROVIDER_ARN,
      url: ISSUER.replace('https://', ''),
      clientIds: ['sts.amazonaws.com'],
      thumbprints: [],
    }),
    role: ok({
      name: ROLE,
      arn: roleArn(ACCOUNT, ROLE),
      assumeRolePolicyDocument: buildTrustPolicy({
        providerArn: PROVIDER_ARN,
        issuerUrl: ISSUER,
        namespace: 'aws-otel-eks',
        serviceAccount: 'aws-otel-collector',
      }),
    }),
    attachedPolicies: ok([XRAY_POLICY]),
    policyDocuments: ok([managedPolicyDocument(XRAY_POLICY)]),
    nodes: ok([node('ip-192-168-10-20.ec2.internal')]),
    podIdentityAgentAddon: ok(undefined),
    daemonSets: ok([]),
    statefulSets: ok([]),
    podIdentityAssociations: ok([]),
    ampWorkspace: ok(undefined),
    addonConfiguration: ok(undefined),
    addonCollectors: ok({ collectors: [], serviceAccounts: [], associations: [], roles: {}, workspaces: {} }),
    roundTrips: 2,
  };
}

export const AMP_POLICY = 'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess';
export const CLOUDWATCH_POLICY = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';

/** The documents of the AWS managed policies the tests attach (as moto and the AWS Managed Policy Reference give them). */
const MANAGED_POLICY_STATEMENTS: Record<string, unknown[]> = {
  [XRAY_POLICY]: [
    {
      Sid: 'AWSXRayDaemonWriteAccess',
      Effect: 'Allow',
      Action: [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'xray:GetSamplingStatisticSummaries',
      ],
      Resource: ['*'],
    },
  ],
  [AMP_POLICY]: [{ Effect: 'Allow', Action: ['aps:RemoteWrite'], Resource: '*' }],
  [CLOUDWATCH_POLICY]: [
    {
      Sid: 'CWACloudWatchServerPermissions',
      Effect: 'Allow',
      Action: [
        'cloudwatch:PutMetricData',
        'ec2:DescribeVolumes',
        'ec2:DescribeTags',
        'logs:PutLogEvents',
        'logs:PutRetentionPolicy',
        'logs:DescribeLogStreams',
        'logs:DescribeLogGroups',
        'logs:CreateLogStream',
        'logs:CreateLogGroup',
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:GetSamplingRules',
        'xray:GetSamplingTargets',
        'xray:GetSamplingStatisticSummaries',
      ],
      Resource: '*',
    },
  ],
};

export function managedPolicyDocument(arn: string): RolePolicyDocument {
  const statements = MANAGED_POLICY_STATEMENTS[arn];
  if (statements === undefined) throw new Error(`no test document for ${arn}`);
  return { name: arn, kind: 'managed', document: { Version: '2012-10-17', Statement: statements as never } };
}

export function node(name: string, computeType?: 'fargate'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels:
        computeType === undefined ? { 'kubernetes.io/os': 'linux' } : { 'eks.amazonaws.com/compute-type': computeType },
    },
  };
}
