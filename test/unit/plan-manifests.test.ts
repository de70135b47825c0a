import { describe, expect, it } from 'vitest';
import {
  addonRbacObjects,
  collectorDeploymentName,
  collectorObject,
  namespaceObject,
  prometheusRbacObjects,
  serviceAccountObject,
} from '../../src/core/plan/manifests.js';
import type { TemplateValues } from '../../src/core/templates/index.js';

const values: TemplateValues = {
  region: 'us-east-1',
  clusterName: 'demo',
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
  collectorName: 'observability',
  ampWorkspaceId: 'ws-0123abcd-4567-89ef-0123-456789abcdef',
};

describe('install manifests', () => {
  it('gives every add-on RBAC object its own step id', () => {
    const objects = addonRbacObjects();
    const ids = objects.map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        'addon-rbac.clusterrole',
        'addon-rbac.clusterrolebinding',
        'addon-rbac.role',
        'addon-rbac.rolebinding',
      ]),
    );
    expect(objects.find((o) => o.object.kind === 'ClusterRole')?.object.metadata.name).toBe('eks:addon-manager-otel');
  });

  it('renders ONE collector for xray and amp together', () => {
    const collectors = collectorObject(['amp', 'xray'], values);
    expect(collectors).toHaveLength(1);
    expect(collectors[0]).toMatchObject({
      id: 'collector',
      object: { kind: 'OpenTelemetryCollector', metadata: { name: 'observability', namespace: 'aws-otel-eks' } },
    });
    const config = String((collectors[0]!.object.spec as { config: unknown }).config);
    expect(config).toContain('awsxray');
    expect(config).toContain('prometheusremotewrite');
  });

  it('adds the Prometheus receiver RBAC only for metrics targets', () => {
    expect(prometheusRbacObjects(['xray'], values)).toEqual([]);
    const rbac = prometheusRbacObjects(['cloudwatch'], values);
    expect(rbac.map((o) => o.id)).toEqual(['prometheus-rbac.clusterrole', 'prometheus-rbac.clusterrolebinding']);
  });

  it('annotates the service account with the role ARN, in the namespace', () => {
    const arn = 'arn:aws:iam::123456789012:role/EKS-ADOT-ServiceAccount-Role';
    const [sa] = serviceAccountObject(values, arn);
    expect(sa?.id).toBe('service-account');
    expect(sa?.object.metadata).toMatchObject({
      name: 'aws-otel-collector',
      namespace: 'aws-otel-eks',
      annotations: { 'eks.amazonaws.com/role-arn': arn },
    });
    expect(namespaceObject(values)[0]).toMatchObject({
      id: 'namespace',
      object: { kind: 'Namespace', metadata: { name: 'aws-otel-eks' } },
    });
    expect(collectorDeploymentName('observability')).toBe('observability-collector');
  });
});
