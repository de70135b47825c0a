/**
 * Environment references in a collector configuration, resolved as the collector the ADOT add-on ships resolves
 * them: ADOT Collector v0.48.0 (add-on v0.151.0) is built on OpenTelemetry Collector v0.151.0 / confmap v1.57.0 with
 * the `env` provider and `env` as the default scheme (aws-otel-collector pkg/config/config_factory.go,
 * https://github.com/aws-observability/aws-otel-collector/blob/v0.48.0/pkg/config/config_factory.go).
 *
 * The rules (opentelemetry-collector confmap/expand.go, confmap/resolver.go and confmap/provider/envprovider,
 * https://github.com/open-telemetry/opentelemetry-collector/tree/main/confmap, and the "Environment variables"
 * section of https://opentelemetry.io/docs/collector/configuration/):
 * - `${env:NAME}` and `${NAME}` expand to the variable's value; `${env:NAME:-default}` gives `default` when NAME is
 *   not set (a variable set to the empty string stays empty). An unset variable without a default expands to
 *   nothing (the collector logs a warning). Names must match `^[a-zA-Z_][a-zA-Z0-9_]*$`.
 * - A value that is exactly one reference takes the type its text reads as in YAML (`4317` an int, `true` a bool),
 *   but a string setting still gets the text as it was (confmap's ExpandedValue keeps the original).
 * - Expanded text is expanded again (a value may itself contain `${…}`), at most 1000 times.
 * - `$$` is a literal `$`, applied after expansion; an odd run of `$` before `${` escapes the reference (and, as in
 *   confmap's findURI, stops the expansion of the rest of that string).
 * - The bare `$NAME` form is NOT expanded: it stays the literal text `$NAME`. Expansion of `$FOO` ended with the
 *   `confmap.unifyEnvVarExpansion` gate (beta, an error, in v0.104.0; stable, no longer supported, in v0.107.0:
 *   https://github.com/open-telemetry/opentelemetry-collector/blob/main/CHANGELOG.md). ADOT Collector v0.41.0 (the
 *   first on v0.109.0) says so in its release notes ("Expansion of BASH-style environment variables, such as `$FOO`,
 *   is no longer supported"); ADOT Collector v0.40.x (add-on v0.102.x) still had the expand converter, which
 *   expanded `$FOO` and refused names that are not variable names (`$1`).
 * - Other schemes (`${file:…}`, `${http:…}`, `${yaml:…}`, `${s3:…}`) are providers of the ADOT collector that the
 *   bundled runtime does not implement.
 */
import { parse as parseYaml } from 'yaml';
import { isRecord, type ConfigProblem, type ProblemSeverity } from './types.js';

/** envprovider's (and the expand converter's) rule for a variable name */
export const ENV_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SCHEME_URI = /^([A-Za-z][A-Za-z0-9+.-]+):(.*)$/s;
const MAX_EXPANSIONS = 1000;
/** stands for a reference whose value is unknown while the rest of its string is expanded */
const HELD = new RegExp(String.raw`\u0000(\d+)\u0000`, 'g');
/** providers the ADOT collector registers besides env (config_factory.go) */
const OTHER_ADOT_SCHEMES = ['file', 'yaml', 'http', 'https', 's3'];

/**
 * What expansion may know of the environment: a variable present with a string is set to it; present with
 * `undefined`, it is defined but its value is unknown (a Secret, or a pod field doctor cannot see); absent, it is not
 * set. Without an environment at all (`undefined`), nothing is known and only the form of references is checked.
 */
export type KnownEnvironment = Readonly<Record<string, string | undefined>>;

export interface ExpansionOptions {
  /** how an unset variable without a default is reported: the collector runs (with a warning) */
  unsetSeverity?: ProblemSeverity;
  /** says where the variables come from, for hints (`spec.env`, `the environment`) */
  source?: string;
}

export interface Expansion<T> {
  value: T;
  problems: ConfigProblem[];
  /** variables referenced but not set and without a default */
  unset: string[];
}

const originals = new WeakMap<object, Map<string | number, string>>();

/**
 * The text a typed value had before a whole-value reference made it a number or a boolean (`${env:PORT}` → 4317):
 * what the collector gives a string setting. undefined when the value did not come from such a reference.
 */
export function expandedOriginal(container: object, key: string | number): string | undefined {
  return originals.get(container)?.get(key);
}

interface Retrieved {
  /** the typed value (YAML reading of the text) */
  value: unknown;
  /** the text, as a string setting or an inline position gets it */
  text: string;
}

class ExpansionFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The value of an environment variable as confmap's NewRetrievedFromYAML reads it. */
function fromYaml(text: string): Retrieved {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    return { value: text, text };
  }
  if (typeof parsed === 'string' || parsed === null || parsed === undefined) return { value: text, text };
  return { value: parsed, text };
}

/** An odd number of `$` right before `${` escapes it. */
function escaped(input: string, openIndex: number): boolean {
  let count = 0;
  for (let index = openIndex - 1; index >= 0 && input[index] === '$'; index--) count++;
  return count % 2 === 1;
}

/** confmap's findURI: the first `${…}` to expand (innermost first), '' when none or when it is escaped. */
function findReference(input: string): string {
  const closeIndex = input.indexOf('}');
  if (closeIndex < 0) return '';
  const openIndex = input.lastIndexOf('${', closeIndex);
  if (openIndex < 0) {
    const remaining = input.slice(closeIndex + 1);
    return remaining.includes('}') ? findReference(remaining) : '';
  }
  if (escaped(input, openIndex)) return '';
  return input.slice(openIndex, closeIndex + 1);
}

interface Resolution {
  retrieved?: Retrieved;
  /** defined but its value is unknown */
  unknown?: true;
}

class Expander {
  readonly problems: ConfigProblem[] = [];
  readonly unset = new Set<string>();
  private readonly opaque: string[] = [];

  constructor(
    private readonly env: KnownEnvironment | undefined,
    private readonly options: ExpansionOptions,
  ) {}

  walk(item: unknown, path: string): unknown {
    if (typeof item === 'string') return this.string(item, path).value;
    if (Array.isArray(item)) {
      const copy: unknown[] = [];
      item.forEach((entry, index) => {
        const at = `${path}[${index}]`;
        if (typeof entry === 'string') {
          const expanded = this.string(entry, at);
          copy.push(expanded.value);
          if (expanded.original !== undefined) remember(copy, index, expanded.original);
        } else copy.push(this.walk(entry, at));
      });
      return copy;
    }
    if (isRecord(item)) {
      const copy: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(item)) {
        const at = path === '' ? key : `${path}.${key}`;
        if (typeof entry === 'string') {
          const expanded = this.string(entry, at);
          copy[key] = expanded.value;
          if (expanded.original !== undefined) remember(copy, key, expanded.original);
        } else copy[key] = this.walk(entry, at);
      }
      return copy;
    }
    return item;
  }

  private string(input: string, path: string): { value: unknown; original?: string } {
    this.opaque.length = 0;
    let current = input;
    try {
      for (let round = 0; round < MAX_EXPANSIONS; round++) {
        if (!current.includes('${') || !current.includes('}')) return this.finish(current);
        const reference = findReference(current);
        if (reference === '') return this.finish(current);
        const resolution = this.resolve(reference, path);
        if (resolution.unknown) {
          current = current.split(reference).join(this.hold(reference));
          continue;
        }
        const retrieved = resolution.retrieved ?? { value: '', text: '' };
        if (reference === current) {
          if (typeof retrieved.value === 'string') {
            current = retrieved.text;
            continue;
          }
          return { value: unescapeDeep(retrieved.value), original: unescape(retrieved.text) };
        }
        if (typeof retrieved.value === 'object' && retrieved.value !== null) {
          throw new ExpansionFailure(
            `expanding ${reference}: retrieved value does not have unambiguous string representation`,
            'A variable holding a YAML mapping or list can only be a whole value, not part of a string',
          );
        }
        current = current.split(reference).join(retrieved.text);
      }
      throw new ExpansionFailure('too many recursive expansions', 'A variable refers to itself through ${…}');
    } catch (error) {
      if (!(error instanceof ExpansionFailure)) throw error;
      this.problems.push({ path, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) });
      return { value: input };
    }
  }

  /** Unknown values keep their reference text; a sentinel stands for it meanwhile so it is not found again. */
  private hold(reference: string): string {
    this.opaque.push(reference);
    return `\u0000${this.opaque.length - 1}\u0000`;
  }

  private finish(text: string): { value: unknown } {
    const restored = unescape(text).replace(HELD, (_, index: string) => this.opaque[Number(index)] ?? '');
    return { value: restored };
  }

  private resolve(reference: string, path: string): Resolution {
    let uri = reference.slice(2, -1);
    if (!uri.includes(':')) uri = `env:${uri}`;
    // ${NAME:-default} has a ":" and so is not given the default scheme: NAME reads as a scheme
    const defaultWithoutScheme = /^([a-zA-Z_][a-zA-Z0-9_]*):-(.*)$/s.exec(uri);
    const hint =
      defaultWithoutScheme === null
        ? undefined
        : `Write \${env:${defaultWithoutScheme[1] ?? ''}:-${defaultWithoutScheme[2] ?? ''}}: a default needs the env: prefix`;
    const location = SCHEME_URI.exec(uri);
    if (location === null) throw new ExpansionFailure(`invalid uri: "${uri}"`, hint);
    const [, scheme = '', opaque = ''] = location;
    if (opaque.includes('$')) {
      throw new ExpansionFailure(`the uri "${scheme}:${opaque}" contains unsupported characters ('$')`);
    }
    if (scheme !== 'env') {
      if (OTHER_ADOT_SCHEMES.includes(scheme)) {
        throw new ExpansionFailure(
          `${reference}: the "${scheme}" provider is not supported by the bundled collector runtime`,
          'Only ${env:NAME} and ${NAME} references are expanded here; inline the value',
        );
      }
      throw new ExpansionFailure(`scheme "${scheme}" is not supported for uri "${scheme}:${opaque}"`, hint);
    }
    const cut = opaque.indexOf(':-');
    const name = cut < 0 ? opaque : opaque.slice(0, cut);
    const fallback = cut < 0 ? undefined : opaque.slice(cut + 2);
    if (!ENV_NAME_PATTERN.test(name)) {
      throw new ExpansionFailure(
        `environment variable "${name}" has invalid name: must match regex ${ENV_NAME_PATTERN.source}`,
      );
    }
    if (this.env === undefined) return { unknown: true };
    if (Object.hasOwn(this.env, name)) {
      const value = this.env[name];
      return value === undefined ? { unknown: true } : { retrieved: fromYaml(value) };
    }
    if (fallback !== undefined) return { retrieved: fallback === '' ? { value: '', text: '' } : fromYaml(fallback) };
    {
      const source = this.options.source ?? 'the environment';
      this.problems.push({
        path,
        message: `${reference} refers to ${name}, which is not set in ${source}: it expands to nothing`,
        hint: `Set ${name} in ${source}, or give a default: \${env:${name}:-value}`,
        severity: this.options.unsetSeverity ?? 'error',
      });
    }
    this.unset.add(name);
    return { retrieved: { value: '', text: '' } };
  }
}

function remember(container: object, key: string | number, original: string): void {
  let entries = originals.get(container);
  if (entries === undefined) {
    entries = new Map();
    originals.set(container, entries);
  }
  entries.set(key, original);
}

/** `$$` is a literal `$` (confmap's escapeDollarSigns, after expansion). */
function unescape(text: string): string {
  return text.replaceAll('$$', '$');
}

function unescapeDeep(value: unknown): unknown {
  if (typeof value === 'string') return unescape(value);
  if (Array.isArray(value)) return value.map(unescapeDeep);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unescapeDeep(item)]));
  return value;
}

/**
 * A copy of `value` with every string expanded, and the problems found on the way (each with the path of its
 * string). References whose value is unknown keep their text.
 */
export function expandEnvReferences<T>(
  value: T,
  env: KnownEnvironment | undefined,
  options: ExpansionOptions = {},
): Expansion<T> {
  const expander = new Expander(env, options);
  const expanded = expander.walk(value, '') as T;
  return { value: expanded, problems: expander.problems, unset: [...expander.unset] };
}

/** The names a string refers to with `${NAME}` / `${env:NAME…}` (whatever their values). */
export function referencedNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/\$\{(?:env:)?([a-zA-Z_][a-zA-Z0-9_]*)(?::-[^}]*)?\}/g)) {
    if (!escaped(text, match.index) && match[1] !== undefined) names.push(match[1]);
  }
  return names;
}
