/**
 * `kubectl rollout status` for DaemonSets and StatefulSets, as kubectl judges and words it
 * (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go).
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/ports.js';
import { daemonSetRolloutOf, statefulSetRolloutOf } from '../../src/core/workload-rollout.js';

function workload(kind: string, generation: number, spec: object, status: object): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'c-collector', namespace: 'default', generation },
    spec,
    status,
  };
}

describe('daemonSetRolloutOf', () => {
  const daemonSet = (status: object, generation = 2) => workload('DaemonSet', generation, {}, status);

  it('waits for the spec to be observed, then for updated and available pods', () => {
    expect(daemonSetRolloutOf('c-collector', daemonSet({ observedGeneration: 1 })).message).toBe(
      'Waiting for daemon set spec update to be observed...',
    );
    expect(
      daemonSetRolloutOf(
        'c-collector',
        daemonSet({ observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 1 }),
      ),
    ).toMatchObject({
      complete: false,
      message: 'Waiting for daemon set "c-collector" rollout to finish: 1 out of 2 new pods have been updated...',
    });
    expect(
      daemonSetRolloutOf(
        'c-collector',
        daemonSet({ observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1 }),
      ).message,
    ).toBe('Waiting for daemon set "c-collector" rollout to finish: 1 of 2 updated pods are available...');
  });

  it('is rolled out when every scheduled pod is updated and available', () => {
    const status = { observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2 };
    expect(daemonSetRolloutOf('c-collector', daemonSet(status))).toEqual({
      complete: true,
      desired: 2,
      updated: 2,
      ready: 0,
      available: 2,
      message: 'daemon set "c-collector" successfully rolled out',
    });
  });
});

describe('statefulSetRolloutOf', () => {
  const statefulSet = (status: object, spec: object = { replicas: 1 }, generation = 1) =>
    workload('StatefulSet', generation, spec, status);

  it('waits for the spec to be observed (observedGeneration 0 included) and for ready pods', () => {
    expect(statefulSetRolloutOf(statefulSet({})).message).toBe('Waiting for statefulset spec update to be observed...');
    expect(statefulSetRolloutOf(statefulSet({ observedGeneration: 1, readyReplicas: 0 }))).toMatchObject({
      complete: false,
      message: 'Waiting for 1 pods to be ready...',
    });
  });

  it('waits for the update revision, then is complete', () => {
    const rolling = { observedGeneration: 1, readyReplicas: 1, updatedReplicas: 1, currentReplicas: 1 };
    expect(
      statefulSetRolloutOf(statefulSet({ ...rolling, currentRevision: 'c-1', updateRevision: 'c-2' })).message,
    ).toBe('waiting for statefulset rolling update to complete 1 pods at revision c-2...');
    expect(
      statefulSetRolloutOf(statefulSet({ ...rolling, currentRevision: 'c-2', updateRevision: 'c-2' })),
    ).toMatchObject({
      complete: true,
      message: 'statefulset rolling update complete 1 pods at revision c-2...',
    });
  });

  it('judges a partitioned rolling update by the pods past the partition', () => {
    const spec = { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } };
    const status = { observedGeneration: 1, readyReplicas: 3 };
    expect(statefulSetRolloutOf(statefulSet({ ...status, updatedReplicas: 1 }, spec)).message).toBe(
      'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...',
    );
    expect(statefulSetRolloutOf(statefulSet({ ...status, updatedReplicas: 2 }, spec))).toMatchObject({
      complete: true,
      message: 'partitioned roll out complete: 2 new pods have been updated...',
    });
  });
});
