import { formatElapsed } from '../../core/elapsed.js';
import { timeoutError } from '../../core/errors.js';
import { daemonSetReadiness } from '../../core/identity/pod-identity-agent.js';
import type { OperationDeps } from './deps.js';
import type { StepDefinition } from './runner.js';
import { seconds } from './addon-steps.js';

/** Rollouts settle in seconds: poll from 250 ms, backing off to 2 s. */
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 2000;

interface Progress {
  complete: boolean;
  /** e.g. "1/1 available" */
  summary: string;
  message: string;
}

async function progressOf(
  deps: OperationDeps,
  kind: 'Deployment' | 'DaemonSet',
  namespace: string,
  name: string,
): Promise<Progress | undefined> {
  if (kind === 'Deployment') {
    const status = await deps.kube().rolloutStatus(namespace, name);
    return status === undefined
      ? undefined
      : {
          complete: status.complete,
          summary: `${status.available}/${status.desired} available`,
          message: status.message,
        };
  }
  const daemonSet = await deps.kube().get({ apiVersion: 'apps/v1', kind: 'DaemonSet', name, namespace });
  if (daemonSet === undefined) return undefined;
  const readiness = daemonSetReadiness(daemonSet);
  return { complete: readiness.ready, summary: readiness.message, message: readiness.message };
}

/**
 * Waits until the operator's Deployment (or DaemonSet, for a daemonset-mode collector) for a collector is rolled out
 * (it may not exist yet right after the collector resource is applied: the operator makes it).
 */
export function rolloutStep(
  deps: OperationDeps,
  input: {
    namespace: string;
    deployment: string;
    kind?: 'Deployment' | 'DaemonSet';
    id?: string;
    deadline: number;
    signal?: AbortSignal | undefined;
  },
): StepDefinition {
  const kind = input.kind ?? 'Deployment';
  const where = `${input.namespace}/${input.deployment}`;
  return {
    id: input.id ?? 'collector-rollout',
    resource: `${kind} ${where} rollout`,
    plan: async () => ({ action: 'none', detail: kind === 'Deployment' ? 'wait until available' : 'wait until ready' }),
    alwaysApply: true,
    async apply() {
      const started = deps.clock.now();
      let delay = FIRST_DELAY_MS;
      for (;;) {
        const last = await progressOf(deps, kind, input.namespace, input.deployment);
        if (last?.complete === true) {
          return { action: 'none', detail: `${last.summary} after ${seconds(deps.clock.now() - started)}` };
        }
        const remaining = input.deadline - deps.clock.now();
        if (remaining <= 0) {
          throw timeoutError(
            'RolloutTimeout',
            `${kind} ${where} not rolled out after ${formatElapsed(deps.clock.now() - started)}: ${
              last === undefined
                ? 'it does not exist (is the operator running?)'
                : `${last.summary}${last.message && last.message !== last.summary ? `: ${last.message}` : ''}`
            }`,
            { hint: `kubectl -n ${input.namespace} describe ${kind.toLowerCase()} ${input.deployment}` },
          );
        }
        await deps.clock.sleep(Math.min(delay, remaining), input.signal);
        delay = Math.min(MAX_DELAY_MS, delay * 2);
      }
    },
  };
}
