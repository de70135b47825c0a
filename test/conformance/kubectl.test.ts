import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestCluster, viewerToken, type TestCluster } from '../helpers/kube-cluster.js';
import { Kubectl } from '../helpers/kube-kubectl.js';

const manifest = `
apiVersion: v1
kind: Namespace
metadata:
  name: aws-otel-eks
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: collector-config
  namespace: aws-otel-eks
data:
  mode: deployment
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: observability-collector
  namespace: aws-otel-eks
  labels: {app: observability}
spec:
  replicas: 1
  selector: {matchLabels: {app: observability}}
  template:
    metadata: {labels: {app: observability}}
    spec:
      containers:
        - name: collector
          image: public.ecr.aws/aws-observability/aws-otel-collector:v0.45.0
          ports: [{containerPort: 4317, name: otlp}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: opentelemetrycollectors.opentelemetry.io
spec:
  group: opentelemetry.io
  scope: Namespaced
  names: {kind: OpenTelemetryCollector, plural: opentelemetrycollectors, singular: opentelemetrycollector, shortNames: [otelcol]}
  versions:
    - name: v1alpha1
      served: true
      storage: true
      subresources: {status: {}}
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;

const collector = `
apiVersion: opentelemetry.io/v1alpha1
kind: OpenTelemetryCollector
metadata:
  name: observability
  namespace: aws-otel-eks
spec:
  mode: deployment
  serviceAccount: aws-otel-collector
`;

let cluster: TestCluster;
let kubectl: Kubectl;

beforeEach(async () => {
  cluster = await startTestCluster();
  kubectl = await Kubectl.create(cluster.kubeconfig(), process.env.PATH);
});

afterEach(async () => {
  await kubectl.dispose();
  await cluster.close();
});

function markAvailable(): void {
  const current = cluster.store.get('apps/v1', 'Deployment', 'observability-collector', 'aws-otel-eks');
  if (current === undefined) throw new Error('deployment missing');
  cluster.store.put({
    ...current,
    status: {
      observedGeneration: current.metadata.generation,
      replicas: 1,
      updatedReplicas: 1,
      readyReplicas: 1,
      availableReplicas: 1,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
        },
      ],
    },
  });
}

describe('kubectl against the emulated API server', () => {
  it('reads the server version', async () => {
    const result = await kubectl.run(['version', '-o', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).serverVersion).toMatchObject({
      major: '1',
      minor: '22+',
      gitVersion: 'v1.22.17-eks-48e63af',
    });
  });

  it('lists namespaces as a table', async () => {
    const result = await kubectl.run(['get', 'ns']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+AGE$/);
    expect(result.stdout).toMatch(/^default\s+Active\s+\d+s$/m);
  });

  it('lists endpoints with their address:port pairs, as kubectl prints them', async () => {
    cluster.store.put({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'observability-collector', namespace: 'default' },
      subsets: [
        {
          addresses: [{ ip: '127.0.0.1' }],
          ports: [
            { name: 'awsxray', port: 41234, protocol: 'UDP' },
            { name: 'otlp-grpc', port: 41235, protocol: 'TCP' },
          ],
        },
      ],
    });
    cluster.store.put({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'empty', namespace: 'default' } });
    const result = await kubectl.run(['get', 'endpoints', '-n', 'default']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^NAME\s+ENDPOINTS\s+AGE$/);
    expect(result.stdout).toMatch(/^observability-collector\s+127\.0\.0\.1:41234,127\.0\.0\.1:41235\s+\d+s$/m);
    expect(result.stdout).toMatch(/^empty\s+<none>\s+\d+s$/m);
  });

  it('applies server-side (including a CRD and then its object), gets, waits for availability and deletes', async () => {
    const manifestFile = await kubectl.writeFile('manifest.yaml', manifest);
    const applied = await kubectl.run(['apply', '--server-side', '-f', manifestFile]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout.trim().split('\n')).toEqual([
      'namespace/aws-otel-eks serverside-applied',
      'configmap/collector-config serverside-applied',
      'deployment.apps/observability-collector serverside-applied',
      'customresourcedefinition.apiextensions.k8s.io/opentelemetrycollectors.opentelemetry.io serverside-applied',
    ]);
    const collectorFile = await kubectl.writeFile('collector.yaml', collector);
    const appliedCollector = await kubectl.run(['apply', '--server-side', '-f', collectorFile]);
    expect(appliedCollector).toMatchObject({
      code: 0,
      stdout: 'opentelemetrycollector.opentelemetry.io/observability serverside-applied\n',
    });
    const listed = await kubectl.run(['get', 'otelcol', '-n', 'aws-otel-eks', '-o', 'name']);
    expect(listed.stdout).toBe('opentelemetrycollector.opentelemetry.io/observability\n');

    const deployments = await kubectl.run([
      'get',
      'deploy',
      '-n',
      'aws-otel-eks',
      '-o',
      'json',
      '--show-managed-fields',
    ]);
    expect(deployments.code).toBe(0);
    const items = (
      JSON.parse(deployments.stdout) as {
        items: { metadata: { name: string; managedFields: { manager: string }[] } }[];
      }
    ).items;
    expect(items.map((item) => item.metadata.name)).toEqual(['observability-collector']);
    expect(items[0]?.metadata.managedFields.map((entry) => entry.manager)).toEqual(['kubectl']);

    const timer = setTimeout(markAvailable, 300);
    const waited = await kubectl.run([
      'wait',
      '--for=condition=Available',
      'deploy/observability-collector',
      '-n',
      'aws-otel-eks',
      '--timeout=10s',
    ]);
    clearTimeout(timer);
    expect(waited).toMatchObject({ code: 0, stdout: 'deployment.apps/observability-collector condition met\n' });
    const rollout = await kubectl.run([
      'rollout',
      'status',
      'deploy/observability-collector',
      '-n',
      'aws-otel-eks',
      '--timeout=5s',
    ]);
    expect(rollout).toMatchObject({
      code: 0,
      stdout: 'deployment "observability-collector" successfully rolled out\n',
    });

    const deleted = await kubectl.run(['delete', '-f', collectorFile, '-f', manifestFile]);
    expect(deleted.stderr).toBe('');
    expect(deleted.code).toBe(0);
    const after = await kubectl.run(['get', 'ns', 'aws-otel-eks']);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('namespaces "aws-otel-eks" not found');
  });

  it('applies client-side twice: created, then unchanged', async () => {
    const file = await kubectl.writeFile('manifest.yaml', manifest);
    const first = await kubectl.run(['apply', '-f', file]);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('deployment.apps/observability-collector created');
    const second = await kubectl.run(['apply', '-f', file]);
    expect(second.stdout).toContain('deployment.apps/observability-collector unchanged');
    const changed = await kubectl.run([
      'apply',
      '-f',
      await kubectl.writeFile('changed.yaml', manifest.replace('v0.45.0', 'v0.58.0')),
    ]);
    expect(changed.stdout).toContain('deployment.apps/observability-collector configured');
    const image = await kubectl.run([
      'get',
      'deploy',
      'observability-collector',
      '-n',
      'aws-otel-eks',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    expect(image.stdout).toBe('public.ecr.aws/aws-observability/aws-otel-collector:v0.58.0');
  });

  it('answers auth can-i from RBAC', async () => {
    expect(await kubectl.run(['auth', 'can-i', 'create', 'deployments', '-n', 'aws-otel-eks'])).toMatchObject({
      code: 0,
      stdout: 'yes\n',
    });
    const viewer = await Kubectl.create(cluster.kubeconfig(viewerToken), process.env.PATH);
    try {
      const denied = await viewer.run(['auth', 'can-i', 'create', 'deployments', '-n', 'aws-otel-eks']);
      expect(denied).toMatchObject({ code: 1, stdout: 'no\n' });
      const forbidden = await viewer.run(['get', 'pods', '-n', 'aws-otel-eks']);
      expect(forbidden.code).toBe(1);
      expect(forbidden.stderr).toContain(
        'pods is forbidden: User "viewer" cannot list resource "pods" in API group "" in the namespace "aws-otel-eks"',
      );
    } finally {
      await viewer.dispose();
    }
  });
});
