import { failure } from '../../core/errors.js';
import type { Target } from '../../core/targets.js';
import type { CheckId } from '../../core/checks/types.js';

/** The slice of a doctor document install reads (src/app/doctor.ts produces it). */
export interface DoctorCheckResult {
  id: CheckId;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  message: string;
  hint?: string | undefined;
}

export interface DoctorRequest {
  cluster: string;
  pre: boolean;
  targets: Target[];
  addonVersion?: string | undefined;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  roleName: string;
}

/** Runs doctor; injected by the command so the use-case does not build doctor's dependencies itself. */
export type RunDoctor = (request: DoctorRequest) => Promise<{ checks: DoctorCheckResult[] }>;

export function failingChecks(checks: readonly DoctorCheckResult[]): DoctorCheckResult[] {
  return checks.filter((check) => check.status === 'fail');
}

export function formatCheck(check: DoctorCheckResult): string {
  return `✗ ${check.id}: ${check.message}${check.hint === undefined ? '' : `\n    hint: ${check.hint}`}`;
}

/** doctor --pre: any failing check stops the install before its first change. */
export async function requirePrerequisites(runDoctor: RunDoctor, request: Omit<DoctorRequest, 'pre'>): Promise<number> {
  const { checks } = await runDoctor({ ...request, pre: true });
  const failing = failingChecks(checks);
  if (failing.length > 0) {
    throw failure(
      'PrerequisitesFailed',
      `Prerequisites not met, nothing was changed:\n${failing.map((check) => `  ${formatCheck(check)}`).join('\n')}`,
      {
        hint: `adot doctor --pre --cluster ${request.cluster}   # every pre-install check, with observed and expected values`,
        details: { failingChecks: failing.map((check) => check.id) },
      },
    );
  }
  return checks.filter((check) => check.status === 'pass').length;
}
