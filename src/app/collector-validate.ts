/**
 * `adot collector validate --config FILE`: what `otelcol validate` does for the bundled runtime. Exit 0 when
 * `adot collector run` would run the configuration (warnings allowed, on stderr), 1 with every problem listed
 * (path, message, hint), 2 for a file that cannot be read or is not YAML. Environment references resolve against
 * the process environment and `--set-env NAME=VALUE`; a reference to a variable that is not set (and has no default)
 * is a problem here, where `collector run` would only warn.
 */
import { readFile } from 'node:fs/promises';
import {
  ENV_NAME_PATTERN,
  isError,
  parseCollectorConfig,
  reviewCollectorConfig,
  type ConfigProblem,
} from '../core/collector-config.js';
import { usageError, type ExitStatus } from '../core/errors.js';
import type { Output } from '../ports.js';
import { setVariables } from '../collector/config/expand.js';
import { runtimeProblems } from '../collector/runtime/check.js';

export interface CollectorValidateOptions {
  configFile: string;
  /** --set-env NAME=VALUE entries */
  setEnv: string[];
  env: Record<string, string | undefined>;
}

export interface ValidationProblem {
  path: string;
  message: string;
  hint?: string;
  severity: 'error' | 'warning';
}

export interface ValidationDocument {
  schemaVersion: 1;
  ok: boolean;
  problems: ValidationProblem[];
}

export function parseSetEnv(entries: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    const name = equals < 0 ? entry : entry.slice(0, equals);
    if (equals < 0 || !ENV_NAME_PATTERN.test(name)) {
      throw usageError('InvalidSetEnv', `--set-env "${entry}" is not NAME=VALUE`, {
        hint: 'e.g. --set-env CLUSTER_NAME=demo (names: letters, digits and _, not starting with a digit)',
      });
    }
    values[name] = entry.slice(equals + 1);
  }
  return values;
}

/** Every problem of the configuration text, as validate reports them (no exception for configuration problems). */
export function validateConfigText(
  text: string,
  env: Record<string, string | undefined>,
): ValidationProblem[] | 'not-yaml' {
  const parsed = parseCollectorConfig(text);
  if (parsed.syntaxError === true) return 'not-yaml';
  if (parsed.config === undefined) return parsed.problems.map(withSeverity);
  const review = reviewCollectorConfig(parsed.config, {
    environment: setVariables(env),
    unsetSeverity: 'error',
    environmentSource: 'the environment (or --set-env)',
  });
  const problems = review.problems.map(withSeverity);
  // what the runtime would refuse besides, where the checks above have not already said something about that key
  const reported = problems.filter((problem) => problem.severity === 'error').map((problem) => problem.path);
  const covered = (path: string) =>
    reported.some((done) => path === done || path.startsWith(`${done}.`) || done.startsWith(`${path}.`));
  problems.push(
    ...runtimeProblems(review.expanded, env)
      .filter((problem) => !covered(problem.path))
      .map(withSeverity),
  );
  return problems;
}

function withSeverity(problem: ConfigProblem): ValidationProblem {
  return {
    path: problem.path,
    message: problem.message,
    ...(problem.hint === undefined ? {} : { hint: problem.hint }),
    severity: isError(problem) ? 'error' : 'warning',
  };
}

export async function collectorValidate(
  system: { output: Output },
  options: CollectorValidateOptions,
): Promise<ExitStatus> {
  const env = { ...options.env, ...parseSetEnv(options.setEnv) };
  let text: string;
  try {
    text = await readFile(options.configFile, 'utf8');
  } catch (error) {
    throw usageError(
      'ConfigFileUnreadable',
      `Cannot read ${options.configFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { hint: 'Pass --config with the path of a collector configuration (YAML)' },
    );
  }
  const result = validateConfigText(text, env);
  if (result === 'not-yaml') {
    const syntax = parseCollectorConfig(text).problems[0];
    throw usageError(
      'ConfigNotYaml',
      `${options.configFile} is not YAML${syntax === undefined ? '' : `: ${syntax.path}: ${syntax.message}`}`,
      { hint: 'Pass a collector configuration: the YAML an OpenTelemetryCollector holds in spec.config' },
    );
  }
  const ok = !result.some((problem) => problem.severity === 'error');
  const { output } = system;
  if (output.format === 'text') {
    for (const problem of result) {
      const line = `${options.configFile}: ${problem.path || '(root)'}: ${problem.message}`;
      const hint = problem.hint === undefined ? '' : `\n  hint: ${problem.hint}`;
      if (problem.severity === 'error') output.error(`${line}${hint}`);
      else output.warn(`${line}${hint}`);
    }
  }
  const document: ValidationDocument = { schemaVersion: 1, ok, problems: result };
  const errors = result.filter((problem) => problem.severity === 'error').length;
  const warnings = result.length - errors;
  output.result(document, () =>
    ok
      ? `${options.configFile}: the bundled collector would run this configuration${warnings > 0 ? ` (${warnings} warning(s))` : ''}`
      : `${options.configFile}: ${errors} problem(s)${warnings > 0 ? `, ${warnings} warning(s)` : ''}`,
  );
  return ok ? 0 : 1;
}
