/**
 * The problems of a collector resource's configuration as its container would run it: parse errors, and what the
 * configuration review finds with the variables the container gets (spec.env, and what the operator adds: POD_NAME,
 * SHARD; values from the pod and from Secrets are defined here but not known).
 */
import type { KubeObject } from '../../ports.js';
import { containerEnvironment, isError, reviewCollectorConfig, type ConfigProblem } from '../collector-config.js';
import { collectorConfigOf } from './collector-identity.js';

export interface CollectorReview {
  errors: ConfigProblem[];
  warnings: ConfigProblem[];
}

export function reviewCollectorResource(collector: KubeObject): CollectorReview {
  const { config, problems } = collectorConfigOf(collector);
  const spec = (collector.spec ?? {}) as Record<string, unknown>;
  const targetAllocator = spec['targetAllocator'] as Record<string, unknown> | undefined;
  const environment = containerEnvironment(spec['env'], {}, { targetAllocator: targetAllocator?.['enabled'] === true });
  const reviewed = config
    ? reviewCollectorConfig(config, {
        environment: environment.values,
        unsetSeverity: 'error',
        environmentSource: 'spec.env',
      }).problems
    : [];
  const all: ConfigProblem[] = [...problems, ...environment.problems, ...reviewed];
  return { errors: all.filter(isError), warnings: all.filter((problem) => !isError(problem)) };
}

export function problemsText(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('; ');
}
