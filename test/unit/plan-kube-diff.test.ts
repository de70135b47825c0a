import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/ports.js';
import { decideKubeObject, describeObject, driftPaths, refOf } from '../../src/core/plan/kube-diff.js';

const serviceAccount: KubeObject = {
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: {
    name: 'aws-otel-collector',
    namespace: 'aws-otel-eks',
    annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/EKS-ADOT-ServiceAccount-Role' },
  },
};

function live(object: KubeObject, extra: Record<string, unknown> = {}): KubeObject {
  return {
    ...structuredClone(object),
    ...extra,
    metadata: {
      ...structuredClone(object.metadata),
      uid: 'u-1',
      resourceVersion: '42',
      creationTimestamp: '2024-01-01T00:00:00Z',
      managedFields: [{ manager: 'adot' }],
      annotations: { ...object.metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    },
  };
}

describe('decideKubeObject', () => {
  it('creates an absent object', () => {
    expect(decideKubeObject(serviceAccount, undefined)).toEqual({ action: 'create', drift: [] });
  });

  it('does nothing when the live object has every field we set, whatever the server added', () => {
    expect(decideKubeObject(serviceAccount, live(serviceAccount, { secrets: [{ name: 'token' }] }))).toEqual({
      action: 'none',
      drift: [],
    });
  });

  it('updates when a field we set differs, naming the path', () => {
    const changed = live(serviceAccount);
    changed.metadata.annotations = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/Other' };
    expect(decideKubeObject(serviceAccount, changed)).toEqual({
      action: 'update',
      drift: ['metadata.annotations.eks.amazonaws.com/role-arn'],
    });
  });

  it('ignores the status of the desired object', () => {
    const desired: KubeObject = { ...serviceAccount, status: { phase: 'x' } };
    expect(decideKubeObject(desired, live(serviceAccount)).action).toBe('none');
  });

  it('compares arrays element by element and by length', () => {
    const role: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'otel-prometheus-role' },
      rules: [{ apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] }],
    };
    expect(decideKubeObject(role, live(role)).action).toBe('none');
    const fewer = live(role, { rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] }] });
    expect(decideKubeObject(role, fewer)).toEqual({ action: 'update', drift: ['rules[0].resources'] });
    const more = live(role, {
      rules: [...(role.rules as unknown[]), { apiGroups: ['x'], resources: ['y'], verbs: ['get'] }],
    });
    expect(decideKubeObject(role, more)).toEqual({ action: 'update', drift: ['rules'] });
  });
});

describe('driftPaths', () => {
  it('treats a scalar in place of a map as drift at that path', () => {
    expect(driftPaths({ spec: { config: 'a: 1' } }, { spec: 'oops' })).toEqual(['spec']);
    expect(driftPaths({ spec: { config: 'a: 1' } }, { spec: { config: 'a: 2' } })).toEqual(['spec.config']);
  });
});

describe('refOf / describeObject', () => {
  it('names namespaced and cluster-scoped objects', () => {
    expect(refOf(serviceAccount)).toEqual({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      name: 'aws-otel-collector',
      namespace: 'aws-otel-eks',
    });
    expect(describeObject(serviceAccount)).toBe('ServiceAccount aws-otel-eks/aws-otel-collector');
    expect(describeObject({ kind: 'Namespace', metadata: { name: 'aws-otel-eks' } })).toBe('Namespace aws-otel-eks');
  });
});
