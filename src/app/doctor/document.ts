/** The doctor JSON document (docs/contract.md "JSON output"). */
import { summarize } from '../../core/checks/runner.js';
import type { CheckCategory, CheckId, CheckResult, CheckStatus } from '../../core/checks/types.js';

export interface DoctorCheckEntry {
  id: CheckId;
  category: CheckCategory;
  title: string;
  status: CheckStatus;
  message: string;
  observed?: string;
  expected?: string;
  hint?: string;
  durationMs: number;
}

export interface DoctorDocument {
  schemaVersion: 1;
  ok: boolean;
  cluster: string;
  summary: { pass: number; warn: number; fail: number; skip: number };
  checks: DoctorCheckEntry[];
}

export function doctorDocument(cluster: string, results: readonly CheckResult[]): DoctorDocument {
  const summary = summarize(results);
  return {
    schemaVersion: 1,
    ok: summary.fail === 0,
    cluster,
    summary,
    checks: results.map((r) => ({
      id: r.id,
      category: r.category,
      title: r.title,
      status: r.status,
      message: r.message,
      ...(r.observed !== undefined ? { observed: r.observed } : {}),
      ...(r.expected !== undefined ? { expected: r.expected } : {}),
      ...(r.hint !== undefined ? { hint: r.hint } : {}),
      durationMs: r.durationMs,
    })),
  };
}
