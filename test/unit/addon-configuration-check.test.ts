/**
 * addon.configuration over hand-built facts: the add-on's otlpIngest preset wired with EKS Pod Identity and healthy,
 * then one broken link at a time — each must fail addon.configuration naming that link, while the checks of the
 * (absent) collector resource stay not applicable.
 */
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS, runChecks } from '../../src/core/checks/index.js';
import type { CheckId, CheckResult, DoctorContext, DoctorFacts } from '../../src/core/checks/types.js';
import { buildPodIdentityTrustPolicy } from '../../src/core/identity/pod-identity-trust.js';
import { buildTrustPolicy, roleArn } from '../../src/core/irsa.js';
import type { KubeObject, PodIdentityAssociationInfo } from '../../src/ports.js';
import { adotConfigurationSchema } from '../../src/sandbox/aws/eks/adot-configuration/schemas.js';
import {
  ACCOUNT,
  AMP_POLICY,
  context,
  healthyFacts,
  ISSUER,
  managedPolicyDocument,
  ok,
  PROVIDER_ARN,
  ROLE,
  XRAY_POLICY,
} from './checks-fixtures.js';

const NS = 'opentelemetry-operator-system';
const NAME = 'adot-col-otlp-ingest';
const VERSION = 'v0.151.0-eksbuild.2';
const ROLE_ARN = roleArn(ACCOUNT, ROLE);
const CLUSTER_ARN = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/demo`;
const VALUES = { collector: { otlpIngest: { pipelines: { traces: { xray: { enabled: true } } } } } };

const otlpIngest: KubeObject = {
  apiVersion: 'opentelemetry.io/v1beta1',
  kind: 'OpenTelemetryCollector',
  metadata: { name: NAME, namespace: NS },
  spec: {
    mode: 'deployment',
    serviceAccount: NAME,
    config: {
      receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
      processors: { batch: {} },
      exporters: { awsxray: { region: 'us-east-1' } },
      service: { pipelines: { traces: { receivers: ['otlp'], processors: ['batch'], exporters: ['awsxray'] } } },
    },
  },
};

function account(annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: NAME, namespace: NS, ...(annotations ? { annotations } : {}) },
  };
}

const association: PodIdentityAssociationInfo = {
  associationId: 'a-0123456789abcdefg',
  associationArn: `arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/demo/a-0123456789abcdefg`,
  clusterName: 'demo',
  namespace: NS,
  serviceAccount: NAME,
  roleArn: ROLE_ARN,
  ownerArn: `arn:aws:eks:us-east-1:${ACCOUNT}:addon/demo/adot/x`,
  disableSessionTags: false,
  tags: {},
};

function rollout(available: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `${NAME}-collector`, namespace: NS, generation: 1 },
    spec: { replicas: 1 },
    status: {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: available,
      availableReplicas: available,
    },
  };
}

const agent: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'eks-pod-identity-agent', namespace: 'kube-system', generation: 1 },
  status: { desiredNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1, observedGeneration: 1 },
};

/** today's cluster: the add-on's otlpIngest collector only (no collector resource), with EKS Pod Identity */
function addonFacts(values: unknown = VALUES): DoctorFacts {
  const facts = healthyFacts();
  if (facts.cluster.ok && facts.cluster.value) facts.cluster.value.version = '1.36';
  facts.kubeVersion = ok({ gitVersion: 'v1.36.1-eks-1a2b3c4', major: '1', minor: '36' });
  facts.addonVersions = ok([
    {
      addonVersion: VERSION,
      architecture: ['amd64', 'arm64'],
      requiresConfiguration: false,
      compatibilities: [{ clusterVersion: '1.36', defaultVersion: true }],
    },
  ]);
  const base = facts.addon.ok ? facts.addon.value! : ({} as never);
  facts.addon = ok({ ...base, addonVersion: VERSION, configurationValues: JSON.stringify(values) });
  facts.addonConfiguration = ok({ version: VERSION, schema: JSON.stringify(adotConfigurationSchema(VERSION)) });
  facts.collectors = ok([]);
  facts.serviceAccounts = ok([]);
  facts.deployments = ok([...(facts.deployments.ok ? facts.deployments.value : []), rollout(1)]);
  facts.daemonSets = ok([agent]);
  facts.addonCollectors = ok({
    collectors: [otlpIngest],
    serviceAccounts: [account()],
    associations: [association],
    roles: {
      [ROLE]: {
        role: {
          name: ROLE,
          arn: ROLE_ARN,
          assumeRolePolicyDocument: buildPodIdentityTrustPolicy({
            clusterArn: CLUSTER_ARN,
            clusterName: 'demo',
            namespace: NS,
            serviceAccount: NAME,
          }),
        },
        documents: [managedPolicyDocument(XRAY_POLICY)],
      },
    },
    workspaces: {},
  });
  return facts;
}

function run(facts: DoctorFacts, ctx: Partial<DoctorContext> = {}): Map<CheckId, CheckResult> {
  return new Map(runChecks(ALL_CHECKS, facts, context(ctx)).map((result) => [result.id, result]));
}

function configuration(results: Map<CheckId, CheckResult>): CheckResult {
  const found = results.get('addon.configuration');
  if (found === undefined) throw new Error('no addon.configuration');
  return found;
}

function edit(
  facts: DoctorFacts,
  change: (addon: Extract<DoctorFacts['addonCollectors'], { ok: true }>['value']) => void,
) {
  if (!facts.addonCollectors.ok) throw new Error('no add-on collector facts');
  change(facts.addonCollectors.value);
  return facts;
}

describe('addon.configuration', () => {
  it('passes on the healthy preset and leaves the collector-resource checks not applicable', () => {
    const results = run(addonFacts());
    const failing = [...results.values()].filter((r) => r.status === 'fail').map((r) => r.id);
    expect(failing).toEqual([]);
    expect(configuration(results)).toMatchObject({
      status: 'pass',
      observed: '1/1 collector(s) working',
      expected: NAME,
    });
    expect(configuration(results).message).toBe(
      `${NAME} (xray): EKS Pod Identity -> role ${ROLE}, trusted, allowed xray:PutTraceSegments; Deployment ${NS}/${NAME}-collector 1/1 available`,
    );
    const resourceChecks: CheckId[] = [
      'identity.mode',
      'iam.role',
      'iam.policies',
      'collector.resource',
      'collector.deployment',
    ];
    for (const id of resourceChecks) {
      expect(results.get(id)).toMatchObject({ status: 'skip', notApplicable: true });
    }
  });

  it.each<[string, (facts: DoctorFacts) => DoctorFacts, string]>([
    [
      'the add-on has not created the collector',
      (facts) => edit(facts, (addon) => (addon.collectors = [])),
      `the add-on has not created OpenTelemetryCollector ${NS}/${NAME}`,
    ],
    [
      'no wiring at all',
      (facts) => edit(facts, (addon) => (addon.associations = [])),
      'has neither an IRSA annotation nor an EKS Pod Identity association',
    ],
    [
      'the role is gone',
      (facts) => edit(facts, (addon) => (addon.roles = { [ROLE]: { role: undefined, documents: [] } })),
      `role ${ROLE} (named by the association) does not exist`,
    ],
    [
      'the trust names another namespace',
      (facts) =>
        edit(facts, (addon) => {
          const entry = addon.roles[ROLE]!;
          entry.role = {
            ...entry.role!,
            assumeRolePolicyDocument: buildPodIdentityTrustPolicy({
              clusterArn: CLUSTER_ARN,
              clusterName: 'demo',
              namespace: 'default',
              serviceAccount: NAME,
            }),
          };
        }),
      `role ${ROLE} does not let EKS Pod Identity for ${NS}/${NAME} assume it`,
    ],
    [
      'the policy lacks X-Ray',
      (facts) => edit(facts, (addon) => (addon.roles[ROLE]!.documents = [managedPolicyDocument(AMP_POLICY)])),
      `role ${ROLE} is not allowed to xray:PutTraceSegments: no statement allows xray:PutTraceSegments on *`,
    ],
    [
      'the rollout is not complete',
      (facts) => {
        facts.deployments = ok([
          ...(facts.deployments.ok
            ? facts.deployments.value.filter((d) => d.metadata.name !== `${NAME}-collector`)
            : []),
          rollout(0),
        ]);
        return facts;
      },
      `Waiting for deployment "${NAME}-collector" rollout to finish`,
    ],
    [
      'the agent is missing',
      (facts) => {
        facts.daemonSets = ok([]);
        return facts;
      },
      'EKS Pod Identity: the EKS Pod Identity agent is not installed',
    ],
  ])('fails naming the link when %s', (_name, breakIt, expected) => {
    const results = run(breakIt(addonFacts()));
    const failing = [...results.values()].filter((r) => r.status === 'fail').map((r) => r.id);
    expect(failing).toEqual(['addon.configuration']);
    expect(configuration(results).message).toContain(expected);
    expect(configuration(results).hint).toMatch(/\(see docs\/checks\.md#(addon\.configuration|pod-identity\.agent)\)$/);
  });

  it('IRSA through the preset annotation: judged against the OIDC provider web identity trust', () => {
    const facts = edit(addonFacts(), (addon) => {
      addon.associations = [];
      addon.serviceAccounts = [account({ 'eks.amazonaws.com/role-arn': ROLE_ARN })];
      addon.roles[ROLE]!.role = {
        ...addon.roles[ROLE]!.role!,
        assumeRolePolicyDocument: buildTrustPolicy({
          providerArn: PROVIDER_ARN,
          issuerUrl: ISSUER,
          namespace: NS,
          serviceAccount: 'adot-col-prom-metrics',
        }),
      };
    });
    const results = run(facts);
    expect(configuration(results).status).toBe('fail');
    expect(configuration(results).message).toContain(`role ${ROLE} does not trust system:serviceaccount:${NS}:${NAME}`);
  });

  it('--identity irsa when the preset uses Pod Identity fails; --target logs that no collector serves fails', () => {
    expect(configuration(run(addonFacts(), { identity: 'irsa' })).message).toContain(
      `uses EKS Pod Identity, not irsa as asked`,
    );
    const results = run(addonFacts(), { targets: ['xray', 'logs'] });
    expect(configuration(results).message).toContain('no collector of the add-on sends to logs');
    expect(configuration(results).hint).toContain('--mode addon-config --target xray,logs');
  });

  it('values the version schema refuses: fail for the installed version, a warning for another one, naming the key', () => {
    const values = { collector: { ...VALUES.collector, xray: { enabled: true } } };
    const installed = configuration(run(addonFacts(values)));
    expect(installed.status).toBe('fail');
    expect(installed.message).toContain(
      '$.collector.xray: is not defined in the schema and the schema does not allow additional properties',
    );
    const facts = addonFacts(values);
    facts.addonConfiguration = ok({
      version: 'v0.117.0-eksbuild.1',
      schema: JSON.stringify(adotConfigurationSchema('v0.117.0-eksbuild.1')),
    });
    const other = configuration(run(facts, { pre: true }));
    expect(other.status).toBe('warn');
    expect(other.message).toContain('installed: v0.151.0-eksbuild.2');
  });

  it('does not apply without configurationValues', () => {
    expect(configuration(run(healthyFacts()))).toMatchObject({ status: 'skip', notApplicable: true });
  });
});
