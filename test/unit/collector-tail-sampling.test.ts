import { afterEach, describe, expect, it, vi } from 'vitest';
import { Settings, SettingsError } from '../../src/collector/config/settings.js';
import type { TraceItem } from '../../src/collector/model.js';
import {
  Decision,
  hashTraceId,
  probabilisticThreshold,
  readPolicy,
  type TraceData,
} from '../../src/collector/processors/tailsampling/policies.js';
import {
  readTailSamplingSettings,
  TailSamplingProcessor,
  type TailSamplingSettings,
} from '../../src/collector/processors/tailsampling/processor.js';
import { componentContext } from '../helpers/collector-context.js';
import { resource, sink, span, traceId, type Attributes } from '../helpers/trace-items.js';

function settings(raw: Record<string, unknown>, now: () => number = Date.now): TailSamplingSettings {
  return readTailSamplingSettings(new Settings(raw, 'processors.tail_sampling'), now);
}

function failure(raw: Record<string, unknown>): string {
  try {
    settings(raw);
  } catch (error) {
    return `${(error as SettingsError).path}: ${(error as Error).message}`;
  }
  return 'accepted';
}

function policy(raw: Record<string, unknown>, now: () => number = Date.now) {
  return readPolicy(new Settings({ name: 'p', ...raw }, 'processors.tail_sampling.policies[0]'), now);
}

function trace(items: TraceItem[], byte = 1): TraceData {
  return { spans: items, spanCount: items.length, traceId: traceId(byte) };
}

function started(raw: Record<string, unknown>) {
  const context = componentContext('tail_sampling');
  const next = sink();
  const processor = new TailSamplingProcessor(context, settings(raw), next as { consume(items: TraceItem[]): void });
  return { processor, next, context, start: () => processor.start() };
}

const onNode = (node: string, name: string, attributes: Attributes = {}) =>
  span(9, { name, resource: resource({ 'k8s.node.name': node }), attributes });

describe('tail_sampling settings', () => {
  it("reads upstream's defaults: decision_wait 30s, num_traces 50000, decision caches off", () => {
    expect(settings({ policies: [{ name: 'all', type: 'always_sample' }] })).toMatchObject({
      decisionWaitMs: 30_000,
      numTraces: 50_000,
      expectedNewTracesPerSec: 0,
      sampledCacheSize: 0,
      nonSampledCacheSize: 0,
      sampleOnFirstMatch: false,
      dropPendingTracesOnShutdown: false,
    });
  });

  it('refuses, by name, policy types not implemented here, unknown types, and bad policies as upstream does', () => {
    expect(failure({ policies: [{ name: 'c', type: 'composite', composite: {} }] })).toBe(
      'processors.tail_sampling.policies[0].type: the sampling policy type "composite" is not supported by the bundled collector runtime',
    );
    expect(failure({ policies: [{ name: 'o', type: 'ottl_condition' }] })).toMatch(/"ottl_condition" is not supported/);
    expect(failure({ policies: [{ name: 'x', type: 'stringattribute' }] })).toBe(
      'processors.tail_sampling.policies[0].type: unknown sampling policy type stringattribute',
    );
    expect(failure({ policies: [{ type: 'always_sample' }] })).toBe(
      'processors.tail_sampling.policies[0].name: policy name cannot be empty',
    );
    expect(
      failure({
        policies: [
          { name: 'a', type: 'always_sample' },
          { name: 'a', type: 'always_sample' },
        ],
      }),
    ).toBe('processors.tail_sampling.policies[1].name: duplicate policy name "a"');
    expect(failure({ policies: [{ name: 's', type: 'status_code', status_code: { status_codes: ['BAD'] } }] })).toBe(
      'processors.tail_sampling.policies[0].status_code.status_codes[0]: unknown status code "BAD", supported: OK, ERROR, UNSET',
    );
    expect(failure({ policies: [{ name: 's', type: 'status_code', status_code: {} }] })).toMatch(
      /expected at least one status code to filter on/,
    );
    expect(failure({ block_on_overflow: true, policies: [] })).toMatch(/block_on_overflow: true is not supported/);
    expect(failure({ decision_wiat: '1s' })).toMatch(/unknown setting "decision_wiat"/);
  });
});

describe('tail_sampling policies', () => {
  it('string_attribute matches resource attributes and span attributes; without invert_match it SAMPLES the matching traces', () => {
    const node = policy({
      type: 'string_attribute',
      string_attribute: { key: 'k8s.node.name', values: ['badnode-1234'] },
    });
    expect(node.evaluate(trace([onNode('badnode-1234', 'a')]))).toBe(Decision.Sampled);
    expect(node.evaluate(trace([onNode('goodnode', 'a')]))).toBe(Decision.NotSampled);
    expect(node.evaluate(trace([span(1, { attributes: { 'k8s.node.name': 'badnode-1234' } })]))).toBe(Decision.Sampled);
    // a non-string attribute: a resource's reads "", a span's is skipped
    expect(node.evaluate(trace([span(1, { attributes: { 'k8s.node.name': 5 } })]))).toBe(Decision.NotSampled);
  });

  it('string_attribute invert_match: InvertNotSampled when a value matches, InvertSampled otherwise (key absent too)', () => {
    const node = policy({
      type: 'string_attribute',
      string_attribute: { key: 'k8s.node.name', values: ['badnode-1234'], invert_match: true },
    });
    expect(node.evaluate(trace([onNode('goodnode', 'a'), onNode('badnode-1234', 'b')]))).toBe(
      Decision.InvertNotSampled,
    );
    expect(node.evaluate(trace([onNode('goodnode', 'a')]))).toBe(Decision.InvertSampled);
    expect(node.evaluate(trace([span(1)]))).toBe(Decision.InvertSampled);
  });

  it('string_attribute enabled_regex_matching: unanchored, as Go regexp MatchString; cache_max_size changes nothing', () => {
    const route = policy({
      type: 'string_attribute',
      string_attribute: {
        key: 'http.route',
        values: ['/v1/name/.+'],
        enabled_regex_matching: true,
        cache_max_size: 10,
      },
    });
    expect(route.evaluate(trace([span(1, { attributes: { 'http.route': '/api/v1/name/42' } })]))).toBe(
      Decision.Sampled,
    );
    expect(route.evaluate(trace([span(1, { attributes: { 'http.route': '/v1/name/' } })]))).toBe(Decision.NotSampled);
  });

  it('numeric_attribute: Int() within [min_value, max_value], a bound of 0 unset; invert_match', () => {
    const errors = policy({
      type: 'numeric_attribute',
      numeric_attribute: { key: 'http.status_code', min_value: 500 },
    });
    expect(errors.evaluate(trace([span(1, { attributes: { 'http.status_code': 503 } })]))).toBe(Decision.Sampled);
    expect(errors.evaluate(trace([span(1, { attributes: { 'http.status_code': 200 } })]))).toBe(Decision.NotSampled);
    // a double reads as 0 (pcommon.Value.Int())
    expect(errors.evaluate(trace([span(1, { attributes: { 'http.status_code': 503.5 } })]))).toBe(Decision.NotSampled);
    const range = policy({
      type: 'numeric_attribute',
      numeric_attribute: { key: 'n', min_value: 50, max_value: 100, invert_match: true },
    });
    expect(range.evaluate(trace([span(1, { attributes: { n: 75 } })]))).toBe(Decision.InvertNotSampled);
    expect(range.evaluate(trace([span(1, { attributes: { n: 175 } })]))).toBe(Decision.InvertSampled);
    expect(() => policy({ type: 'numeric_attribute', numeric_attribute: { key: 'n' } })).toThrow(
      /min_value or max_value/,
    );
  });

  it('boolean_attribute: Bool() equal to value; invert_match', () => {
    const forced = policy({ type: 'boolean_attribute', boolean_attribute: { key: 'app.force_sample', value: true } });
    expect(forced.evaluate(trace([span(1, { attributes: { 'app.force_sample': true } })]))).toBe(Decision.Sampled);
    expect(forced.evaluate(trace([span(1, { attributes: { 'app.force_sample': false } })]))).toBe(Decision.NotSampled);
    const not = policy({
      type: 'boolean_attribute',
      boolean_attribute: { key: 'app.do_not_sample', value: true, invert_match: true },
    });
    expect(not.evaluate(trace([span(1, { attributes: { 'app.do_not_sample': true } })]))).toBe(
      Decision.InvertNotSampled,
    );
    expect(not.evaluate(trace([span(1)]))).toBe(Decision.InvertSampled);
  });

  it('status_code: any span with a listed code', () => {
    const errors = policy({ type: 'status_code', status_code: { status_codes: ['ERROR'] } });
    expect(errors.evaluate(trace([span(1, { status: 1 }), span(1, { status: 2 })]))).toBe(Decision.Sampled);
    expect(errors.evaluate(trace([span(1)]))).toBe(Decision.NotSampled);
    const unset = policy({ type: 'status_code', status_code: { status_codes: ['UNSET'] } });
    expect(unset.evaluate(trace([span(1)]))).toBe(Decision.Sampled);
  });

  it('latency: earliest start to latest end; >= threshold_ms, or threshold_ms < d <= upper_threshold_ms, checked span by span', () => {
    const slow = policy({ type: 'latency', latency: { threshold_ms: 100 } });
    const spans = [span(1, { startMs: 1_000, endMs: 1_040 }), span(1, { startMs: 1_050, endMs: 1_100 })];
    expect(slow.evaluate(trace(spans))).toBe(Decision.Sampled);
    expect(slow.evaluate(trace([span(1, { startMs: 1_000, endMs: 1_099 })]))).toBe(Decision.NotSampled);
    const band = policy({ type: 'latency', latency: { threshold_ms: 100, upper_threshold_ms: 200 } });
    expect(band.evaluate(trace([span(1, { startMs: 0, endMs: 100 })]))).toBe(Decision.NotSampled);
    expect(band.evaluate(trace([span(1, { startMs: 0, endMs: 200 })]))).toBe(Decision.Sampled);
    // upstream decides on the way: 150 ms after the first span passes before the second widens the trace to 300 ms
    expect(band.evaluate(trace([span(1, { startMs: 0, endMs: 150 }), span(1, { startMs: 0, endMs: 300 })]))).toBe(
      Decision.Sampled,
    );
  });

  it('span_count: inclusive bounds, max_spans 0 unbounded', () => {
    const two = policy({ type: 'span_count', span_count: { min_spans: 2 } });
    expect(two.evaluate(trace([span(1)]))).toBe(Decision.NotSampled);
    expect(two.evaluate(trace([span(1), span(1), span(1)]))).toBe(Decision.Sampled);
    const band = policy({ type: 'span_count', span_count: { min_spans: 1, max_spans: 2 } });
    expect(band.evaluate(trace([span(1), span(1), span(1)]))).toBe(Decision.NotSampled);
  });

  it("probabilistic: upstream's FNV-1a 64 of salt + trace id against MaxUint64 × ratio (64-bit big.Float)", () => {
    // FNV-1a 64 published vectors: "" and "foobar"
    expect(hashTraceId('', new Uint8Array())).toBe(0xcbf29ce484222325n);
    expect(hashTraceId('foo', new TextEncoder().encode('bar'))).toBe(0x85944171f73967e8n);
    // computed independently (exact rational arithmetic, 64-bit rounding to nearest even, then truncation)
    expect(probabilisticThreshold(1)).toBe(18446744073709551615n);
    expect(probabilisticThreshold(0.5)).toBe(9223372036854775807n);
    expect(probabilisticThreshold(0.1)).toBe(1844674407370955263n);
    expect(probabilisticThreshold(0.333)).toBe(6142765776545281023n);
    expect(probabilisticThreshold(2)).toBe(18446744073709551615n);
    const ids = Uint8Array.from({ length: 16 }, (_, index) => index + 1);
    expect(hashTraceId('default-hash-seed', ids)).toBe(15838989281584434349n);
    expect(hashTraceId('my-salt', ids)).toBe(6466422796093388406n);
    const ten = policy({ type: 'probabilistic', probabilistic: { sampling_percentage: 10 } });
    // of the trace ids 00…00 to 13…13, 10% with the default salt samples exactly 0d…0d and 11…11
    const sampled = Array.from({ length: 20 }, (_, byte) => byte).filter(
      (byte) => ten.evaluate(trace([span(byte)], byte)) === Decision.Sampled,
    );
    expect(sampled).toEqual([13, 17]);
    const half = (salt?: string) =>
      policy({
        type: 'probabilistic',
        probabilistic: { sampling_percentage: 50, ...(salt ? { hash_salt: salt } : {}) },
      });
    const data: TraceData = { spans: [], spanCount: 1, traceId: ids };
    expect(half().evaluate(data)).toBe(Decision.NotSampled);
    expect(half('my-salt').evaluate(data)).toBe(Decision.Sampled);
  });

  it('rate_limiting: a token bucket of spans_per_second, twice that deep, full at first', () => {
    let now = 1_000_000;
    const limited = policy({ type: 'rate_limiting', rate_limiting: { spans_per_second: 2 } }, () => now);
    const threeSpans = { spans: [], spanCount: 3, traceId: traceId(1) };
    const oneSpan = { spans: [], spanCount: 1, traceId: traceId(1) };
    expect(limited.evaluate(threeSpans)).toBe(Decision.Sampled);
    expect(limited.evaluate(oneSpan)).toBe(Decision.Sampled);
    expect(limited.evaluate(oneSpan)).toBe(Decision.NotSampled);
    now += 500;
    expect(limited.evaluate(oneSpan)).toBe(Decision.Sampled);
    // more than the bucket holds never passes
    now += 60_000;
    expect(limited.evaluate({ ...oneSpan, spanCount: 5 })).toBe(Decision.NotSampled);
  });

  it('and: Sampled unless a sub-policy says NotSampled or InvertNotSampled', () => {
    const both = policy({
      type: 'and',
      and: {
        and_sub_policy: [
          { name: 'svc', type: 'string_attribute', string_attribute: { key: 'service.name', values: ['cart'] } },
          {
            name: 'not-health',
            type: 'string_attribute',
            string_attribute: { key: 'http.route', values: ['/health'], invert_match: true },
          },
        ],
      },
    });
    const cart = (route: string) =>
      span(1, { resource: resource({ 'service.name': 'cart' }), attributes: { 'http.route': route } });
    expect(both.evaluate(trace([cart('/buy')]))).toBe(Decision.Sampled);
    expect(both.evaluate(trace([cart('/health')]))).toBe(Decision.NotSampled);
    expect(both.evaluate(trace([span(1, { attributes: { 'http.route': '/buy' } })]))).toBe(Decision.NotSampled);
    expect(() => policy({ type: 'and', and: { and_sub_policy: [{ name: 'x', type: 'and' }] } })).toThrow(
      /"and" is not supported/,
    );
  });
});

describe('tail_sampling processor', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const nodePolicy = (invert: boolean) => ({
    name: 'node-policy',
    type: 'string_attribute',
    string_attribute: { key: 'k8s.node.name', values: ['badnode-1234'], ...(invert ? { invert_match: true } : {}) },
  });

  it('decides between decision_wait and decision_wait + 1 s after the first span; the page policy keeps the bad node only', async () => {
    vi.useFakeTimers();
    const { processor, next, start } = started({ decision_wait: '2s', policies: [nodePolicy(false)] });
    await start();
    processor.consume([
      span(1, { name: 'bad', resource: resource({ 'k8s.node.name': 'badnode-1234' }) }),
      span(2, { name: 'good', resource: resource({ 'k8s.node.name': 'ip-10-0-1-23.ec2.internal' }) }),
    ]);
    vi.advanceTimersByTime(2_000);
    expect(next.batches).toEqual([]);
    vi.advanceTimersByTime(1_000);
    expect(next.batches).toEqual([['bad']]);
    await processor.shutdown();
  });

  it('invert_match drops the bad node and keeps the others', async () => {
    vi.useFakeTimers();
    const { processor, next, start } = started({ decision_wait: '1s', policies: [nodePolicy(true)] });
    await start();
    processor.consume([
      span(1, { name: 'bad', resource: resource({ 'k8s.node.name': 'badnode-1234' }) }),
      span(2, { name: 'good', resource: resource({ 'k8s.node.name': 'ip-10-0-1-23.ec2.internal' }) }),
    ]);
    vi.advanceTimersByTime(2_000);
    expect(next.names()).toEqual(['good']);
    await processor.shutdown();
  });

  it("decision precedence as upstream's makeDecision: InvertNotSampled beats Sampled; InvertSampled loses to NotSampled", async () => {
    vi.useFakeTimers();
    const notOnBad = nodePolicy(true);
    const errors = { name: 'errors', type: 'status_code', status_code: { status_codes: ['ERROR'] } };
    const { processor, next, start } = started({
      decision_wait: '1s',
      policies: [{ name: 'all', type: 'always_sample' }, notOnBad],
    });
    await start();
    processor.consume([span(1, { name: 'bad', resource: resource({ 'k8s.node.name': 'badnode-1234' }) })]);
    processor.consume([span(2, { name: 'good', resource: resource({ 'k8s.node.name': 'other' }) })]);
    vi.advanceTimersByTime(2_000);
    expect(next.names()).toEqual(['good']);
    await processor.shutdown();

    const second = started({ decision_wait: '1s', policies: [errors, notOnBad] });
    await second.start();
    // errors says NotSampled, the inverted policy InvertSampled: not sampled
    second.processor.consume([
      span(3, { name: 'ok-span', status: 1, resource: resource({ 'k8s.node.name': 'other' }) }),
    ]);
    // errors says Sampled: sampled
    second.processor.consume([
      span(4, { name: 'error-span', status: 2, resource: resource({ 'k8s.node.name': 'other' }) }),
    ]);
    vi.advanceTimersByTime(2_000);
    expect(second.next.names()).toEqual(['error-span']);
    await second.processor.shutdown();

    const alone = started({ decision_wait: '1s', policies: [notOnBad] });
    await alone.start();
    alone.processor.consume([span(5, { name: 'alone', resource: resource({ 'k8s.node.name': 'other' }) })]);
    vi.advanceTimersByTime(2_000);
    expect(alone.next.names()).toEqual(['alone']);
    await alone.processor.shutdown();
  });

  it('late spans of a decided trace follow the decision at once while the trace is held', async () => {
    vi.useFakeTimers();
    const { processor, next, start } = started({ decision_wait: '1s', policies: [nodePolicy(false)] });
    await start();
    processor.consume([span(1, { name: 'bad', resource: resource({ 'k8s.node.name': 'badnode-1234' }) })]);
    processor.consume([span(2, { name: 'good', resource: resource({ 'k8s.node.name': 'other' }) })]);
    vi.advanceTimersByTime(2_000);
    expect(next.batches).toEqual([['bad']]);
    // a late span of the sampled trace is sent on at once, even without the attribute; the dropped trace's is dropped
    processor.consume([
      span(1, { name: 'bad-late' }),
      span(2, { name: 'good-late', resource: resource({ 'k8s.node.name': 'badnode-1234' }) }),
    ]);
    expect(next.batches).toEqual([['bad'], ['bad-late']]);
    vi.advanceTimersByTime(5_000);
    expect(next.batches).toEqual([['bad'], ['bad-late']]);
    await processor.shutdown();
  });

  it('with decision caches, a decided trace leaves memory and its late spans follow the cached decision', async () => {
    vi.useFakeTimers();
    const { processor, next, start } = started({
      decision_wait: '1s',
      decision_cache: { sampled_cache_size: 10, non_sampled_cache_size: 10 },
      policies: [nodePolicy(false)],
    });
    await start();
    processor.consume([span(1, { name: 'bad', resource: resource({ 'k8s.node.name': 'badnode-1234' }) })]);
    processor.consume([span(2, { name: 'good', resource: resource({ 'k8s.node.name': 'other' }) })]);
    vi.advanceTimersByTime(2_000);
    expect(processor.heldTraces()).toBe(0);
    processor.consume([span(1, { name: 'bad-late' }), span(2, { name: 'good-late' })]);
    expect(next.names()).toEqual(['bad', 'bad-late']);
    await processor.shutdown();
  });

  it('beyond num_traces the trace that arrived first is dropped, decided or not', async () => {
    vi.useFakeTimers();
    const { processor, next, start, context } = started({
      decision_wait: '1s',
      num_traces: 2,
      policies: [{ name: 'all', type: 'always_sample' }],
    });
    await start();
    processor.consume([span(1, { name: 'first' })]);
    processor.consume([span(2, { name: 'second' })]);
    processor.consume([span(3, { name: 'third' })]);
    expect(processor.heldTraces()).toBe(2);
    vi.advanceTimersByTime(2_000);
    expect(next.names()).toEqual(['second', 'third']);
    expect(
      context.metrics
        .counter('otelcol_processor_tail_sampling_sampling_trace_dropped_too_early', '', { processor: 'tail_sampling' })
        .value(),
    ).toBe(1);
    // decided traces stay held (no decision cache) until a new trace needs their room: second goes now
    processor.consume([span(4, { name: 'fourth' })]);
    processor.consume([span(2, { name: 'second-late' })]);
    vi.advanceTimersByTime(2_000);
    // second's late span started a new trace (it was dropped from memory), decided anew
    expect(next.names()).toEqual(['second', 'third', 'fourth', 'second-late']);
    await processor.shutdown();
  });

  it('shutdown decides every pending trace with what has arrived and sends on the sampled ones', async () => {
    vi.useFakeTimers();
    const { processor, next, start } = started({ policies: [nodePolicy(false)] });
    await start();
    processor.consume([span(1, { name: 'bad', resource: resource({ 'k8s.node.name': 'badnode-1234' }) })]);
    processor.consume([span(2, { name: 'good', resource: resource({ 'k8s.node.name': 'other' }) })]);
    vi.advanceTimersByTime(5_000);
    expect(next.batches).toEqual([]);
    await processor.shutdown();
    expect(next.batches).toEqual([['bad']]);

    const dropping = started({ drop_pending_traces_on_shutdown: true, policies: [nodePolicy(false)] });
    await dropping.start();
    dropping.processor.consume([span(1, { name: 'bad', resource: resource({ 'k8s.node.name': 'badnode-1234' }) })]);
    await dropping.processor.shutdown();
    expect(dropping.next.batches).toEqual([]);
  });
});
