/**
 * OTLP metric and attribute names as Prometheus names, the way the collector's Prometheus translator builds them
 * (with metric suffixes on): name tokens, then the unit (`s` -> `seconds`, `By/s` -> `bytes_per_second`), `total`
 * for monotonic counters, `ratio` for gauges of unit `1`; invalid characters become `_`.
 */

const UNITS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNITS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

export type NamedKind = 'counter' | 'gauge' | 'other';

function unitTokens(unit: string): string[] {
  // annotations in braces ({requests}) are not units
  const cleaned = unit.replace(/\{[^}]*\}/g, '').trim();
  if (cleaned === '') return [];
  const [main = '', per = ''] = cleaned.split('/', 2);
  const tokens: string[] = [];
  const mainName = UNITS[main.trim()] ?? main.trim();
  tokens.push(...mainName.split(/[^a-zA-Z0-9]+/).filter((token) => token !== ''));
  if (per.trim() !== '') {
    const perName = PER_UNITS[per.trim()] ?? per.trim();
    tokens.push('per', ...perName.split(/[^a-zA-Z0-9]+/).filter((token) => token !== ''));
  }
  return tokens;
}

/** The Prometheus family name; a counter's samples add `_total` to it (see counterSampleName). */
export function prometheusMetricName(name: string, unit: string, kind: NamedKind): string {
  let tokens = name.split(/[^a-zA-Z0-9]+/).filter((token) => token !== '');
  if (kind === 'counter') tokens = tokens.filter((token) => token !== 'total');
  for (const token of unitTokens(unit)) if (!tokens.includes(token)) tokens.push(token);
  if (kind === 'gauge' && unit.trim() === '1' && !tokens.includes('ratio')) tokens.push('ratio');
  const joined = tokens.join('_');
  if (joined === '') return '_';
  return /^[0-9]/.test(joined) ? `_${joined}` : joined;
}

export function counterSampleName(family: string): string {
  return `${family}_total`;
}

/** A Prometheus label name: invalid characters become `_`, a leading digit gets a `key_` prefix. */
export function prometheusLabelName(key: string): string {
  const cleaned = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (cleaned === '') return 'key_';
  return /^[0-9]/.test(cleaned) ? `key_${cleaned}` : cleaned;
}
