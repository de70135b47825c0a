/**
 * `$` that is neither `$$` nor the start of a `${…}` reference. The collector the add-on ships leaves such a `$`
 * as it is (see env-references.ts), so none of them stops it from starting; two of them are almost always mistakes:
 * - `$NAME`, the shell form the public DaemonSet example uses for `$K8S_NODE_NAME`: not expanded any more;
 * - `$1` in a relabel `replacement`, meant as the regex group `$$1`: it works on ADOT Collector ≥ v0.41.0 only
 *   because the bare form stays literal, while older collectors refused it (the expand converter read it as a
 *   variable named "1").
 */
import { isRecord, type ConfigProblem } from './types.js';

interface StringAt {
  path: string;
  key: string;
  value: string;
}

function collect(value: unknown, path: string, key: string, into: StringAt[]): void {
  if (typeof value === 'string') into.push({ path, key, value });
  else if (Array.isArray(value)) value.forEach((item, index) => collect(item, `${path}[${index}]`, key, into));
  else if (isRecord(value)) {
    for (const [name, item] of Object.entries(value)) collect(item, path === '' ? name : `${path}.${name}`, name, into);
  }
}

/** Each unescaped `$` with what follows it: a name (`$NAME`), digits (`$1`), or nothing of either. */
export function bareDollars(value: string): { index: number; token: string; kind: 'name' | 'group' | 'other' }[] {
  const found: { index: number; token: string; kind: 'name' | 'group' | 'other' }[] = [];
  for (let index = 0; index < value.length; index++) {
    if (value[index] !== '$') continue;
    const next = value[index + 1];
    if (next === '$') {
      index++;
      continue;
    }
    if (next === '{') continue;
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(value.slice(index + 1))?.[0];
    const digits = /^\d+/.exec(value.slice(index + 1))?.[0];
    if (name !== undefined) found.push({ index, token: `$${name}`, kind: 'name' });
    else if (digits !== undefined) found.push({ index, token: `$${digits}`, kind: 'group' });
    else found.push({ index, token: '$', kind: 'other' });
  }
  return found;
}

/**
 * Warnings for `$NAME` anywhere and `$1` in a `replacement`; `defined` names the variables the collector's
 * environment has (spec.env, the process environment), to say that the variable exists but is not read.
 */
export function dollarSignWarnings(config: unknown, defined: ReadonlySet<string> = new Set()): ConfigProblem[] {
  const strings: StringAt[] = [];
  collect(config, '', '', strings);
  const problems: ConfigProblem[] = [];
  for (const { path, key, value } of strings) {
    for (const dollar of bareDollars(value)) {
      if (dollar.kind === 'name') {
        const name = dollar.token.slice(1);
        const regex =
          key === 'regex' ? '; as a regular expression "$" matches only at the end, so this matches nothing' : '';
        problems.push({
          path,
          severity: 'warning',
          message:
            `${dollar.token === value ? `"${value}"` : `"${dollar.token}" in "${value}"`} is not expanded: the collector stopped expanding the bare $NAME form in ` +
            `v0.107.0 (ADOT Collector v0.41.0, add-on v0.109.0), so it stays the literal text "${dollar.token}"` +
            `${defined.has(name) ? ` although ${name} is set` : ''}${regex}`,
          hint: `Write \${env:${name}} to read the variable (or "$$${name}" for a literal dollar sign)`,
        });
      } else if (dollar.kind === 'group' && key === 'replacement') {
        const fixed = `${value.slice(0, dollar.index)}$${value.slice(dollar.index)}`;
        problems.push({
          path,
          severity: 'warning',
          message:
            `"${dollar.token}" in "${value}" was probably meant as "$${dollar.token}" (the regex group): ADOT ` +
            `Collector v0.41.0 and later leave "${dollar.token}" as it is, so it still works there, but ADOT ` +
            `Collector v0.40.x and earlier (add-on before v0.109.0) refuse the configuration ` +
            `(environment variable "${dollar.token.slice(1)}" has invalid name)`,
          hint: `Write "${fixed}": "$$" is a literal "$" on every collector version`,
        });
      }
    }
  }
  return problems;
}
