import { afterEach, describe, expect, it } from 'vitest';
import { podIdentityTrustProblem } from '../../src/sandbox/aws/eks/pod-identity-trust.js';
import { AdotError } from '../../src/core/errors.js';
import { clusterAddonHooks } from '../../src/sandbox/controllers/addon-hooks.js';
import { DaemonSetRolloutController } from '../../src/sandbox/controllers/daemonset-rollout.js';
import { daemonSetNodes } from '../../src/sandbox/kube/node-scheduling.js';
import { createClusterStore } from '../../src/sandbox/kube/store.js';
import { clusterStartObjects } from '../../src/sandbox/seed/cluster-objects.js';
import { clusterNodes } from '../../src/sandbox/seed/nodes.js';
import { parseSeed } from '../../src/sandbox/seed/parse.js';
import { podIdentityAgentObjects } from '../../src/sandbox/seed/pod-identity-agent-objects.js';
import { presetObjects } from '../../src/sandbox/seed/presets.js';
import type { ClusterStore, KubeObject } from '../../src/sandbox/types.js';

function seedError(text: string): string {
  try {
    parseSeed(text, 'seed.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(AdotError);
    return (error as AdotError).message;
  }
  throw new Error('the seed was accepted');
}

const context = { region: 'us-east-1', kubeletVersion: 'v1.33.2-eks-931bdca' };
const agent = podIdentityAgentObjects('v1.3.10-eksbuild.3', {
  clusterName: 'demo',
  region: 'eu-west-1',
})[0] as KubeObject;

describe('seed keys for nodes and EKS Pod Identity', () => {
  it('accepts a node count, a node list, a compute type and associations', () => {
    const seed = parseSeed(
      `clusters:
  - name: demo
    nodes: [{name: worker-1, labels: {pool: monitoring}}, {}]
    computeType: ec2
    podIdentityAssociations:
      - {namespace: apps, serviceAccount: web, roleArn: "arn:aws:iam::123456789012:role/web", id: a-0123456789abcdefg,
         disableSessionTags: true, targetRoleArn: "arn:aws:iam::444455556666:role/t", tags: {team: x}}
    addons:
      - {name: adot, version: v0.131.0-eksbuild.1,
         podIdentityAssociations: [{serviceAccount: adot-col-otlp-ingest, roleArn: "arn:aws:iam::123456789012:role/otlp"}]}
  - name: small
    nodes: 0
`,
      'seed.yaml',
    );
    expect(seed.clusters?.[0]?.nodes).toEqual([{ name: 'worker-1', labels: { pool: 'monitoring' } }, {}]);
    expect(seed.clusters?.[1]).toMatchObject({ nodes: 0, computeType: 'ec2', podIdentityAssociations: [] });
  });

  it('defaults to two EC2 nodes', () => {
    expect(parseSeed('clusters: [{name: demo}]', 'seed.yaml').clusters?.[0]).toMatchObject({
      nodes: 2,
      computeType: 'ec2',
    });
  });

  it('refuses bad values with their path and line', () => {
    expect(seedError('clusters:\n  - name: demo\n    nodes: many\n')).toBe(
      'seed.yaml:3: clusters[0].nodes: expected a number of nodes (0-100) or a list of nodes, got "many"',
    );
    expect(seedError('clusters:\n  - name: demo\n    nodes: 101\n')).toBe(
      'seed.yaml:3: clusters[0].nodes: expected an integer from 0 to 100, got 101',
    );
    expect(seedError('clusters:\n  - name: demo\n    nodes: [{name: Bad_Name}]\n')).toContain(
      'clusters[0].nodes[0].name: expected a Kubernetes name',
    );
    expect(seedError('clusters:\n  - name: demo\n    nodes: [{labels: {"a b": x}}]\n')).toContain(
      'clusters[0].nodes[0].labels["a b"]: expected a key that is a label key',
    );
    expect(seedError('clusters:\n  - name: demo\n    computeType: lambda\n')).toBe(
      'seed.yaml:3: clusters[0].computeType: expected one of ec2, fargate, got "lambda"',
    );
    expect(
      seedError('clusters:\n  - name: demo\n    podIdentityAssociations:\n      - {namespace: a, serviceAccount: b}\n'),
    ).toBe('seed.yaml:4: clusters[0].podIdentityAssociations[0].roleArn: required key is missing');
    const duplicate = seedError(`clusters:
  - name: demo
    podIdentityAssociations:
      - {namespace: a, serviceAccount: b, roleArn: "arn:aws:iam::123456789012:role/x"}
      - {namespace: a, serviceAccount: b, roleArn: "arn:aws:iam::123456789012:role/y"}
`);
    expect(duplicate).toContain(
      'clusters[0].podIdentityAssociations[1]: duplicate of clusters[0].podIdentityAssociations[0]',
    );
    expect(
      seedError(`clusters:
  - name: demo
    podIdentityAssociations:
      - {namespace: a, serviceAccount: b, roleArn: "arn:aws:iam::123456789012:role/x", id: b-123}
`),
    ).toContain('clusters[0].podIdentityAssociations[0].id: expected an association id');
    expect(
      seedError(`clusters:
  - name: demo
    podIdentityAssociations:
      - {namespace: opentelemetry-operator-system, serviceAccount: adot-col-otlp-ingest, roleArn: "arn:aws:iam::123456789012:role/x"}
    addons:
      - name: adot
        version: v0.131.0-eksbuild.1
        podIdentityAssociations: [{serviceAccount: adot-col-otlp-ingest, roleArn: "arn:aws:iam::123456789012:role/x"}]
`),
    ).toBe(
      'seed.yaml:8: clusters[0].addons[0].podIdentityAssociations[0]: service account opentelemetry-operator-system/adot-col-otlp-ingest already has an association (clusters[0].podIdentityAssociations[0])',
    );
  });
});

describe('emulated nodes', () => {
  it('EC2 nodes: ip-…ec2.internal in us-east-1, REGION.compute.internal elsewhere, in two zones', () => {
    const nodes = clusterNodes({ name: 'demo', nodes: 3 }, context);
    expect(nodes.map((node) => node.metadata.name)).toEqual([
      expect.stringMatching(/^ip-192-168-\d+-\d+\.ec2\.internal$/),
      expect.stringMatching(/^ip-192-168-\d+-\d+\.ec2\.internal$/),
      expect.stringMatching(/^ip-192-168-\d+-\d+\.ec2\.internal$/),
    ]);
    expect(new Set(nodes.map((node) => node.metadata.name)).size).toBe(3);
    expect(nodes.map((node) => node.metadata.labels?.['topology.kubernetes.io/zone'])).toEqual([
      'us-east-1a',
      'us-east-1b',
      'us-east-1a',
    ]);
    const elsewhere = clusterNodes({ name: 'demo' }, { ...context, region: 'eu-west-1' });
    expect(elsewhere).toHaveLength(2);
    expect(elsewhere[0]?.metadata.name).toMatch(/\.eu-west-1\.compute\.internal$/);
    // the same seed gives the same nodes
    expect(clusterNodes({ name: 'demo', nodes: 3 }, context).map((node) => node.metadata.name)).toEqual(
      nodes.map((node) => node.metadata.name),
    );
  });

  it('Fargate nodes carry the compute-type label and taint; listed nodes keep their names and add labels', () => {
    const [fargate] = clusterNodes({ name: 'demo', computeType: 'fargate', nodes: 1 }, context);
    expect(fargate?.metadata.name).toMatch(/^fargate-ip-192-168-\d+-\d+\.ec2\.internal$/);
    expect(fargate?.metadata.labels?.['eks.amazonaws.com/compute-type']).toBe('fargate');
    const [named] = clusterNodes({ name: 'demo', nodes: [{ name: 'gpu-1', labels: { pool: 'gpu' } }] }, context);
    expect(named?.metadata.name).toBe('gpu-1');
    expect(named?.metadata.labels).toMatchObject({ pool: 'gpu', 'kubernetes.io/hostname': 'gpu-1' });
  });

  it('a seeded agent add-on starts rolled out on the EC2 nodes, and on none of the Fargate ones', () => {
    const daemonSetOf = (computeType: 'ec2' | 'fargate') =>
      clusterStartObjects(
        {
          name: 'demo',
          version: '1.33',
          computeType,
          addons: [{ name: 'eks-pod-identity-agent', version: 'v1.3.10-eksbuild.3' }],
        },
        [],
        'us-east-1',
      ).find((object) => object.kind === 'DaemonSet');
    expect(daemonSetOf('ec2')?.status).toMatchObject({ desiredNumberScheduled: 2, numberReady: 2, numberAvailable: 2 });
    expect(daemonSetOf('fargate')?.status).toMatchObject({ desiredNumberScheduled: 0, numberReady: 0 });
  });
});

describe('DaemonSet scheduling', () => {
  const [ready, other] = clusterNodes({ name: 'demo', nodes: [{ labels: { pool: 'a' } }, {}] }, context) as [
    KubeObject,
    KubeObject,
  ];
  const withPodSpec = (spec: Record<string, unknown>): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'd', namespace: 'default' },
    spec: { template: { spec: { containers: [], ...spec } } },
  });

  it('follows nodeSelector, required node affinity and taints', () => {
    expect(daemonSetNodes(withPodSpec({}), [ready, other])).toHaveLength(2);
    expect(daemonSetNodes(withPodSpec({ nodeSelector: { pool: 'a' } }), [ready, other])).toEqual([ready]);
    const tainted = { ...other, spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } };
    expect(daemonSetNodes(withPodSpec({}), [ready, tainted])).toEqual([ready]);
    expect(
      daemonSetNodes(withPodSpec({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu' }] }), [tainted]),
    ).toEqual([tainted]);
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'DoesNotExist' }] }],
        },
      },
    };
    expect(daemonSetNodes(withPodSpec({ affinity }), [ready, other])).toEqual([other]);
  });

  it('never picks Fargate, cordoned or not-Ready nodes; the agent runs on every EC2 node', () => {
    const fargate = clusterNodes({ name: 'f', computeType: 'fargate', nodes: 1 }, context);
    expect(daemonSetNodes(withPodSpec({ tolerations: [{ operator: 'Exists' }] }), fargate)).toEqual([]);
    const cordoned = { ...ready, spec: { ...(ready.spec as object), unschedulable: true } };
    const notReady = { ...other, status: { conditions: [{ type: 'Ready', status: 'False' }] } };
    expect(daemonSetNodes(withPodSpec({}), [cordoned, notReady])).toEqual([]);
    expect(daemonSetNodes(agent, [ready, other, ...fargate])).toEqual([ready, other]);
  });
});

describe('the pod identity agent manifest', () => {
  it('is the chart DaemonSet: host network, link-local server on port 80, image from the Region registry', () => {
    expect(agent.metadata).toMatchObject({ name: 'eks-pod-identity-agent', namespace: 'kube-system' });
    const pod = (agent.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    expect(pod.hostNetwork).toBe(true);
    const [container] = pod.containers as { image: string; args: string[]; ports: { containerPort: number }[] }[];
    expect(container?.image).toBe('602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/eks-pod-identity-agent:v0.1.37');
    expect(container?.ports.map((port) => port.containerPort)).toEqual([80, 2703]);
    const older = podIdentityAgentObjects('v1.2.0-eksbuild.1', { clusterName: 'demo', region: 'ap-east-1' })[0];
    expect(JSON.stringify(older)).toContain('800184023465.dkr.ecr.ap-east-1.amazonaws.com/eks/eks-pod-identity-agent:');
  });
});

describe('trust policies EKS Pod Identity accepts', () => {
  const trust = (statement: Record<string, unknown>) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  const pods = { Service: 'pods.eks.amazonaws.com' };

  it('needs pods.eks.amazonaws.com with sts:AssumeRole and, with session tags, sts:TagSession', () => {
    expect(
      podIdentityTrustProblem(
        trust({ Effect: 'Allow', Principal: pods, Action: ['sts:AssumeRole', 'sts:TagSession'] }),
        false,
      ),
    ).toBeUndefined();
    expect(
      podIdentityTrustProblem(trust({ Effect: 'Allow', Principal: pods, Action: 'sts:*' }), false),
    ).toBeUndefined();
    expect(podIdentityTrustProblem(trust({ Effect: 'Allow', Principal: pods, Action: 'sts:AssumeRole' }), false)).toBe(
      'pods.eks.amazonaws.com is not allowed sts:TagSession',
    );
    expect(
      podIdentityTrustProblem(trust({ Effect: 'Allow', Principal: pods, Action: 'sts:AssumeRole' }), true),
    ).toBeUndefined();
    expect(
      podIdentityTrustProblem(
        trust({ Effect: 'Deny', Principal: pods, Action: ['sts:AssumeRole', 'sts:TagSession'] }),
        false,
      ),
    ).toContain('no statement allows');
    expect(
      podIdentityTrustProblem(
        trust({
          Effect: 'Allow',
          Principal: { Service: ['ec2.amazonaws.com', 'pods.eks.amazonaws.com'] },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        }),
        false,
      ),
    ).toBeUndefined();
    expect(
      podIdentityTrustProblem(encodeURIComponent(trust({ Effect: 'Allow', Principal: pods, Action: '*' })), false),
    ).toBeUndefined();
    expect(podIdentityTrustProblem('not json', false)).toBe('the trust policy is not JSON');
  });
});

describe('DaemonSet rollout controller', () => {
  let controller: DaemonSetRolloutController | undefined;
  afterEach(() => controller?.stop());

  function start(store: ClusterStore, clock: { now: number }): void {
    controller = new DaemonSetRolloutController(store, { rolloutSeconds: 5, now: () => clock.now });
    controller.start();
  }

  it('schedules one pod per fitting node, ready after rolloutSeconds, and again after a new generation', async () => {
    const store = createClusterStore();
    for (const node of clusterNodes({ name: 'demo', nodes: 3 }, context)) store.put(node);
    store.put({ ...agent, metadata: { ...agent.metadata, namespace: 'kube-system' } });
    const clock = { now: 1_000 };
    start(store, clock);
    const statusOf = () => store.get('apps/v1', 'DaemonSet', 'eks-pod-identity-agent', 'kube-system')?.status;
    expect(statusOf()).toEqual({
      currentNumberScheduled: 3,
      desiredNumberScheduled: 3,
      numberMisscheduled: 0,
      numberReady: 0,
      observedGeneration: 1,
      updatedNumberScheduled: 3,
      numberUnavailable: 3,
    });
    clock.now += 5_000;
    controller?.requestReconcile();
    await new Promise((resolve) => setImmediate(resolve));
    expect(statusOf()).toMatchObject({ numberReady: 3, numberAvailable: 3, observedGeneration: 1 });
    expect(statusOf()).not.toHaveProperty('numberUnavailable');

    const changed = store.get('apps/v1', 'DaemonSet', 'eks-pod-identity-agent', 'kube-system') as KubeObject;
    store.put({ ...changed, spec: { ...(changed.spec as object), minReadySeconds: 1 } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(statusOf()).toMatchObject({ numberReady: 0, observedGeneration: 2 });
  });

  it('keeps a seeded status until the spec changes, and creates no pods while the service account is missing', async () => {
    const store = createClusterStore();
    for (const node of clusterNodes({ name: 'demo', nodes: 2 }, context)) store.put(node);
    store.put({ ...withStatus(agent), metadata: { ...agent.metadata, name: 'seeded' } });
    store.put({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'needs-account', namespace: 'kube-system' },
      spec: { template: { spec: { serviceAccountName: 'missing', containers: [] } } },
    });
    start(store, { now: 0 });
    expect(store.get('apps/v1', 'DaemonSet', 'seeded', 'kube-system')?.status).toEqual({ numberReady: 7 });
    expect(store.get('apps/v1', 'DaemonSet', 'needs-account', 'kube-system')?.status).toMatchObject({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 0,
      updatedNumberScheduled: 0,
      numberUnavailable: 2,
    });
  });
});

function withStatus(object: KubeObject): KubeObject {
  return { ...object, status: { numberReady: 7 } };
}

describe('add-on hooks by add-on name', () => {
  it('installing or removing one add-on leaves the objects of the other alone', () => {
    const store = createClusterStore();
    for (const object of presetObjects('cert-manager-v1.13.1')) store.put(object);
    store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
    const hooks = clusterAddonHooks(store, { clusterName: 'demo', region: 'us-east-1' });
    hooks['eks-pod-identity-agent']?.installAddon('v1.3.10-eksbuild.3');
    hooks.adot?.installAddon('v0.131.0-eksbuild.1');
    expect(store.get('apps/v1', 'DaemonSet', 'eks-pod-identity-agent', 'kube-system')).toBeDefined();
    hooks.adot?.removeAddon();
    expect(store.get('apps/v1', 'DaemonSet', 'eks-pod-identity-agent', 'kube-system')).toBeDefined();
    expect(
      store.get('apps/v1', 'Deployment', 'opentelemetry-operator', 'opentelemetry-operator-system'),
    ).toBeUndefined();
    hooks.adot?.installAddon('v0.131.0-eksbuild.1');
    hooks['eks-pod-identity-agent']?.removeAddon();
    expect(store.get('apps/v1', 'DaemonSet', 'eks-pod-identity-agent', 'kube-system')).toBeUndefined();
    expect(store.get('apps/v1', 'Deployment', 'opentelemetry-operator', 'opentelemetry-operator-system')).toBeDefined();
    // kube-system is not the agent's to delete
    expect(store.get('v1', 'Namespace', 'kube-system')).toBeDefined();
    expect(hooks['eks-pod-identity-agent']?.certManagerProblem).toBeUndefined();
  });
});
