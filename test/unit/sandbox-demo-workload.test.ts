import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/collector/receivers/prometheus/text-format.js';
import type { CollectorStatus } from '../../src/collector/supervisor.js';
import { collectorPod } from '../../src/sandbox/controllers/collector-pods.js';
import { demoWorkloadExposition } from '../../src/sandbox/demo-workload/series.js';
import { clusterStartObjects } from '../../src/sandbox/seed/cluster-objects.js';
import type { KubeObject } from '../../src/sandbox/types.js';

const identity = { namespace: 'demo-workload', pod: 'metrics-demo-0', container: 'app' };

describe('the demo workload exposition', () => {
  it('holds the series the CloudWatch template selects, with the labels and types of their sources', () => {
    const { samples } = parseExposition(demoWorkloadExposition(identity, 0));
    const typeOf = (name: string) => samples.find((sample) => sample.name === name)?.type;
    expect(typeOf('apiserver_request_total')).toBe('counter');
    expect(typeOf('container_memory_working_set_bytes')).toBe('gauge');
    expect(typeOf('container_memory_rss')).toBe('gauge');
    expect(typeOf('container_threads')).toBe('gauge');
    expect(typeOf('process_cpu_seconds_total')).toBe('counter');
    for (const name of ['container_memory_working_set_bytes', 'container_memory_rss', 'container_threads']) {
      expect(samples.find((sample) => sample.name === name)?.labels).toEqual(identity);
    }
    const requests = samples.filter((sample) => sample.name === 'apiserver_request_total');
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) {
      expect(Object.keys(request.labels).sort()).toEqual(['code', 'component', 'resource', 'scope', 'verb', 'version']);
    }
  });

  it('counters grow with time, gauges stay positive and move', () => {
    const at = (seconds: number) => parseExposition(demoWorkloadExposition(identity, seconds)).samples;
    const [early, later] = [at(10), at(70)];
    for (const [index, sample] of early.entries()) {
      const next = later[index];
      expect(next?.name).toBe(sample.name);
      expect(sample.value).toBeGreaterThan(0);
      if (sample.type === 'counter') expect(next?.value).toBeGreaterThan(sample.value);
    }
    const memory = (samples: ReturnType<typeof at>) =>
      samples.find((sample) => sample.name === 'container_memory_working_set_bytes')?.value;
    expect(memory(early)).not.toBe(memory(later));
  });
});

describe('the demo workload preset', () => {
  it("runs its Pod on the cluster's first node, so per-node scrape rules find it there", () => {
    const objects = clusterStartObjects({ name: 'demo', presets: ['demo-workload'] }, [], 'us-east-1', {
      demoWorkload: { host: '127.0.0.1', port: 41000 },
    });
    const firstNode = objects.find((object) => object.kind === 'Node')?.metadata.name;
    const pod = objects.find((object) => object.kind === 'Pod' && object.metadata.name === 'metrics-demo-0');
    expect(firstNode).toMatch(/\.ec2\.internal$/);
    expect((pod?.spec as { nodeName?: string }).nodeName).toBe(firstNode);
  });
});

describe("a running collector's Pod in the sandbox", () => {
  const deployment: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'observability-collector', namespace: 'aws-otel-eks', uid: 'uid-1' },
    spec: {
      template: {
        metadata: {
          labels: { 'app.kubernetes.io/component': 'opentelemetry-collector' },
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8888', 'adot.dev/identity': 'irsa' },
        },
        spec: {
          serviceAccountName: 'aws-otel-collector',
          containers: [
            { name: 'otc-container', image: 'collector:1', ports: [{ name: 'otlp-grpc', containerPort: 4317 }] },
          ],
        },
      },
    },
  };
  const status: CollectorStatus = {
    name: 'observability',
    namespace: 'aws-otel-eks',
    running: true,
    receivers: {},
    protocols: {},
    telemetryAddress: '127.0.0.1:41234',
  };

  it("is the pod template, Running and Ready at the collector's address, its metrics port the one really served", () => {
    const pod = collectorPod(deployment, status, 'receivers: {}\n', {
      name: 'observability-collector-0',
      uid: 'pod-uid',
      startTime: '2026-01-01T00:00:00Z',
    });
    expect(pod.metadata).toMatchObject({
      name: 'observability-collector-0',
      namespace: 'aws-otel-eks',
      uid: 'pod-uid',
      labels: { 'app.kubernetes.io/component': 'opentelemetry-collector' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '41234', 'adot.dev/identity': 'irsa' },
      ownerReferences: [{ kind: 'Deployment', name: 'observability-collector', uid: 'uid-1', controller: true }],
    });
    expect(pod.spec).toEqual({
      serviceAccountName: 'aws-otel-collector',
      containers: [
        { name: 'otc-container', image: 'collector:1', ports: [{ name: 'otlp-grpc', containerPort: 4317 }] },
      ],
    });
    expect(pod.status).toMatchObject({ phase: 'Running', podIP: '127.0.0.1', startTime: '2026-01-01T00:00:00Z' });
  });

  it("rewrites prometheus.io/port only when it names the configuration's metrics port", () => {
    const annotated = (port: string, config: unknown) => {
      const template = structuredClone(deployment);
      const spec = template.spec as { template: { metadata: { annotations: Record<string, string> } } };
      spec.template.metadata.annotations['prometheus.io/port'] = port;
      return collectorPod(template, status, config, { name: 'p', uid: 'u', startTime: '2026-01-01T00:00:00Z' }).metadata
        .annotations?.['prometheus.io/port'];
    };
    expect(annotated('9100', 'receivers: {}\n')).toBe('9100');
    const telemetryOn9999 = 'service:\n  telemetry:\n    metrics:\n      address: 0.0.0.0:9999\n';
    expect(annotated('9999', telemetryOn9999)).toBe('41234');
    expect(annotated('8888', telemetryOn9999)).toBe('8888');
  });
});
