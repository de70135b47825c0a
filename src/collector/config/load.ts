/**
 * From text (or a rendered template) to the configuration the runtime runs: checked first, exactly as adot checks
 * one before applying it (every problem names the path of the bad key), with the environment references resolved
 * against the environment the collector gets; then expanded.
 */
import {
  isError,
  parseCollectorConfig,
  reviewCollectorConfig,
  type CollectorConfig,
  type ConfigProblem,
} from '../../core/collector-config.js';
import { usageError, type AdotError } from '../../core/errors.js';
import { setVariables } from './expand.js';
import type { SettingsError } from './settings.js';

export interface PreparedConfig {
  config: CollectorConfig;
  /** variables referenced by the configuration but not set */
  unsetVariables: string[];
  /**
   * what the collector runs with but is probably not what was meant: references to unset variables, bare $NAME,
   * $1 meant as $$1
   */
  warnings: ConfigProblem[];
}

export function configProblemsError(problems: ConfigProblem[], source: string): AdotError {
  const first = problems[0];
  const list = problems.map((problem) => `  ${problem.path || '(root)'}: ${problem.message}`).join('\n');
  return usageError(
    'InvalidCollectorConfig',
    problems.length === 1 && first !== undefined
      ? `${source}: ${first.path || '(root)'}: ${first.message}`
      : `${source} has ${problems.length} problems:\n${list}`,
    { hint: first?.hint ?? 'Fix the configuration and run again', details: { problems } },
  );
}

export function settingsError(error: SettingsError, source: string): AdotError {
  return configProblemsError(
    [{ path: error.path, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) }],
    source,
  );
}

/** Parses, checks and expands collector configuration text; `source` names it in messages (the file name). */
export function prepareConfigText(
  text: string,
  source: string,
  env: Record<string, string | undefined>,
): PreparedConfig {
  const parsed = parseCollectorConfig(text);
  if (parsed.config === undefined || parsed.problems.length > 0) throw configProblemsError(parsed.problems, source);
  return prepareConfig(parsed.config, source, env);
}

export function prepareConfig(
  config: CollectorConfig,
  source: string,
  env: Record<string, string | undefined>,
): PreparedConfig {
  // an unset variable is a warning, as the collector logs one and runs (collector run lists them)
  const review = reviewCollectorConfig(config, {
    environment: setVariables(env),
    unsetSeverity: 'warning',
    environmentSource: 'the environment',
  });
  const errors = review.problems.filter(isError);
  if (errors.length > 0) throw configProblemsError(errors, source);
  const warnings = review.problems.filter((problem) => !isError(problem));
  return { config: review.expanded, unsetVariables: review.unset, warnings };
}
