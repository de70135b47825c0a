import {
  CreateAddonCommand,
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  DescribeClusterCommand,
  ListClustersCommand,
} from '@aws-sdk/client-eks';
import {
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListOpenIDConnectProvidersCommand,
} from '@aws-sdk/client-iam';
import { AppsV1Api, AuthorizationV1Api, CoreV1Api, VersionApi, type V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../src/sandbox/sandbox.js';
import { SCENARIOS, scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import { startSandboxFixture, type SandboxFixture } from '../helpers/sandbox.js';

function available(deployment: V1Deployment): boolean {
  return (
    deployment.status?.conditions?.some((condition) => condition.type === 'Available' && condition.status === 'True') ??
    false
  );
}

async function withScenario(name: string, body: (fixture: SandboxFixture) => Promise<void>): Promise<void> {
  const fixture = await startSandboxFixture(scenarioSeed(name));
  try {
    await body(fixture);
  } finally {
    await fixture.stop();
  }
}

describe('every scenario starts and answers the real clients', () => {
  it.each(SCENARIOS.filter((scenario) => scenario.name !== 'flaky-api').map((scenario) => scenario.name))(
    '%s',
    async (name) => {
      await withScenario(name, async ({ sandbox, eks, kubeConfig }) => {
        const seedCluster = scenarioSeed(name).clusters?.[0];
        expect((await eks.send(new ListClustersCommand({}))).clusters).toEqual(['demo']);
        const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'demo' }));
        expect(cluster?.version).toBe(seedCluster?.version);
        expect(cluster?.endpoint).toBe(sandbox.clusters[0]?.server);
        expect(cluster?.identity?.oidc?.issuer).toBe(seedCluster?.oidcIssuer);
        const version = await kubeConfig.makeApiClient(VersionApi).getCode();
        expect(version.gitVersion).toBe(seedCluster?.gitVersion);
        const namespaces = await kubeConfig.makeApiClient(CoreV1Api).listNamespace();
        expect(namespaces.items.map((namespace) => namespace.metadata?.name)).toEqual(
          expect.arrayContaining(['default', 'kube-system']),
        );
      });
    },
  );
});

describe('scenario specifics', () => {
  it('installed-healthy: add-on ACTIVE, IRSA in place, collector rolled out at start', async () => {
    await withScenario('installed-healthy', async ({ eks, iam, kubeConfig }) => {
      expect((await eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'adot' }))).addon?.status).toBe(
        'ACTIVE',
      );
      const role = await iam.send(new GetRoleCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role' }));
      const trust = decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '');
      expect(trust).toContain('system:serviceaccount:aws-otel-eks:aws-otel-collector');
      expect(trust).toContain('"sts.amazonaws.com"');
      const attached = await iam.send(
        new ListAttachedRolePoliciesCommand({ RoleName: 'EKS-ADOT-ServiceAccount-Role' }),
      );
      expect(attached.AttachedPolicies?.map((policy) => policy.PolicyArn)).toEqual([
        'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
      ]);
      expect((await iam.send(new ListOpenIDConnectProvidersCommand({}))).OpenIDConnectProviderList).toHaveLength(1);

      const core = kubeConfig.makeApiClient(CoreV1Api);
      const account = await core.readNamespacedServiceAccount({
        name: 'aws-otel-collector',
        namespace: 'aws-otel-eks',
      });
      expect(account.metadata?.annotations?.['eks.amazonaws.com/role-arn']).toBe(
        'arn:aws:iam::123456789012:role/EKS-ADOT-ServiceAccount-Role',
      );
      const apps = kubeConfig.makeApiClient(AppsV1Api);
      expect(
        available(await apps.readNamespacedDeployment({ name: 'observability-collector', namespace: 'aws-otel-eks' })),
      ).toBe(true);
      expect(
        available(
          await apps.readNamespacedDeployment({
            name: 'opentelemetry-operator',
            namespace: 'opentelemetry-operator-system',
          }),
        ),
      ).toBe(true);
      const service = await core.readNamespacedService({ name: 'observability-collector', namespace: 'aws-otel-eks' });
      expect(service.spec?.ports?.map((port) => `${port.port}/${port.protocol}`)).toEqual(['2000/UDP']);
      const endpoints = await core.readNamespacedEndpoints({
        name: 'observability-collector',
        namespace: 'aws-otel-eks',
      });
      expect(endpoints.subsets?.[0]?.addresses).toHaveLength(1);
    });
  });

  it('addon-degraded: DEGRADED with InsufficientNumberOfReplicas and an unavailable operator', async () => {
    await withScenario('addon-degraded', async ({ eks, kubeConfig }) => {
      const { addon } = await eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
      expect(addon?.status).toBe('DEGRADED');
      expect(addon?.health?.issues?.[0]?.code).toBe('InsufficientNumberOfReplicas');
      const apps = kubeConfig.makeApiClient(AppsV1Api);
      expect(
        available(
          await apps.readNamespacedDeployment({
            name: 'opentelemetry-operator',
            namespace: 'opentelemetry-operator-system',
          }),
        ),
      ).toBe(false);
    });
  });

  it('blog-2022: DescribeAddonVersions answers what the blog printed: v0.45.0-eksbuild.1, amd64, default on 1.19-1.22', async () => {
    await withScenario('blog-2022', async ({ eks }) => {
      const { addons } = await eks.send(new DescribeAddonVersionsCommand({ addonName: 'adot' }));
      expect(addons?.[0]?.addonVersions).toEqual([
        expect.objectContaining({
          addonVersion: 'v0.45.0-eksbuild.1',
          architecture: ['amd64'],
          compatibilities: ['1.19', '1.20', '1.21', '1.22'].map((clusterVersion) =>
            expect.objectContaining({ clusterVersion, defaultVersion: true }),
          ),
        }),
      ]);
      expect((await eks.send(new DescribeClusterCommand({ name: 'demo' }))).cluster?.version).toBe('1.22');
    });
  });

  it('fresh and no-default-version: the same versions for 1.36, one default in fresh and none in the other', async () => {
    const listing = async (name: string) => {
      let versions: { addonVersion?: string; default?: boolean }[] = [];
      await withScenario(name, async ({ eks }) => {
        const answer = await eks.send(
          new DescribeAddonVersionsCommand({ addonName: 'adot', kubernetesVersion: '1.36' }),
        );
        versions = (answer.addons?.[0]?.addonVersions ?? []).map((v) => ({
          addonVersion: v.addonVersion,
          default: v.compatibilities?.[0]?.defaultVersion,
        }));
      });
      return versions;
    };
    expect(await listing('fresh')).toEqual([
      { addonVersion: 'v0.151.0-eksbuild.2', default: true },
      { addonVersion: 'v0.151.0-eksbuild.1', default: false },
    ]);
    expect(await listing('no-default-version')).toEqual([
      { addonVersion: 'v0.151.0-eksbuild.2', default: false },
      { addonVersion: 'v0.151.0-eksbuild.1', default: false },
    ]);
  });

  it('no-default-version: CreateAddon without a version takes the newest compatible one', async () => {
    await withScenario('no-default-version', async ({ eks }) => {
      const { addon } = await eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: 'adot' }));
      expect(addon?.addonVersion).toBe('v0.151.0-eksbuild.2');
    });
  });

  it('no-permissions: the sandbox user may read but not create', async () => {
    await withScenario('no-permissions', async ({ kubeConfig }) => {
      const review = (verb: string) =>
        kubeConfig.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
          body: {
            spec: { resourceAttributes: { verb, group: 'apps', resource: 'deployments', namespace: 'aws-otel-eks' } },
          },
        });
      expect((await review('list')).status?.allowed).toBe(true);
      expect((await review('create')).status?.allowed).toBe(false);
      await expect(
        kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'x' } } }),
      ).rejects.toThrow();
    });
  });

  it('flaky-api: injected faults make some EKS calls fail with 429 and let others through', async () => {
    await withScenario('flaky-api', async ({ eks }) => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, () => eks.send(new ListClustersCommand({}))),
      );
      const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.length).toBeLessThan(40);
      for (const failure of failures) {
        expect((failure as PromiseRejectedResult).reason.$metadata?.httpStatusCode).toBe(429);
      }
    });
  });

  it('starts to ready in well under a second', async () => {
    const durations: number[] = [];
    for (let run = 0; run < 5; run += 1) {
      const started = performance.now();
      const sandbox = await startSandbox({ seed: scenarioSeed('installed-healthy') });
      durations.push(performance.now() - started);
      await sandbox.stop();
    }
    durations.sort((a, b) => a - b);
    expect(durations[2]).toBeLessThan(1000);
  });
});
