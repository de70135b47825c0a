/**
 * Environment expansion of a collector configuration, as the collector's confmap does it on every string value:
 * `${env:NAME}` and `${NAME}` become the variable's value (empty when unset), `${env:NAME:-default}` falls back
 * to the default, and `$$` is a literal `$`. A string that is exactly one reference keeps the value's type when
 * it reads as YAML scalar (a number or a boolean), as the collector does.
 */
const REFERENCE = /\$\$|\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{(?:env:)?([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

export interface Expansion {
  value: unknown;
  /** names referenced but not set (and without a default) */
  unset: string[];
}

export function expandString(text: string, env: Record<string, string | undefined>, unset: Set<string>): unknown {
  const lookup = (name: string, fallback: string | undefined): string => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    unset.add(name);
    return '';
  };
  const whole = WHOLE_REFERENCE.exec(text);
  if (whole !== null) return scalar(lookup(whole[1] ?? '', whole[2]));
  return text.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) =>
    match === '$$' ? '$' : lookup(name ?? '', fallback),
  );
}

function scalar(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

/** A copy of the value with every string expanded. */
export function expandEnvironment(value: unknown, env: Record<string, string | undefined>): Expansion {
  const unset = new Set<string>();
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return expandString(item, env, unset);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === 'object' && item !== null) {
      return Object.fromEntries(Object.entries(item).map(([key, entry]) => [key, walk(entry)]));
    }
    return item;
  };
  const expanded = walk(value);
  return { value: expanded, unset: [...unset] };
}
