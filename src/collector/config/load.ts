/**
 * From text (or a rendered template) to the configuration the runtime runs: validated first, exactly as adot
 * validates before applying one (every problem names the path of the bad key), then environment-expanded.
 */
import {
  parseCollectorConfig,
  validateCollectorConfig,
  type CollectorConfig,
  type ConfigProblem,
} from '../../core/collector-config.js';
import { usageError, type AdotError } from '../../core/errors.js';
import { expandEnvironment } from './expand.js';
import type { SettingsError } from './settings.js';

export interface PreparedConfig {
  config: CollectorConfig;
  /** variables referenced by the configuration but not set */
  unsetVariables: string[];
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

/** Parses, validates and expands collector configuration text; `source` names it in messages (the file name). */
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
  const problems = validateCollectorConfig(config);
  if (problems.length > 0) throw configProblemsError(problems, source);
  const expanded = expandEnvironment(config, env);
  return { config: expanded.value as CollectorConfig, unsetVariables: expanded.unset };
}
