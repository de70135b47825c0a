import { describe, expect, it } from 'vitest';
import { collectorsOf } from '../../src/app/doctor/facts.js';
import type { Fact } from '../../src/core/checks/types.js';
import type { KubeObject } from '../../src/ports.js';

function collector(apiVersion: string, uid: string, config: unknown): KubeObject {
  return {
    apiVersion,
    kind: 'OpenTelemetryCollector',
    metadata: { name: `c-${uid}`, namespace: 'aws-otel-eks', uid },
    spec: { config },
  };
}

const ok = (value: KubeObject[]): Fact<KubeObject[]> => ({ ok: true, value });
const failed: Fact<KubeObject[]> = {
  ok: false,
  error: { code: 'InternalError', message: 'conversion webhook failed' },
};

describe("doctor's collectors: v1beta1 where served, v1alpha1 otherwise", () => {
  it('lists each collector once, in v1beta1 when both versions answer', () => {
    const beta = collector('opentelemetry.io/v1beta1', '1', { receivers: {} });
    const alpha = collector('opentelemetry.io/v1alpha1', '1', 'receivers: {}');
    expect(collectorsOf(ok([beta]), ok([alpha]))).toEqual(ok([beta]));
  });

  it('an add-on that serves only v1alpha1 lists nothing in v1beta1: the v1alpha1 list stands', () => {
    const alpha = collector('opentelemetry.io/v1alpha1', '1', 'receivers: {}');
    expect(collectorsOf(ok([]), ok([alpha]))).toEqual(ok([alpha]));
  });

  it('when v1beta1 cannot be listed (a collector that does not convert), the v1alpha1 list is read as written', () => {
    const alpha = collector('opentelemetry.io/v1alpha1', '1', 'receivers: [unclosed');
    expect(collectorsOf(failed, ok([alpha]))).toEqual(ok([alpha]));
    expect(collectorsOf(failed, failed)).toEqual(failed);
    expect(collectorsOf(ok([]), failed)).toEqual(ok([]));
  });
});
