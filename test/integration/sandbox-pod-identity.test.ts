import {
  CreateAddonCommand,
  DeleteAddonCommand,
  DescribeAddonCommand,
  ListPodIdentityAssociationsCommand,
} from '@aws-sdk/client-eks';
import { AppsV1Api, CoreV1Api, type V1DaemonSet } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import type { Seed } from '../../src/sandbox/types.js';
import { startSandboxFixture, type SandboxFixture } from '../helpers/sandbox.js';
import { eventually, present } from '../helpers/eventually.js';

const FAST = { addonCreateSeconds: 0.2, addonDeleteSeconds: 0.1, addonUpdateSeconds: 0.1, rolloutSeconds: 0.3 };
const AGENT = 'eks-pod-identity-agent';

let fixture: SandboxFixture | undefined;

afterEach(async () => {
  await fixture?.stop();
  fixture = undefined;
});

async function start(seed: Seed): Promise<SandboxFixture> {
  fixture = await startSandboxFixture({ ...seed, behaviour: { ...seed.behaviour, ...FAST } });
  return fixture;
}

function clients(kubeConfigOf: SandboxFixture): { core: CoreV1Api; apps: AppsV1Api } {
  return {
    core: kubeConfigOf.kubeConfig.makeApiClient(CoreV1Api),
    apps: kubeConfigOf.kubeConfig.makeApiClient(AppsV1Api),
  };
}

const readAgent = (apps: AppsV1Api) => apps.readNamespacedDaemonSet({ name: AGENT, namespace: 'kube-system' });

function rolledOut(daemonSet: V1DaemonSet, desired: number): boolean {
  const status = daemonSet.status;
  return (
    status?.desiredNumberScheduled === desired &&
    status.numberReady === desired &&
    status.updatedNumberScheduled === desired &&
    (status.numberAvailable ?? 0) === desired &&
    status.observedGeneration === daemonSet.metadata?.generation
  );
}

describe('EKS Pod Identity in the sandbox (real EKS and Kubernetes clients)', () => {
  it('pod-identity-ready: two EC2 nodes of the cluster version and the agent DaemonSet rolled out on both', async () => {
    const sandbox = await start(scenarioSeed('pod-identity-ready'));
    const { core, apps } = clients(sandbox);
    const nodes = (await core.listNode()).items;
    expect(nodes).toHaveLength(2);
    for (const node of nodes) {
      expect(node.metadata?.name).toMatch(/^ip-192-168-\d+-\d+\.ec2\.internal$/);
      expect(node.metadata?.labels).toMatchObject({
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': 'm5.large',
        'topology.kubernetes.io/region': 'us-east-1',
      });
      expect(node.metadata?.labels?.['eks.amazonaws.com/compute-type']).toBeUndefined();
      expect(node.status?.nodeInfo?.kubeletVersion).toBe(scenarioSeed('pod-identity-ready').clusters?.[0]?.gitVersion);
      expect(node.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe('True');
      expect(node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address).toMatch(
        /^192\.168\.\d+\.\d+$/,
      );
    }
    expect(new Set(nodes.map((node) => node.metadata?.labels?.['topology.kubernetes.io/zone']))).toEqual(
      new Set(['us-east-1a', 'us-east-1b']),
    );

    const { addon } = await sandbox.eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: AGENT }));
    expect(addon).toMatchObject({ status: 'ACTIVE', addonVersion: 'v1.3.10-eksbuild.3' });
    const agent = await readAgent(apps);
    expect(rolledOut(agent, 2)).toBe(true);
    const pod = agent.spec?.template.spec;
    expect(pod?.hostNetwork).toBe(true);
    expect(pod?.containers[0]?.image).toBe(
      '602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/eks-pod-identity-agent:v0.1.37',
    );
    expect(pod?.containers[0]?.args).toEqual(['--port', '80', '--cluster-name', 'demo', '--probe-port', '2703']);
    expect(pod?.containers[0]?.env).toEqual([{ name: 'AWS_REGION', value: 'us-east-1' }]);
    expect(agent.metadata?.labels?.['eks.amazonaws.com/addon']).toBe(AGENT);
    expect(agent.spec?.updateStrategy?.type).toBe('RollingUpdate');
  });

  it('CreateAddon installs the agent DaemonSet, which rolls out on the EC2 nodes; DeleteAddon removes it', async () => {
    const seed = scenarioSeed('pod-identity-ready');
    const cluster = seed.clusters?.[0];
    const sandbox = await start({ ...seed, clusters: [{ ...cluster!, addons: [], nodes: 3 }] });
    const { apps } = clients(sandbox);
    const created = await sandbox.eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: AGENT }));
    expect(created.addon?.status).toBe('CREATING');
    await eventually(async () => {
      const { addon } = await sandbox.eks.send(new DescribeAddonCommand({ clusterName: 'demo', addonName: AGENT }));
      return addon?.status === 'ACTIVE';
    }, present);
    const agent = await eventually(async () => {
      const daemonSet = await readAgent(apps);
      return rolledOut(daemonSet, 3) ? daemonSet : undefined;
    }, present);
    expect(agent.status?.currentNumberScheduled).toBe(3);
    await sandbox.eks.send(new DeleteAddonCommand({ clusterName: 'demo', addonName: AGENT }));
    await eventually(async () => {
      const list = await apps.listNamespacedDaemonSet({ namespace: 'kube-system' });
      return list.items.length === 0;
    }, present);
  });

  it('fargate-only: Fargate nodes, and the agent DaemonSet schedules on none of them', async () => {
    const sandbox = await start(scenarioSeed('fargate-only'));
    const { core, apps } = clients(sandbox);
    const nodes = (await core.listNode()).items;
    expect(nodes).toHaveLength(2);
    for (const node of nodes) {
      expect(node.metadata?.name).toMatch(/^fargate-ip-192-168-\d+-\d+\.ec2\.internal$/);
      expect(node.metadata?.labels?.['eks.amazonaws.com/compute-type']).toBe('fargate');
      expect(node.spec?.taints).toEqual([
        { key: 'eks.amazonaws.com/compute-type', value: 'fargate', effect: 'NoSchedule' },
      ]);
    }
    await sandbox.eks.send(new CreateAddonCommand({ clusterName: 'demo', addonName: AGENT }));
    const agent = await eventually(async () => {
      try {
        const daemonSet = await readAgent(apps);
        return daemonSet.status?.observedGeneration === daemonSet.metadata?.generation ? daemonSet : undefined;
      } catch {
        return undefined;
      }
    }, present);
    expect(agent.status).toMatchObject({ desiredNumberScheduled: 0, currentNumberScheduled: 0, numberReady: 0 });
  });

  it('a DaemonSet of the user rolls out on the nodes its nodeSelector picks; a seeded status is kept', async () => {
    const seed = scenarioSeed('fresh');
    const sandbox = await start({
      ...seed,
      clusters: [
        {
          ...seed.clusters![0]!,
          nodes: [{ labels: { pool: 'monitoring' } }, {}, { name: 'gpu-node', labels: { pool: 'monitoring' } }],
          objects: [
            {
              apiVersion: 'apps/v1',
              kind: 'DaemonSet',
              metadata: { name: 'seeded', namespace: 'default' },
              spec: {
                selector: { matchLabels: { app: 'seeded' } },
                template: {
                  metadata: { labels: { app: 'seeded' } },
                  spec: { containers: [{ name: 'c', image: 'i' }] },
                },
              },
              status: { desiredNumberScheduled: 5, numberReady: 1 },
            },
          ],
        },
      ],
    });
    const { core, apps } = clients(sandbox);
    expect((await core.listNode()).items.map((node) => node.metadata?.name)).toContain('gpu-node');
    await apps.createNamespacedDaemonSet({
      namespace: 'default',
      body: {
        metadata: { name: 'node-exporter' },
        spec: {
          selector: { matchLabels: { app: 'node-exporter' } },
          updateStrategy: { type: 'RollingUpdate' },
          template: {
            metadata: { labels: { app: 'node-exporter' } },
            spec: {
              nodeSelector: { pool: 'monitoring' },
              containers: [{ name: 'exporter', image: 'prom/node-exporter' }],
            },
          },
        },
      },
    });
    const exporter = await eventually(async () => {
      const daemonSet = await apps.readNamespacedDaemonSet({ name: 'node-exporter', namespace: 'default' });
      return rolledOut(daemonSet, 2) ? daemonSet : undefined;
    }, present);
    expect(exporter.status?.numberUnavailable).toBeUndefined();
    const seeded = await apps.readNamespacedDaemonSet({ name: 'seeded', namespace: 'default' });
    expect(seeded.status).toMatchObject({ desiredNumberScheduled: 5, numberReady: 1 });
  });

  it('seeded pod identity associations are listed by EKS', async () => {
    const seed = scenarioSeed('pod-identity-ready');
    const sandbox = await start({
      ...seed,
      clusters: [
        {
          ...seed.clusters![0]!,
          podIdentityAssociations: [
            {
              namespace: 'aws-otel-eks',
              serviceAccount: 'aws-otel-collector',
              roleArn: 'arn:aws:iam::123456789012:role/collector',
            },
          ],
        },
      ],
    });
    const listed = await sandbox.eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'demo' }));
    expect(listed.associations).toEqual([
      expect.objectContaining({ namespace: 'aws-otel-eks', serviceAccount: 'aws-otel-collector' }),
    ]);
  });
});
