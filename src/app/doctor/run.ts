/**
 * One doctor run: gather facts, run the checks, and under --wait repeat until every retryable check passes or the
 * deadline comes. Each round re-gathers all facts and re-runs every check (one parallel round of calls is cheap),
 * so the report always describes one consistent snapshot and checks skipped behind a now-ready dependency run too;
 * only retryable checks decide whether another round is worth it.
 */
import { ALL_CHECKS } from '../../core/checks/index.js';
import { runChecks } from '../../core/checks/runner.js';
import type { Check, CheckId, CheckResult, DoctorContext, DoctorFacts } from '../../core/checks/types.js';
import type { Clock } from '../../ports.js';
import { gatherFacts, type FactSources } from './facts.js';

export const WAIT_FIRST_DELAY_MS = 1_000;
export const WAIT_MAX_DELAY_MS = 5_000;

export interface DoctorRun {
  results: CheckResult[];
  facts: DoctorFacts;
  rounds: number;
  /** under --wait: the deadline came with retryable checks still failing or warning */
  gaveUp?: { afterMs: number; pending: CheckId[] };
}

function waitingOn(results: readonly CheckResult[], checks: readonly Check[]): CheckResult[] {
  const retryable = new Set(checks.filter((c) => c.retryable).map((c) => c.id));
  return results.filter((r) => retryable.has(r.id) && (r.status === 'warn' || r.status === 'fail'));
}

export async function runDoctor(
  sources: FactSources & { clock: Clock },
  context: DoctorContext,
  options: {
    waitMs?: number;
    signal?: AbortSignal;
    onRetry?: (pending: CheckId[], delayMs: number) => void;
    checks?: readonly Check[];
  } = {},
): Promise<DoctorRun> {
  const checks = options.checks ?? ALL_CHECKS;
  const started = sources.clock.now();
  const deadline = options.waitMs === undefined ? undefined : started + options.waitMs;
  let delay = WAIT_FIRST_DELAY_MS;
  let rounds = 0;
  for (;;) {
    const facts = await gatherFacts(sources, context);
    const results = runChecks(checks, facts, context);
    rounds += 1;
    const pending = waitingOn(results, checks);
    if (deadline === undefined || pending.length === 0) return { results, facts, rounds };
    const left = deadline - sources.clock.now();
    if (left <= 0) {
      const gaveUp = { afterMs: sources.clock.now() - started, pending: pending.map((r) => r.id) };
      return { results, facts, rounds, gaveUp };
    }
    const pause = Math.min(delay, left);
    options.onRetry?.(
      pending.map((r) => r.id),
      pause,
    );
    await sources.clock.sleep(pause, options.signal);
    delay = Math.min(delay * 2, WAIT_MAX_DELAY_MS);
  }
}
