/**
 * Environment expansion of a collector configuration for the runtime, with the rules of the collector the ADOT
 * add-on ships (src/core/collector-config/env-references.ts): `${env:NAME}`, `${NAME}`, `${env:NAME:-default}`,
 * `$$` a literal `$`, the bare `$NAME` form left as it is.
 */
import { expandEnvReferences } from '../../core/collector-config.js';

export interface Expansion {
  value: unknown;
  /** names referenced but not set (and without a default) */
  unset: string[];
}

/** The process environment as the collector sees it: a variable is set when it has a string value. */
export function setVariables(env: Record<string, string | undefined>): Record<string, string> {
  const set: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) set[name] = value;
  return set;
}

/** A copy of the value with every string expanded. */
export function expandEnvironment(value: unknown, env: Record<string, string | undefined>): Expansion {
  const expanded = expandEnvReferences(value, setVariables(env), { unsetSeverity: 'warning' });
  return { value: expanded.value, unset: expanded.unset };
}
