/**
 * Runs checks over one snapshot of facts, in dependency order, timing each. A check whose dependency failed or
 * was skipped is skipped with the reason, so one root cause is reported once — unless the dependency was skipped
 * because it does not apply to this setup (CheckOutcome.notApplicable: an IRSA check under EKS Pod Identity).
 * Generic over the id type: doctor's checks name CheckIds (a misspelled dependency does not compile); the runner
 * itself only needs every dependency to be among the checks it is given, and throws when one is not.
 */
import type { CheckOutcome, CheckResult, DoctorContext, DoctorFacts, RunnableCheck } from './types.js';

export const PRE_SKIP_REASON = 'not installed yet (--pre)';

export function runChecks<Id extends string>(
  checks: readonly RunnableCheck<Id>[],
  facts: DoctorFacts,
  context: DoctorContext,
  now: () => number = () => performance.now(),
): CheckResult<Id>[] {
  const results = new Map<Id, CheckResult<Id>>();
  for (const check of orderByDependencies(checks)) {
    const started = now();
    const outcome = outcomeOf(check, facts, context, results);
    results.set(check.id, {
      id: check.id,
      category: check.category,
      title: check.title,
      ...outcome,
      durationMs: Math.max(0, Math.round((now() - started) * 1000) / 1000),
    });
  }
  return checks.map((check) => results.get(check.id)!);
}

function outcomeOf<Id extends string>(
  check: RunnableCheck<Id>,
  facts: DoctorFacts,
  context: DoctorContext,
  earlier: ReadonlyMap<Id, CheckResult<Id>>,
): CheckOutcome {
  if (context.pre && !check.appliesToPre) return { status: 'skip', message: `skipped: ${PRE_SKIP_REASON}` };
  for (const dependency of check.dependsOn) {
    const result = earlier.get(dependency);
    if (result === undefined) continue;
    if (result.status === 'fail') return { status: 'skip', message: `skipped: ${dependency} failed` };
    if (result.status === 'skip' && result.notApplicable !== true) {
      return { status: 'skip', message: `skipped: ${dependency} was skipped` };
    }
  }
  try {
    return check.run(facts, context);
  } catch (error) {
    // a bug in one check must not hide the others
    return {
      status: 'fail',
      message: `internal error in check: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/**
 * Topological order, stable with respect to the given order. A dependency that is not among the checks is a bug in
 * the check list (doctor's own ids are checked by the compiler), so it throws rather than being ignored.
 */
export function orderByDependencies<Item extends RunnableCheck<string>>(checks: readonly Item[]): Item[] {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const ordered: Item[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (check: Item): void => {
    const seen = state.get(check.id);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`dependency cycle at check ${check.id}`);
    state.set(check.id, 'visiting');
    for (const dependency of check.dependsOn) {
      const target = byId.get(dependency);
      if (target === undefined) {
        throw new Error(`check ${check.id} depends on ${dependency}, which is not among the checks`);
      }
      visit(target);
    }
    state.set(check.id, 'done');
    ordered.push(check);
  };
  checks.forEach(visit);
  return ordered;
}

/** pass/warn/fail/skip counts */
export function summarize(results: readonly CheckResult[]): { pass: number; warn: number; fail: number; skip: number } {
  const summary = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const result of results) summary[result.status] += 1;
  return summary;
}
