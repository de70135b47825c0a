import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Settings } from '../../src/collector/config/settings.js';
import type { LogItem, MetricSample, OtlpSpanItem } from '../../src/collector/model.js';
import {
  readAttributesProcessorSettings,
  readResourceProcessorSettings,
  AttributesProcessor,
  ResourceProcessor,
} from '../../src/collector/processors/attributes.js';
import { K8sAttributesProcessor } from '../../src/collector/processors/k8sattributes/processor.js';
import { readK8sAttributesSettings } from '../../src/collector/processors/k8sattributes/settings.js';
import { rememberClient } from '../../src/collector/processors/resource-items.js';
import {
  readResourceDetectionSettings,
  ResourceDetectionProcessor,
} from '../../src/collector/processors/resourcedetection.js';
import { attributesToJson } from '../../src/collector/translate/any-value.js';
import type { Resource } from '../../src/collector/translate/otlp-types.js';
import { componentContext } from '../helpers/collector-context.js';
import { startTestCluster, type TestCluster } from '../helpers/kube-cluster.js';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

function spanWith(resource: Resource): OtlpSpanItem {
  return {
    kind: 'otlp-span',
    resource,
    span: { name: 'GET /', attributes: [str('http.method', 'GET')], events: [], links: [] },
  };
}

function collect<T>(): { items: T[]; consumer: { consume(items: T[]): void } } {
  const items: T[] = [];
  return { items, consumer: { consume: (batch) => items.push(...batch) } };
}

describe('processors that add to the resource, against the sandbox Kubernetes API', () => {
  let cluster: TestCluster;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    cluster = await startTestCluster();
    dir = await mkdtemp(join(tmpdir(), 'adot-resource-'));
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, cluster.kubeconfig());
    env = { KUBECONFIG: kubeconfig };
    cluster.store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    cluster.store.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'cart-7d9f8b6c5-x2k4q',
        namespace: 'shop',
        uid: '0f0e2b7a-1111-2222-3333-444455556666',
        labels: { app: 'cart', 'pod-template-hash': '7d9f8b6c5' },
        annotations: { 'team.example.com/owner': 'payments' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'cart-7d9f8b6c5', uid: 'rs-1', controller: true },
        ],
      },
      spec: {
        nodeName: 'ip-10-0-1-23.ec2.internal',
        containers: [{ name: 'app', image: 'public.ecr.aws/shop/cart:1.4.2' }],
      },
      status: { phase: 'Running', podIP: '10.0.1.57', startTime: '2024-05-01T10:00:00Z' },
    });
  }, 30_000);

  afterAll(async () => {
    await cluster?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('k8sattributes associates by resource attribute (k8s.pod.uid) and by connection IP, without overwriting', async () => {
    const { items, consumer } = collect<unknown>();
    const processor = new K8sAttributesProcessor(
      componentContext('k8sattributes', 'processors', env),
      readK8sAttributesSettings(
        new Settings(
          {
            auth_type: 'serviceAccount',
            extract: {
              metadata: [
                'k8s.pod.name',
                'k8s.namespace.name',
                'k8s.node.name',
                'k8s.deployment.name',
                'container.image.name',
                'container.image.tag',
              ],
              labels: [{ key: 'app', tag_name: 'app.label' }],
              annotations: [{ key_regex: 'team.example.com/(.*)', tag_name: 'team.$1' }],
            },
            pod_association: [
              { sources: [{ from: 'resource_attribute', name: 'k8s.pod.uid' }] },
              { sources: [{ from: 'connection' }] },
            ],
          },
          'processors.k8sattributes',
        ),
      ),
      consumer,
      'traces',
    );
    await processor.start();
    try {
      const byUid: Resource = {
        attributes: [
          str('k8s.pod.uid', '0f0e2b7a-1111-2222-3333-444455556666'),
          str('k8s.container.name', 'app'),
          str('k8s.namespace.name', 'kept'),
        ],
      };
      const byConnection: Resource = { attributes: [] };
      rememberClient(byConnection, '10.0.1.57');
      const unknown: Resource = { attributes: [] };
      rememberClient(unknown, '10.9.9.9');
      processor.consume([spanWith(byUid), spanWith(byConnection), spanWith(unknown)]);
      const resources = (items as OtlpSpanItem[]).map((item) => attributesToJson(item.resource.attributes));
      expect(resources[0]).toEqual({
        'k8s.pod.uid': '0f0e2b7a-1111-2222-3333-444455556666',
        'k8s.container.name': 'app',
        'k8s.namespace.name': 'kept',
        'k8s.pod.name': 'cart-7d9f8b6c5-x2k4q',
        'k8s.node.name': 'ip-10-0-1-23.ec2.internal',
        'k8s.deployment.name': 'cart',
        'container.image.name': 'public.ecr.aws/shop/cart',
        'container.image.tag': '1.4.2',
        'app.label': 'cart',
        'team.owner': 'payments',
      });
      expect(resources[1]).toMatchObject({
        'k8s.pod.ip': '10.0.1.57',
        'k8s.pod.name': 'cart-7d9f8b6c5-x2k4q',
        'k8s.namespace.name': 'shop',
      });
      expect(resources[2]).toEqual({ 'k8s.pod.ip': '10.9.9.9' });
    } finally {
      await processor.shutdown();
    }
  });

  it('k8sattributes on metrics and logs: a sample keeps its labels, its resource gets the pod', async () => {
    const { items, consumer } = collect<unknown>();
    const settings = readK8sAttributesSettings(
      new Settings(
        {
          pod_association: [
            {
              sources: [
                { from: 'resource_attribute', name: 'k8s.pod.name' },
                { from: 'resource_attribute', name: 'k8s.namespace.name' },
              ],
            },
          ],
        },
        'processors.k8sattributes',
      ),
    );
    const metrics = new K8sAttributesProcessor(
      componentContext('k8sattributes', 'processors', env),
      settings,
      consumer,
      'metrics',
    );
    await metrics.start();
    const logs = new K8sAttributesProcessor(
      componentContext('k8sattributes', 'processors', env),
      settings,
      consumer,
      'logs',
    );
    await logs.start();
    try {
      const sample: MetricSample = {
        name: 'up',
        family: 'up',
        type: 'gauge',
        labels: { job: 'cart', instance: '10.0.1.57:8080' },
        value: 1,
        timestampMs: 1,
        resource: { 'k8s.pod.name': 'cart-7d9f8b6c5-x2k4q', 'k8s.namespace.name': 'shop' },
      };
      metrics.consume([sample]);
      const log: LogItem = {
        kind: 'log',
        record: { attributes: [] },
        resource: { attributes: [str('k8s.pod.name', 'cart-7d9f8b6c5-x2k4q'), str('k8s.namespace.name', 'shop')] },
      };
      logs.consume([log]);
      const [outSample, outLog] = items as [MetricSample, LogItem];
      expect(outSample.labels).toBe(sample.labels);
      expect(outSample.resource).toMatchObject({
        'k8s.pod.uid': '0f0e2b7a-1111-2222-3333-444455556666',
        'k8s.node.name': 'ip-10-0-1-23.ec2.internal',
      });
      expect(attributesToJson(outLog.resource.attributes)).toMatchObject({
        'k8s.pod.uid': '0f0e2b7a-1111-2222-3333-444455556666',
      });
    } finally {
      await metrics.shutdown();
      await logs.shutdown();
    }
  });

  it('resourcedetection: env (OTEL_RESOURCE_ATTRIBUTES) and eks (cloud.provider, cloud.platform on an EKS API)', async () => {
    const { items, consumer } = collect<unknown>();
    const context = componentContext('resourcedetection', 'processors', {
      ...env,
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=cart,deployment.environment=prod%20eu',
    });
    const processor = new ResourceDetectionProcessor(
      context,
      readResourceDetectionSettings(
        new Settings(
          {
            detectors: ['env', 'eks'],
            timeout: '2s',
            override: false,
            eks: { resource_attributes: { 'k8s.cluster.name': { enabled: true } } },
          },
          'processors.resourcedetection',
        ),
      ),
      consumer,
      'traces',
    );
    await processor.start();
    processor.consume([spanWith({ attributes: [str('service.name', 'from-sdk')] })]);
    expect(attributesToJson((items[0] as OtlpSpanItem).resource.attributes)).toEqual({
      'service.name': 'from-sdk',
      'deployment.environment': 'prod eu',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_eks',
    });
    expect(context.logger.lines.some((line) => line.includes('k8s.cluster.name come from EC2 instance metadata'))).toBe(
      true,
    );
  });

  it('resource and attributes processors: insert, update, upsert, delete, convert, from_attribute', () => {
    const resourceOut = collect<unknown>();
    const resource = new ResourceProcessor(
      readResourceProcessorSettings(
        new Settings(
          {
            attributes: [
              { key: 'cloud.region', value: 'us-west-2', action: 'insert' },
              { key: 'service.name', value: 'renamed', action: 'update' },
              { key: 'missing', value: 'x', action: 'update' },
              { key: 'k8s.cluster.name', from_attribute: 'cluster', action: 'upsert' },
              { key: 'cluster', action: 'delete' },
            ],
          },
          'processors.resource',
        ),
      ),
      resourceOut.consumer,
      'traces',
    );
    resource.consume([spanWith({ attributes: [str('service.name', 'cart'), str('cluster', 'demo')] })]);
    expect(attributesToJson((resourceOut.items[0] as OtlpSpanItem).resource.attributes)).toEqual({
      'service.name': 'renamed',
      'cloud.region': 'us-west-2',
      'k8s.cluster.name': 'demo',
    });
    const attributesOut = collect<unknown>();
    const attributes = new AttributesProcessor(
      readAttributesProcessorSettings(
        new Settings(
          {
            actions: [
              { key: 'code', action: 'convert', converted_type: 'int' },
              { key: 'env', value: 'prod', action: 'upsert' },
            ],
          },
          'processors.attributes',
        ),
      ),
      attributesOut.consumer,
      'metrics',
    );
    attributes.consume([
      {
        name: 'up',
        family: 'up',
        type: 'gauge',
        labels: { job: 'j', instance: 'i', code: '200' },
        value: 1,
        timestampMs: 1,
      },
    ]);
    expect((attributesOut.items[0] as MetricSample).labels).toEqual({
      code: '200',
      env: 'prod',
      job: 'j',
      instance: 'i',
    });
    expect(() =>
      readAttributesProcessorSettings(
        new Settings({ actions: [{ key: 'a', action: 'hash' }] }, 'processors.attributes'),
      ),
    ).toThrow('the action "hash" is not supported by the bundled collector runtime');
  });
});
