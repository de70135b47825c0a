import type { AdotError } from '../../core/errors.js';
import { countChanges, type Step } from '../../core/plan/steps.js';
import type { Output } from '../../ports.js';
import { failingChecks, formatCheck, type DoctorRequest, type RunDoctor } from './prerequisites.js';
import { stepLines } from './report.js';

/**
 * After a failure that may follow changes: what was changed, what failed, and (unless interrupted) the failing
 * doctor checks, which usually name the cause and its fix.
 */
export async function reportFailure(input: {
  output: Output;
  done: readonly Step[];
  failed: { resource: string };
  error: AdotError;
  /** --sandbox: what changed is gone with the sandbox, so there is nothing to resume */
  throwAwaySandbox?: boolean;
  runDoctor?: RunDoctor | undefined;
  doctorRequest?: DoctorRequest | undefined;
}): Promise<void> {
  const { output, done, failed, error } = input;
  const changed = done.filter((step) => step.action !== 'none' && step.action !== 'skipped');
  output.error(`${failed.resource}: ${error.message}`);
  if (error.hint !== undefined) output.info(`hint: ${error.hint}`);
  output.info(
    countChanges(done) === 0
      ? 'Nothing was changed before the failure.'
      : [
          input.throwAwaySandbox === true
            ? 'Changed before the failure (in the throw-away sandbox, gone now with this command):'
            : 'Changed before the failure (a re-run resumes from here):',
          ...stepLines(changed),
        ].join('\n'),
  );
  if (error.kind === 'interrupted' || input.runDoctor === undefined || input.doctorRequest === undefined) return;
  try {
    const { checks } = await input.runDoctor(input.doctorRequest);
    const failing = failingChecks(checks);
    if (failing.length > 0)
      output.info(['Failing doctor checks:', ...failing.map((c) => `  ${formatCheck(c)}`)].join('\n'));
  } catch (doctorError) {
    output.verbose(`doctor could not run: ${doctorError instanceof Error ? doctorError.message : String(doctorError)}`);
  }
}
