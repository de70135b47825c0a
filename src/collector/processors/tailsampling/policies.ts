/**
 * The tail_sampling processor's policies, each deciding on a whole trace as upstream's evaluators do
 * (opentelemetry-collector-contrib processor/tailsamplingprocessor/internal/sampling: always_sample.go, and.go,
 * boolean_tag_filter.go, latency.go, numeric_tag_filter.go, probabilistic.go, rate_limiting.go,
 * span_count_sampler.go, status_code.go, string_tag_filter.go, util.go, featureflag.go), read from the
 * configuration as upstream's config.go and processor.go (getSharedPolicyEvaluator) read them.
 *
 * invert_match gives InvertSampled / InvertNotSampled (upstream's feature gate
 * processor.tailsamplingprocessor.disableinvertdecisions is alpha, off by default): processor.ts decides between
 * them as upstream's makeDecision does.
 */
import { SettingsError, type Settings } from '../../config/settings.js';
import type { TraceItem } from '../../model.js';
import type { AnyValue, KeyValue, Resource, Span } from '../../translate/otlp-types.js';
import { compileRegex, settingsList } from '../settings-list.js';

export const Decision = {
  Unspecified: 'unspecified',
  Sampled: 'sampled',
  NotSampled: 'not_sampled',
  InvertSampled: 'invert_sampled',
  InvertNotSampled: 'invert_not_sampled',
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/** What a policy sees of a trace: its spans held so far and the number of spans received for it (late ones too). */
export interface TraceData {
  spans: readonly TraceItem[];
  spanCount: number;
  /** the trace id's 16 bytes */
  traceId: Uint8Array;
}

export interface Policy {
  name: string;
  evaluate(trace: TraceData): Decision;
}

/** The policy types implemented here, in the order docs/collector.md lists them. */
export const SUPPORTED_POLICY_TYPES = [
  'always_sample',
  'latency',
  'numeric_attribute',
  'probabilistic',
  'status_code',
  'string_attribute',
  'rate_limiting',
  'span_count',
  'boolean_attribute',
  'and',
] as const;

/** Upstream's other policy types: accepted by the collector, refused here by name. */
const UNSUPPORTED_POLICY_TYPES = ['composite', 'drop', 'not', 'ottl_condition', 'trace_state', 'bytes_limiting'];

/** Every key a policy (or an and sub-policy) may hold upstream: its name, its type and each type's settings. */
const POLICY_KEYS = [
  'name',
  'type',
  'latency',
  'numeric_attribute',
  'probabilistic',
  'status_code',
  'string_attribute',
  'rate_limiting',
  'bytes_limiting',
  'span_count',
  'trace_state',
  'boolean_attribute',
  'ottl_condition',
];

// ---- reading attribute values as pdata does -------------------------------------------------------------------

function find(attributes: readonly KeyValue[], key: string): AnyValue | undefined {
  for (const attribute of attributes) if (attribute.key === key) return attribute.value ?? {};
  return undefined;
}

/** pcommon.Value.Str(): the string, or "" for any other type */
function str(value: AnyValue): string {
  return value.stringValue ?? '';
}

/** pcommon.Value.Int(): the integer, or 0 for any other type (a double too) */
function int(value: AnyValue): number {
  return value.intValue === undefined ? 0 : Number(value.intValue);
}

/** pcommon.Value.Bool(): the boolean, or false for any other type */
function bool(value: AnyValue): boolean {
  return value.boolValue ?? false;
}

interface SpanView {
  resource: Resource | undefined;
  span: Span | undefined;
}

function views(trace: TraceData): SpanView[] {
  return trace.spans.map((item) =>
    item.kind === 'otlp-span' ? { resource: item.resource, span: item.span } : { resource: undefined, span: undefined },
  );
}

type Check<T> = (value: T) => boolean;

/** util.go hasResourceOrSpanWithCondition: Sampled as soon as a resource or a span satisfies its check. */
function anyResourceOrSpan(trace: TraceData, resource: Check<Resource>, span: Check<Span>): Decision {
  for (const view of views(trace)) {
    if (view.resource !== undefined && resource(view.resource)) return Decision.Sampled;
    if (view.span !== undefined && span(view.span)) return Decision.Sampled;
  }
  return Decision.NotSampled;
}

/**
 * util.go invertHasResourceOrSpanWithCondition: InvertNotSampled as soon as a resource or a span fails its check,
 * InvertSampled when none does (an empty trace too).
 */
function everyResourceAndSpan(trace: TraceData, resource: Check<Resource>, span: Check<Span>): Decision {
  for (const view of views(trace)) {
    if (view.resource !== undefined && !resource(view.resource)) return Decision.InvertNotSampled;
    if (view.span !== undefined && !span(view.span)) return Decision.InvertNotSampled;
  }
  return Decision.InvertSampled;
}

/** util.go hasSpanWithCondition */
function anySpan(trace: TraceData, check: Check<Span>): Decision {
  for (const view of views(trace)) if (view.span !== undefined && check(view.span)) return Decision.Sampled;
  return Decision.NotSampled;
}

// ---- the policies -----------------------------------------------------------------------------------------------

/** string_tag_filter.go: a resource attribute by Str() (non-strings read ""), a span attribute only when non-empty. */
function stringAttribute(name: string, settings: Settings): Policy {
  settings.allowOnly(['key', 'values', 'enabled_regex_matching', 'cache_max_size', 'invert_match']);
  const key = settings.string('key', '');
  const values = settings.stringList('values');
  const regex = settings.boolean('enabled_regex_matching', false);
  // the LRU cache of regex results changes no result: its size is read and checked only
  settings.integer('cache_max_size', 0, Number.MIN_SAFE_INTEGER);
  const invert = settings.boolean('invert_match', false);
  let matcher: (value: string) => boolean;
  if (regex) {
    // Go's regexp MatchString: unanchored
    const patterns = values.map((value, index) => compileRegex(value, `${settings.at('values')}[${index}]`));
    matcher = (value) => patterns.some((pattern) => pattern.test(value));
  } else {
    const exact = new Set(values.filter((value) => value !== ''));
    matcher = (value) => exact.has(value);
  }
  const onResource = (resource: Resource): boolean => {
    const value = find(resource.attributes, key);
    return value !== undefined && matcher(str(value));
  };
  const onSpan = (span: Span): boolean => {
    const value = find(span.attributes, key);
    return value !== undefined && str(value).length > 0 && matcher(str(value));
  };
  return {
    name,
    evaluate: (trace) =>
      invert
        ? everyResourceAndSpan(
            trace,
            (resource) => !onResource(resource),
            (span) => !onSpan(span),
          )
        : anyResourceOrSpan(trace, onResource, onSpan),
  };
}

/** numeric_tag_filter.go: Int() (0 for non-integers) within [min_value, max_value]; 0 means the bound is not set. */
function numericAttribute(name: string, settings: Settings): Policy {
  settings.allowOnly(['key', 'min_value', 'max_value', 'invert_match']);
  const key = settings.string('key', '');
  const min = settings.integer('min_value', 0, Number.MIN_SAFE_INTEGER);
  const max = settings.integer('max_value', 0, Number.MIN_SAFE_INTEGER);
  const invert = settings.boolean('invert_match', false);
  if (min === 0 && max === 0) {
    // upstream's NewNumericAttributeFilter builds no evaluator then ("At least one of minValue or maxValue must be set")
    throw new SettingsError(settings.path, 'at least one of min_value or max_value must be set (0 counts as not set)');
  }
  const low = min === 0 ? -Infinity : min;
  const high = max === 0 ? Infinity : max;
  const inRange = (attributes: readonly KeyValue[]): boolean => {
    const value = find(attributes, key);
    if (value === undefined) return false;
    const number = int(value);
    return number >= low && number <= high;
  };
  return {
    name,
    evaluate: (trace) =>
      invert
        ? everyResourceAndSpan(
            trace,
            (resource) => !inRange(resource.attributes),
            (span) => !inRange(span.attributes),
          )
        : anyResourceOrSpan(
            trace,
            (resource) => inRange(resource.attributes),
            (span) => inRange(span.attributes),
          ),
  };
}

/** boolean_tag_filter.go: Bool() (false for non-booleans) equal to `value`. */
function booleanAttribute(name: string, settings: Settings): Policy {
  settings.allowOnly(['key', 'value', 'invert_match']);
  const key = settings.string('key', '');
  const expected = settings.boolean('value', false);
  const invert = settings.boolean('invert_match', false);
  const matches = (attributes: readonly KeyValue[]): boolean => {
    const value = find(attributes, key);
    return value !== undefined && bool(value) === expected;
  };
  return {
    name,
    evaluate: (trace) =>
      invert
        ? everyResourceAndSpan(
            trace,
            (resource) => !matches(resource.attributes),
            (span) => !matches(span.attributes),
          )
        : anyResourceOrSpan(
            trace,
            (resource) => matches(resource.attributes),
            (span) => matches(span.attributes),
          ),
  };
}

const STATUS_CODES: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

/** status_code.go */
function statusCode(name: string, settings: Settings): Policy {
  settings.allowOnly(['status_codes']);
  const names = settings.stringList('status_codes');
  if (names.length === 0) {
    throw new SettingsError(settings.at('status_codes'), 'expected at least one status code to filter on');
  }
  const codes = names.map((code, index) => {
    const value = STATUS_CODES[code];
    if (value === undefined) {
      throw new SettingsError(
        `${settings.at('status_codes')}[${index}]`,
        `unknown status code "${code}", supported: OK, ERROR, UNSET`,
      );
    }
    return value;
  });
  return { name, evaluate: (trace) => anySpan(trace, (span) => codes.includes(span.status?.code ?? 0)) };
}

/**
 * latency.go: the duration from the earliest start to the latest end among the spans seen so far, checked span by
 * span (so a trace can be sampled on the way, before a later span widens it): >= threshold_ms without an upper
 * bound, else threshold_ms < duration <= upper_threshold_ms (whole milliseconds, truncated).
 */
function latency(name: string, settings: Settings): Policy {
  settings.allowOnly(['threshold_ms', 'upper_threshold_ms']);
  const threshold = BigInt(settings.integer('threshold_ms', 0, Number.MIN_SAFE_INTEGER));
  const upper = BigInt(settings.integer('upper_threshold_ms', 0, Number.MIN_SAFE_INTEGER));
  return {
    name,
    evaluate: (trace) => {
      let min = 0n;
      let max = 0n;
      return anySpan(trace, (span) => {
        const start = BigInt(span.startTimeUnixNano ?? '0');
        const end = BigInt(span.endTimeUnixNano ?? '0');
        if (min === 0n || start < min) min = start;
        if (max === 0n || end > max) max = end;
        const ms = (max - min) / 1_000_000n;
        return upper === 0n ? ms >= threshold : threshold < ms && ms <= upper;
      });
    },
  };
}

/** span_count_sampler.go: inclusive; max_spans 0 means no upper bound. */
function spanCount(name: string, settings: Settings): Policy {
  settings.allowOnly(['min_spans', 'max_spans']);
  const min = settings.integer('min_spans', 0, Number.MIN_SAFE_INTEGER);
  const max = settings.integer('max_spans', 0, Number.MIN_SAFE_INTEGER);
  return {
    name,
    evaluate: ({ spanCount: count }) =>
      (max === 0 && count >= min) || (count >= min && count <= max) ? Decision.Sampled : Decision.NotSampled,
  };
}

const MAX_UINT64 = (1n << 64n) - 1n;

/** FNV-1a, 64 bit (Go's hash/fnv New64a), of the salt's UTF-8 bytes followed by the trace id's 16 bytes. */
export function hashTraceId(salt: string, traceId: Uint8Array): bigint {
  let hash = 0xcbf29ce484222325n;
  const feed = (bytes: Uint8Array): void => {
    for (const byte of bytes) {
      hash ^= BigInt(byte);
      hash = (hash * 0x100000001b3n) & MAX_UINT64;
    }
  };
  feed(new TextEncoder().encode(salt));
  feed(traceId);
  return hash;
}

/**
 * probabilistic.go calculateThreshold: MaxUint64 × ratio in a big.Float of 64 bits' precision (rounded to nearest
 * even), then Uint64() (truncated; clamped to 0 … MaxUint64).
 */
export function probabilisticThreshold(ratio: number): bigint {
  if (!(ratio > 0)) return 0n;
  // the float64 ratio exactly: mantissa × 2^exponent
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, ratio);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  let product = MAX_UINT64 * mantissa;
  let shift = exponent;
  // round the product to 64 significant bits, ties to even
  const excess = product.toString(2).length - 64;
  if (excess > 0) {
    const unit = 1n << BigInt(excess);
    const remainder = product % unit;
    product /= unit;
    const half = unit / 2n;
    if (remainder > half || (remainder === half && (product & 1n) === 1n)) product += 1n;
    shift += excess;
  }
  const value = shift >= 0 ? product << BigInt(shift) : product >> BigInt(-shift);
  return value > MAX_UINT64 ? MAX_UINT64 : value;
}

function probabilistic(name: string, settings: Settings): Policy {
  settings.allowOnly(['hash_salt', 'sampling_percentage']);
  const salt = settings.string('hash_salt', '') || 'default-hash-seed';
  const raw = settings.raw('sampling_percentage');
  if (raw !== undefined && raw !== null && typeof raw !== 'number') {
    throw new SettingsError(settings.at('sampling_percentage'), 'must be a number');
  }
  const threshold = probabilisticThreshold(((raw as number | undefined) ?? 0) / 100);
  return {
    name,
    evaluate: (trace) => (hashTraceId(salt, trace.traceId) <= threshold ? Decision.Sampled : Decision.NotSampled),
  };
}

/**
 * rate_limiting.go: a token bucket (golang.org/x/time/rate) of spans_per_second tokens a second and room for twice
 * that, full at first; a trace passes when its span count can be taken from the bucket now.
 */
function rateLimiting(name: string, settings: Settings, now: () => number): Policy {
  settings.allowOnly(['spans_per_second']);
  const rate = settings.integer('spans_per_second', 0, Number.MIN_SAFE_INTEGER);
  const burst = rate * 2;
  let tokens = burst;
  let last: number | undefined;
  return {
    name,
    evaluate: (trace) => {
      const n = trace.spanCount;
      const time = now();
      if (rate <= 0) {
        // rate.Limiter with a zero limit: only the burst (0 here) can be spent
        return n <= 0 ? Decision.Sampled : Decision.NotSampled;
      }
      if (n > burst) return Decision.NotSampled;
      const elapsed = last === undefined ? Infinity : Math.max(0, time - last);
      const available = Math.min(burst, tokens + (elapsed * rate) / 1000);
      if (available < n) return Decision.NotSampled;
      tokens = available - n;
      last = time;
      return Decision.Sampled;
    },
  };
}

/** and.go: Sampled unless a sub-policy says NotSampled or InvertNotSampled (then NotSampled). */
function and(name: string, settings: Settings, now: () => number): Policy {
  settings.allowOnly(['and_sub_policy']);
  const subpolicies = settingsList(settings, 'and_sub_policy').map((sub) => readPolicy(sub, now, false));
  return {
    name,
    evaluate: (trace) => {
      for (const sub of subpolicies) {
        const decision = sub.evaluate(trace);
        if (decision === Decision.NotSampled || decision === Decision.InvertNotSampled) return Decision.NotSampled;
      }
      return Decision.Sampled;
    },
  };
}

/** One policy (or, with top = false, an and sub-policy, which cannot itself be an and). */
export function readPolicy(settings: Settings, now: () => number, top = true): Policy {
  settings.allowOnly(top ? [...POLICY_KEYS, 'and', 'composite', 'drop'] : POLICY_KEYS);
  const name = settings.string('name', '');
  const type = settings.string('type', '');
  const hint = `Supported policy types: ${SUPPORTED_POLICY_TYPES.join(', ')}`;
  if (type === '') throw new SettingsError(settings.at('type'), 'is required', hint);
  const sub = settings.nested(type);
  switch (type) {
    case 'always_sample':
      return { name, evaluate: () => Decision.Sampled };
    case 'latency':
      return latency(name, sub);
    case 'numeric_attribute':
      return numericAttribute(name, sub);
    case 'probabilistic':
      return probabilistic(name, sub);
    case 'status_code':
      return statusCode(name, sub);
    case 'string_attribute':
      return stringAttribute(name, sub);
    case 'rate_limiting':
      return rateLimiting(name, sub, now);
    case 'span_count':
      return spanCount(name, sub);
    case 'boolean_attribute':
      return booleanAttribute(name, sub);
    case 'and':
      if (top) return and(name, sub, now);
      break;
  }
  if (UNSUPPORTED_POLICY_TYPES.includes(type) || type === 'and') {
    throw new SettingsError(
      settings.at('type'),
      `the sampling policy type "${type}" is not supported by the bundled collector runtime`,
      hint,
    );
  }
  throw new SettingsError(settings.at('type'), `unknown sampling policy type ${type}`, hint);
}

/** The `policies` list, as upstream's loadSamplingPolicies checks it: names non-empty and unique. */
export function readPolicies(settings: Settings, now: () => number): Policy[] {
  const names = new Set<string>();
  return settingsList(settings, 'policies').map((entry) => {
    const name = entry.string('name', '');
    if (name === '') throw new SettingsError(entry.at('name'), 'policy name cannot be empty');
    if (names.has(name)) throw new SettingsError(entry.at('name'), `duplicate policy name "${name}"`);
    names.add(name);
    return readPolicy(entry, now);
  });
}
