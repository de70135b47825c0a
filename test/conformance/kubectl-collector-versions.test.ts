import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addonOperatorObjects } from '../../src/sandbox/seed/addon-objects.js';
import { startTestCluster, type TestCluster } from '../helpers/kube-cluster.js';
import { Kubectl } from '../helpers/kube-kubectl.js';

/** kubectl against the OpenTelemetryCollector CRD of add-on v0.102.0: v1alpha1 and v1beta1 served, v1beta1 stored */

const v1beta1Collector = `
apiVersion: opentelemetry.io/v1beta1
kind: OpenTelemetryCollector
metadata:
  name: observability
  namespace: aws-otel-eks
spec:
  mode: deployment
  serviceAccount: aws-otel-collector
  ports:
    - {name: xray, port: 2000, protocol: UDP}
  config:
    receivers:
      awsxray: {endpoint: '0.0.0.0:2000', transport: udp}
    exporters:
      awsxray: {region: us-west-2}
    service:
      pipelines:
        traces: {receivers: [awsxray], exporters: [awsxray]}
`;

const v1alpha1Collector = `
apiVersion: opentelemetry.io/v1alpha1
kind: OpenTelemetryCollector
metadata:
  name: legacy
  namespace: aws-otel-eks
spec:
  mode: deployment
  config: |
    receivers:
      otlp:
        protocols:
          grpc: {}
    exporters:
      awsxray: {region: us-west-2}
    service:
      pipelines:
        traces: {receivers: [otlp], exporters: [awsxray]}
`;

let cluster: TestCluster;
let kubectl: Kubectl;

beforeEach(async () => {
  cluster = await startTestCluster({
    objects: [
      ...addonOperatorObjects('v0.102.0-eksbuild.1'),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'aws-otel-eks' } },
    ],
  });
  kubectl = await Kubectl.create(cluster.kubeconfig(), process.env.PATH);
});

afterEach(async () => {
  await kubectl.dispose();
  await cluster.close();
});

describe('kubectl with OpenTelemetryCollector served as v1alpha1 and v1beta1', () => {
  it('applies a v1beta1 manifest and gets it as v1beta1 and as v1alpha1', async () => {
    const file = await kubectl.writeFile('collector.yaml', v1beta1Collector);
    const applied = await kubectl.run(['apply', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout.trim()).toBe('opentelemetrycollector.opentelemetry.io/observability created');

    const beta = await kubectl.run([
      'get',
      'opentelemetrycollectors.v1beta1.opentelemetry.io',
      '-n',
      'aws-otel-eks',
      '-o',
      'yaml',
    ]);
    expect(beta.code, beta.stderr).toBe(0);
    const list = parse(beta.stdout) as { items: { apiVersion: string; spec: { config: unknown } }[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]?.apiVersion).toBe('opentelemetry.io/v1beta1');
    expect(list.items[0]?.spec.config).toMatchObject({ receivers: { awsxray: { endpoint: '0.0.0.0:2000' } } });

    const alpha = await kubectl.run([
      'get',
      'opentelemetrycollectors.v1alpha1.opentelemetry.io',
      'observability',
      '-n',
      'aws-otel-eks',
      '-o',
      'yaml',
    ]);
    expect(alpha.code, alpha.stderr).toBe(0);
    expect(alpha.stderr).toContain('Warning: OpenTelemetryCollector v1alpha1 is deprecated. Migrate to v1beta1.');
    const object = parse(alpha.stdout) as { apiVersion: string; spec: { config: string } };
    expect(object.apiVersion).toBe('opentelemetry.io/v1alpha1');
    expect(parse(object.spec.config)).toMatchObject({
      receivers: { awsxray: { endpoint: '0.0.0.0:2000', transport: 'udp' } },
      service: { pipelines: { traces: { receivers: ['awsxray'], processors: [], exporters: ['awsxray'] } } },
    });
  });

  it('uses v1beta1 (the preferred version) for the short name, with the CRD printer columns', async () => {
    const file = await kubectl.writeFile('legacy.yaml', v1alpha1Collector);
    const applied = await kubectl.run(['apply', '--server-side', '-f', file]);
    expect(applied.code, applied.stderr).toBe(0);
    const table = await kubectl.run(['get', 'otelcol', '-n', 'aws-otel-eks']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stderr).not.toContain('deprecated');
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+MODE\s+VERSION\s+READY\s+AGE\s+IMAGE\s+MANAGEMENT$/);
    expect(table.stdout).toMatch(/^legacy\s+deployment\s/m);
    const yaml = await kubectl.run(['get', 'otelcol', 'legacy', '-n', 'aws-otel-eks', '-o', 'yaml']);
    const object = parse(yaml.stdout) as { apiVersion: string; spec: { config: unknown } };
    expect(object.apiVersion).toBe('opentelemetry.io/v1beta1');
    expect(object.spec.config).toMatchObject({ receivers: { otlp: { protocols: { grpc: {} } } } });
    const described = await kubectl.run([
      'describe',
      'opentelemetrycollectors.v1beta1.opentelemetry.io',
      'legacy',
      '-n',
      'aws-otel-eks',
    ]);
    expect(described.code, described.stderr).toBe(0);
    expect(described.stdout).toMatch(/^API Version:\s+opentelemetry\.io\/v1beta1$/m);
  });

  it('refuses a v1alpha1 config that cannot convert, with the webhook message', async () => {
    const file = await kubectl.writeFile(
      'broken.yaml',
      v1alpha1Collector.replace(/config: \|[\s\S]*$/, 'config: "receivers: [unclosed"\n'),
    );
    const refused = await kubectl.run(['apply', '-f', file]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'Internal error occurred: conversion webhook for opentelemetry.io/v1alpha1, Kind=OpenTelemetryCollector failed',
    );
  });
});
