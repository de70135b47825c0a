import { describe, expect, it } from 'vitest';
import { closestName } from '../../src/core/collector-config/closest.js';
import { reviewCollectorConfig } from '../../src/core/collector-config/validate.js';
import type { CollectorConfig } from '../../src/core/collector-config.js';

describe('did you mean: the closest known component type', () => {
  const processors = ['batch', 'filter', 'groupbytrace', 'tail_sampling', 'k8sattributes', 'memory_limiter'];

  it('finds the known type a misspelling stands for, and nothing for an unrelated name', () => {
    expect(closestName('tailsampling', processors)).toBe('tail_sampling');
    expect(closestName('tail-sampling', processors)).toBe('tail_sampling');
    expect(closestName('group_by_trace', processors)).toBe('groupbytrace');
    expect(closestName('k8sattribute', processors)).toBe('k8sattributes');
    expect(closestName('batcher', processors)).toBe('batch');
    expect(closestName('spanmetrics', processors)).toBeUndefined();
  });

  it("the configuration checks say it for an unknown type: the k8s-attr-processor page's `tailsampling`", () => {
    const config = {
      receivers: { otlp: { protocols: { http: null } } },
      processors: { tailsampling: { policies: [] } },
      exporters: { debug: null },
      extensions: {},
      service: { pipelines: { traces: { receivers: ['otlp'], processors: ['tailsampling'], exporters: ['debug'] } } },
    } as unknown as CollectorConfig;
    const problem = reviewCollectorConfig(config).problems.find((found) => found.path === 'processors.tailsampling');
    expect(problem?.message).toBe('Unknown processor type "tailsampling"');
    expect(problem?.hint).toMatch(/^Did you mean tail_sampling\? Known processors: /);
  });
});
