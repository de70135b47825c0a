import { delimiter } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_TIMEOUT_MS } from '../core/defaults.js';
import type { OutputFormat } from '../ports.js';
import { formatDuration, parseDuration } from '../core/duration.js';

/** Global options after flags and environment variables are merged (flags win). */
export interface GlobalOptions {
  cluster?: string;
  region?: string;
  profile?: string;
  /** kubeconfig files, in order (KUBECONFIG may list several) */
  kubeconfig?: string[];
  context?: string;
  output: OutputFormat;
  yes: boolean;
  /** false under --no-color; NO_COLOR / FORCE_COLOR / terminals are weighed later by src/ui/color.ts */
  color: boolean;
  timeoutMs?: number;
  verbose: boolean;
  sandbox: boolean;
  sandboxScenario?: string;
}

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'yaml', 'short'];

interface GlobalOptionSpec {
  key: keyof GlobalOptions;
  flags: string;
  description: string;
  /** environment variables consulted, in order, when the flag is absent */
  env?: readonly string[];
  parse?: (value: string) => unknown;
  choices?: readonly string[];
  /** what applies when the flag is absent, for help (the value itself is applied where it is used) */
  defaultNote?: string;
  hidden?: boolean;
}

/** The one table of global options: commander options, help text and environment fallbacks all come from it. */
export const GLOBAL_OPTIONS: readonly GlobalOptionSpec[] = [
  { key: 'cluster', flags: '--cluster <name>', description: 'EKS cluster name', env: ['ADOT_CLUSTER'] },
  { key: 'region', flags: '--region <region>', description: 'AWS region', env: ['AWS_REGION', 'AWS_DEFAULT_REGION'] },
  { key: 'profile', flags: '--profile <name>', description: 'AWS named profile', env: ['AWS_PROFILE'] },
  {
    key: 'kubeconfig',
    flags: '--kubeconfig <paths>',
    description: `kubeconfig file(s), '${delimiter}'-separated`,
    env: ['KUBECONFIG'],
    parse: parsePathList,
  },
  { key: 'context', flags: '--context <name>', description: 'kubeconfig context to use' },
  {
    key: 'output',
    flags: '-o, --output <format>',
    description: 'output format (each command lists the ones it accepts)',
    choices: OUTPUT_FORMATS,
  },
  { key: 'yes', flags: '-y, --yes', description: 'answer yes to confirmations and never prompt' },
  { key: 'color', flags: '--no-color', description: 'no colours (also NO_COLOR; FORCE_COLOR forces them)' },
  {
    key: 'timeoutMs',
    flags: '--timeout <duration>',
    description: 'deadline for the waits of install and uninstall, e.g. 90s, 5m, 1h30m or seconds',
    defaultNote: formatDuration(DEFAULT_TIMEOUT_MS),
    parse: parseTimeout,
  },
  {
    key: 'verbose',
    flags: '-v, --verbose',
    description: 'more detail on stderr (and stack traces of internal errors)',
  },
  { key: 'sandbox', flags: '--sandbox', description: 'run against a fresh throw-away in-process sandbox' },
  {
    key: 'sandboxScenario',
    flags: '--sandbox-scenario <name>',
    description: 'scenario of the --sandbox sandbox (see `adot sandbox scenarios`)',
  },
];

function parsePathList(value: string): string[] {
  return value.split(delimiter).filter((path) => path !== '');
}

function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('expected a duration such as 90s, 5m, 1h30m or plain seconds.');
  return ms;
}

/** Adds the global options to the root command. */
export function addGlobalOptions(program: Command): void {
  for (const spec of GLOBAL_OPTIONS) {
    const envNote = spec.env === undefined ? '' : ` (env: ${spec.env.join(', ')})`;
    const defaultNote = spec.defaultNote === undefined ? '' : ` (default: ${spec.defaultNote})`;
    const option = new Option(spec.flags, spec.description + envNote + defaultNote);
    if (spec.choices) option.choices(spec.choices);
    if (spec.parse) option.argParser(spec.parse);
    if (spec.hidden) option.hideHelp();
    program.addOption(option);
  }
}

/** Merges what commander parsed on the root command with the environment: a flag wins over its variables. */
export function resolveGlobalOptions(
  parsed: Record<string, unknown>,
  env: Record<string, string | undefined>,
): GlobalOptions {
  const merged: Record<string, unknown> = {};
  for (const spec of GLOBAL_OPTIONS) {
    let value = parsed[new Option(spec.flags).attributeName()];
    if (value === undefined && spec.env) {
      const name = spec.env.find((candidate) => (env[candidate] ?? '') !== '');
      if (name !== undefined) value = spec.parse ? spec.parse(env[name] ?? '') : env[name];
    }
    if (value !== undefined) merged[spec.key] = value;
  }
  return {
    ...merged,
    output: (merged['output'] as OutputFormat | undefined) ?? 'text',
    yes: merged['yes'] === true,
    color: merged['color'] !== false,
    verbose: merged['verbose'] === true,
    sandbox: merged['sandbox'] === true,
  } as GlobalOptions;
}
