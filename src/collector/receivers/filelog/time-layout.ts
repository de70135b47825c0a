/**
 * Timestamps as stanza's time parser reads them (pkg/stanza/operator/helper/time.go in opentelemetry-collector-contrib):
 * `layout_type` strptime (the default; directives as in the lestrrat-go/strftime set stanza accepts), gotime (Go
 * reference-time layouts, 2006-01-02T15:04:05Z07:00) or epoch (s, ms, us, ns, s.ms, s.us, s.ns). A layout is turned
 * into a regular expression with one setter per field; a value without a zone is read in `location` (default UTC
 * here; stanza defaults to the host's local zone, which for a collector in a container is UTC).
 */

interface Parts {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  nanos?: number;
  pm?: boolean;
  offsetMinutes?: number;
  dayOfYear?: number;
}

interface Token {
  pattern: string;
  set?: (parts: Parts, text: string) => void;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = MONTHS.map((month) => `${month}[a-z]*`).join('|');
const DAY_NAMES = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*';

const num = (key: keyof Parts, digits: string) => (): Token => ({
  pattern: `(\\d{${digits}})`,
  set: (parts, text) => (parts[key] = Number(text) as never),
});
const padded = (key: keyof Parts): Token => ({
  pattern: '\\s?(\\d{1,2})',
  set: (parts, text) => (parts[key] = Number(text) as never),
});
const fraction = (digits: string): Token => ({
  pattern: `(\\d{${digits}})`,
  set: (parts, text) => (parts.nanos = Number(text.padEnd(9, '0').slice(0, 9))),
});
const monthName: Token = {
  pattern: `(${MONTH_NAMES})`,
  set: (parts, text) => (parts.month = MONTHS.indexOf(text.slice(0, 3).toLowerCase()) + 1),
};
const offset: Token = {
  pattern: '(Z|[+-]\\d{2}:?\\d{2})',
  set: (parts, text) => {
    if (text === 'Z') parts.offsetMinutes = 0;
    else {
      const digits = text.replace(':', '');
      const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
      parts.offsetMinutes = text.startsWith('-') ? -minutes : minutes;
    }
  },
};
const zoneName: Token = {
  pattern: '([A-Za-z]{1,5})',
  set: (parts, text) => {
    if (['UTC', 'GMT', 'Z'].includes(text.toUpperCase())) parts.offsetMinutes = 0;
  },
};
const meridiem: Token = { pattern: '(AM|PM|am|pm)', set: (parts, text) => (parts.pm = text.toLowerCase() === 'pm') };

const STRPTIME: Record<string, () => Token> = {
  Y: num('year', '4'),
  y: () => ({ pattern: '(\\d{2})', set: (parts, text) => (parts.year = 2000 + Number(text)) }),
  m: num('month', '1,2'),
  d: num('day', '1,2'),
  e: () => padded('day'),
  H: num('hour', '1,2'),
  k: () => padded('hour'),
  I: num('hour', '1,2'),
  l: () => padded('hour'),
  M: num('minute', '1,2'),
  S: num('second', '1,2'),
  L: () => fraction('3'),
  f: () => fraction('1,9'),
  s: () => ({ pattern: '(\\d+)', set: (parts, text) => Object.assign(parts, fromEpochSeconds(Number(text))) }),
  j: num('dayOfYear', '1,3'),
  b: () => monthName,
  h: () => monthName,
  B: () => monthName,
  a: () => ({ pattern: DAY_NAMES }),
  A: () => ({ pattern: DAY_NAMES }),
  p: () => meridiem,
  z: () => offset,
  Z: () => zoneName,
  '%': () => ({ pattern: '%' }),
  n: () => ({ pattern: '\\n' }),
  t: () => ({ pattern: '\\t' }),
};

/** Go reference-time tokens, longest first. */
const GOTIME: [string, () => Token][] = [
  ['January', () => monthName],
  ['Monday', () => ({ pattern: DAY_NAMES })],
  ['Z07:00', () => offset],
  ['-07:00', () => offset],
  ['Z0700', () => offset],
  ['-0700', () => offset],
  ['2006', num('year', '4')],
  ['Jan', () => monthName],
  ['Mon', () => ({ pattern: DAY_NAMES })],
  ['MST', () => zoneName],
  ['002', num('dayOfYear', '3')],
  ['_2', () => padded('day')],
  ['01', num('month', '2')],
  ['02', num('day', '2')],
  ['03', num('hour', '2')],
  ['04', num('minute', '2')],
  ['05', num('second', '2')],
  ['06', () => ({ pattern: '(\\d{2})', set: (parts, text) => (parts.year = 2000 + Number(text)) })],
  ['15', num('hour', '1,2')],
  ['PM', () => meridiem],
  ['pm', () => meridiem],
  ['1', num('month', '1,2')],
  ['2', num('day', '1,2')],
  ['3', num('hour', '1,2')],
  ['4', num('minute', '1,2')],
  ['5', num('second', '1,2')],
];

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function fromEpochSeconds(seconds: number): Parts {
  const date = new Date(seconds * 1000);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    offsetMinutes: 0,
  };
}

function strptimeTokens(layout: string): Token[] {
  const tokens: Token[] = [];
  for (let index = 0; index < layout.length; index++) {
    const char = layout[index] ?? '';
    if (char !== '%') {
      tokens.push({ pattern: escapeRegex(char) });
      continue;
    }
    const directive = layout[++index] ?? '';
    const make = STRPTIME[directive];
    if (make === undefined) throw new Error(`unsupported strptime directive %${directive}`);
    tokens.push(make());
  }
  return tokens;
}

function gotimeTokens(layout: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < layout.length) {
    const rest = layout.slice(index);
    const fractional = /^[.,](0+|9+)/.exec(rest);
    if (fractional !== null) {
      const digits = (fractional[1] ?? '').length;
      // .000 needs exactly that many digits; .999 takes up to that many, and the separator itself is optional
      tokens.push(
        fractional[1]?.startsWith('0')
          ? { pattern: `[.,](\\d{${digits}})`, set: (parts, text) => (parts.nanos = Number(text.padEnd(9, '0'))) }
          : {
              pattern: `(?:[.,](\\d{1,${digits}}))?`,
              set: (parts, text) => (parts.nanos = text === undefined ? 0 : Number(text.padEnd(9, '0'))),
            },
      );
      index += fractional[0].length;
      continue;
    }
    const match = GOTIME.find(([token]) => rest.startsWith(token));
    if (match !== undefined) {
      tokens.push(match[1]());
      index += match[0].length;
    } else {
      tokens.push({ pattern: escapeRegex(layout[index] ?? '') });
      index += 1;
    }
  }
  return tokens;
}

export type LayoutType = 'strptime' | 'gotime' | 'epoch';
const EPOCH_LAYOUTS = ['s', 'ms', 'us', 'ns', 's.ms', 's.us', 's.ns'];

export interface TimeParser {
  /** nanoseconds since the epoch, as a decimal string; throws for a value that does not fit the layout */
  parse(value: unknown): string;
}

/** Builds the parser; throws (with a message for the configuration) for a layout it cannot read. */
export function timeParser(layoutType: LayoutType, layout: string, locationOffsetMinutes = 0): TimeParser {
  if (layoutType === 'epoch') {
    if (!EPOCH_LAYOUTS.includes(layout)) throw new Error(`epoch layout must be one of ${EPOCH_LAYOUTS.join(', ')}`);
    return { parse: (value) => epochNanos(value, layout) };
  }
  const tokens = layoutType === 'gotime' ? gotimeTokens(layout) : strptimeTokens(layout);
  const regex = new RegExp(`^${tokens.map((token) => token.pattern).join('')}$`, 'i');
  return {
    parse(value) {
      if (typeof value !== 'string') throw new Error(`type ${typeof value} cannot be parsed as a time`);
      const match = regex.exec(value);
      if (match === null) throw new Error(`"${value}" does not match the layout "${layout}"`);
      const parts: Parts = {};
      let group = 1;
      for (const token of tokens) {
        const groups = (token.pattern.match(/(?<!\\)\((?!\?)/g) ?? []).length;
        if (groups === 0) continue;
        token.set?.(parts, match[group] as string);
        group += groups;
      }
      return nanosOf(parts, locationOffsetMinutes);
    },
  };
}

function nanosOf(parts: Parts, locationOffsetMinutes: number): string {
  const now = new Date();
  const year = parts.year ?? now.getUTCFullYear();
  let month = parts.month ?? 1;
  let day = parts.day ?? 1;
  if (parts.dayOfYear !== undefined) {
    const date = new Date(Date.UTC(year, 0, parts.dayOfYear));
    month = date.getUTCMonth() + 1;
    day = date.getUTCDate();
  }
  let hour = parts.hour ?? 0;
  if (parts.pm === true && hour < 12) hour += 12;
  if (parts.pm === false && hour === 12) hour = 0;
  const offset = parts.offsetMinutes ?? locationOffsetMinutes;
  const ms = Date.UTC(year, month - 1, day, hour, parts.minute ?? 0, parts.second ?? 0) - offset * 60_000;
  return (BigInt(ms) * 1_000_000n + BigInt(parts.nanos ?? 0)).toString();
}

function epochNanos(value: unknown, layout: string): string {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d+(\.\d+)?$/.test(text)) throw new Error(`"${String(value)}" is not an epoch time`);
  const [whole = '0', fractionText = ''] = text.split('.');
  const scale: Record<string, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };
  const unit = layout.includes('.') ? 's' : layout;
  const nanos = BigInt(whole) * (scale[unit] ?? 1n);
  const fractionNanos = fractionText === '' ? 0n : BigInt(fractionText.padEnd(9, '0').slice(0, 9));
  return (nanos + fractionNanos).toString();
}
