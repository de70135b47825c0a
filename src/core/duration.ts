/**
 * Durations, parsed in one place.
 *
 * Go's `time.ParseDuration` syntax (https://pkg.go.dev/time#ParseDuration) is what the collector reads in its
 * configuration (the OpenTelemetry Collector decodes `time.Duration` fields with it) and what adot's own flags take:
 * "a possibly signed sequence of decimal numbers, each with optional fraction and a unit suffix, such as "300ms",
 * "-1.5h" or "2h45m". Valid time units are "ns", "us" (or "µs"), "ms", "s", "m", "h"." A lone "0" needs no unit.
 */

/** Nanoseconds per unit, as Go's unitMap (https://cs.opensource.google/go/go/+/refs/tags/go1.23.0:src/time/format.go). */
const UNIT_NS: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  '\u00b5s': 1e3, // U+00B5 micro sign
  '\u03bcs': 1e3, // U+03BC Greek small letter mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3_600e9,
};
const PART = /(\d*(?:\.\d*)?)([^\d.]+)/gy;
/** Go refuses a duration that does not fit an int64 of nanoseconds ("invalid duration"). */
const MAX_NS = 2 ** 63 - 1;

/** A Go duration (`300ms`, `1h30m`, `500us`, `-1.5h`, `0`) in milliseconds (fractional below 1ms); else undefined. */
export function parseGoDuration(text: string): number | undefined {
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let totalNs = 0;
  PART.lastIndex = 0;
  let consumed = 0;
  for (let match = PART.exec(rest); match !== null; match = PART.exec(rest)) {
    const [whole, amount = '', unit = ''] = match;
    if (amount === '' || amount === '.') return undefined; // Go: a unit needs a number, "." is not one
    const unitNs = UNIT_NS[unit];
    if (unitNs === undefined) return undefined;
    totalNs += Number(amount) * unitNs;
    consumed += whole.length;
  }
  if (consumed !== rest.length || totalNs > MAX_NS) return undefined;
  return (sign * totalNs) / 1e6;
}

/**
 * A duration flag of adot's (`--timeout`, `--wait`, `--shutdown-timeout`) in milliseconds: Go's syntax, or a bare
 * number of seconds (`120`), which adot's flags have always accepted; it must be positive. Undefined otherwise.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const ms = /^\d+(?:\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1_000 : parseGoDuration(trimmed);
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/**
 * Prometheus' own duration syntax (`scrape_interval`, `scrape_timeout`), which is not Go's: whole numbers of y, w,
 * d, h, m, s and ms, each at most once and in that order, or "0"
 * (https://github.com/prometheus/common/blob/main/model/time.go, ParseDuration). Milliseconds, else undefined.
 */
const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const PROMETHEUS_UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000, 1];

export function parsePrometheusDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const match = text === '' ? null : PROMETHEUS_DURATION.exec(text);
  if (match === null) return undefined;
  return PROMETHEUS_UNIT_MS.reduce((total, unitMs, index) => total + Number(match[index + 1] ?? 0) * unitMs, 0);
}

/** `90000` -> `1m30s`, for messages about deadlines. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms}ms`;
  const seconds = Math.round(ms / 1_000);
  const h = Math.floor(seconds / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
