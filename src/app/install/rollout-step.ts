import type { RolloutStatus } from '../../ports.js';
import { timeoutError } from '../../core/errors.js';
import type { OperationDeps } from './deps.js';
import type { StepDefinition } from './runner.js';
import { seconds } from './addon-steps.js';

/** Rollouts settle in seconds: poll from 250 ms, backing off to 2 s. */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2000;

/**
 * Waits until the operator's Deployment for the collector is rolled out (it may not exist yet right after the
 * collector resource is applied: the operator makes it).
 */
export function rolloutStep(
  deps: OperationDeps,
  input: { namespace: string; deployment: string; deadline: number; signal?: AbortSignal | undefined },
): StepDefinition {
  return {
    id: 'collector-rollout',
    resource: `Deployment ${input.namespace}/${input.deployment} rollout`,
    plan: async () => ({ action: 'none', detail: 'wait until available' }),
    alwaysApply: true,
    async apply() {
      const started = deps.clock.now();
      let delay = FIRST_DELAY_MS;
      let last: RolloutStatus | undefined;
      for (;;) {
        last = await deps.kube().rolloutStatus(input.namespace, input.deployment);
        if (last?.complete === true) {
          return {
            action: 'none',
            detail: `${last.available}/${last.desired} available after ${seconds(deps.clock.now() - started)}`,
          };
        }
        const remaining = input.deadline - deps.clock.now();
        if (remaining <= 0) {
          throw timeoutError(
            'RolloutTimeout',
            `Deployment ${input.namespace}/${input.deployment} not rolled out: ${
              last === undefined
                ? 'it does not exist (is the operator running?)'
                : `${last.available}/${last.desired} available${last.message ? `: ${last.message}` : ''}`
            }`,
            { hint: `kubectl -n ${input.namespace} describe deployment ${input.deployment}` },
          );
        }
        await deps.clock.sleep(Math.min(delay, remaining), input.signal);
        delay = Math.min(MAX_DELAY_MS, delay * 2);
      }
    },
  };
}
