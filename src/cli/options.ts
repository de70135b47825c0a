/**
 * Each command's options, declared once as a table: the table adds them to commander (help and shell completion read
 * commander) and, in the handler, turns what commander collected into typed values through the parsers of
 * ./parsers.ts, loaded only then so that `adot --help` loads no validation code. A bad value is refused there, once,
 * with a usage error (exit 2) naming the flag; the use-cases receive values that are already valid.
 */
import { Option, type Command } from 'commander';
import type { Parsers } from './parsers.js';

type ParserName = keyof Parsers;
type ParsedBy<P extends ParserName> = ReturnType<Parsers[P]>;

interface Common {
  /** commander's flags, e.g. `--namespace <name>` */
  flags: string;
  description: string;
  hidden?: boolean;
  /** the long flag of an option this one cannot be given with */
  conflicts?: string;
}

/** `--flag <value>`: parsed by `parser`; `defaultText` (shown by help) is parsed like a given value. */
export interface ValueSpec<
  P extends ParserName = ParserName,
  D extends string | undefined = string | undefined,
> extends Common {
  kind: 'value';
  parser: P;
  defaultText: D;
  /** environment variables consulted, in order, when the flag is absent (the description says so) */
  env?: readonly string[];
  required?: boolean;
}

/** `--flag <value>` given any number of times: `parser` reads all the values given ([] when absent) at once. */
export interface ListSpec<P extends ParserName = ParserName> extends Common {
  kind: 'list';
  parser: P;
}

/** `--flag`: true when given. */
export interface SwitchSpec extends Common {
  kind: 'switch';
}

export type OptionSpec = ValueSpec | ListSpec | SwitchSpec;
export type OptionTable = Readonly<Record<string, OptionSpec>>;

type ValueOf<S> = S extends SwitchSpec
  ? boolean
  : S extends ListSpec<infer P>
    ? ParsedBy<P>
    : S extends ValueSpec<infer P, infer D>
      ? D extends string
        ? ParsedBy<P>
        : S extends { required: true }
          ? ParsedBy<P>
          : ParsedBy<P> | undefined
      : never;

/** The typed values of a table's options. */
export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: ValueOf<T[K]> };

export function value<P extends ParserName>(
  flags: string,
  description: string,
  parser: P,
  extra?: { env?: readonly string[]; hidden?: boolean; conflicts?: string },
): ValueSpec<P, undefined>;
export function value<P extends ParserName>(
  flags: string,
  description: string,
  parser: P,
  extra: { defaultText: string; hidden?: boolean },
): ValueSpec<P, string>;
export function value<P extends ParserName>(
  flags: string,
  description: string,
  parser: P,
  extra: { defaultText?: string; env?: readonly string[]; hidden?: boolean; conflicts?: string } = {},
): ValueSpec<P> {
  return { kind: 'value', flags, description, parser, defaultText: extra.defaultText, ...omitDefault(extra) };
}

/** A value commander itself insists on (`requiredOption`): help marks it, and it is never undefined. */
export function required<P extends ParserName>(
  flags: string,
  description: string,
  parser: P,
): ValueSpec<P, undefined> & { required: true } {
  return { kind: 'value', flags, description, parser, defaultText: undefined, required: true };
}

export function list<P extends ParserName>(flags: string, description: string, parser: P): ListSpec<P> {
  return { kind: 'list', flags, description, parser };
}

export function switchOption(flags: string, description: string): SwitchSpec {
  return { kind: 'switch', flags, description };
}

function omitDefault<T extends { defaultText?: string }>(extra: T): Omit<T, 'defaultText'> {
  const { defaultText: _defaultText, ...rest } = extra;
  return rest;
}

/** Adds a table's options to a command, in table order. */
export function addOptions(command: Command, table: OptionTable): Command {
  for (const spec of Object.values(table)) {
    const option = new Option(spec.flags, spec.description);
    if (spec.kind === 'list') {
      // no default value, so help does not print `(default: [])`
      option.argParser((given: string, previous: string[] | undefined) => [...(previous ?? []), given]);
    }
    if (spec.kind === 'value') {
      if (spec.defaultText !== undefined) option.default(spec.defaultText);
      if (spec.required === true) option.makeOptionMandatory();
    }
    if (spec.hidden === true) option.hideHelp();
    if (spec.conflicts !== undefined) option.conflicts(new Option(spec.conflicts).attributeName());
    command.addOption(option);
  }
  return command;
}

/**
 * Parses what commander collected for a table's options (falling back to their environment variables) into typed
 * values: the one place their values are checked.
 */
export async function parseOptions<T extends OptionTable>(
  table: T,
  given: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): Promise<OptionValues<T>> {
  const { PARSERS } = await import('./parsers.js');
  const parsed: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    const flag = new Option(spec.flags).long ?? spec.flags;
    const raw = given[new Option(spec.flags).attributeName()];
    if (spec.kind === 'switch') {
      parsed[key] = raw === true;
    } else if (spec.kind === 'list') {
      const parse = PARSERS[spec.parser] as (texts: readonly string[], flag: string) => unknown;
      parsed[key] = parse((raw as string[] | undefined) ?? [], flag);
    } else {
      const parse = PARSERS[spec.parser] as (text: string, flag: string) => unknown;
      const fromEnv = spec.env?.map((name) => env[name]).find((text) => text !== undefined && text !== '');
      const text = (raw as string | undefined) ?? fromEnv;
      parsed[key] = text === undefined ? undefined : parse(text, flag);
    }
  }
  return parsed as OptionValues<T>;
}

/**
 * The global --cluster and --region (flag, environment, or the --sandbox's) a command uses, checked like its own
 * options; a command that does not put the region into anything it writes passes only the cluster.
 */
export async function parseClusterAndRegion(global: {
  cluster?: string | undefined;
  region?: string | undefined;
}): Promise<{ cluster: string | undefined; region: string | undefined }> {
  const { PARSERS } = await import('./parsers.js');
  return {
    cluster: global.cluster === undefined ? undefined : PARSERS.cluster(global.cluster),
    region: global.region === undefined ? undefined : PARSERS.region(global.region),
  };
}
