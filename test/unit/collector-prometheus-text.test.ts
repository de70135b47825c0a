import { describe, expect, it } from 'vitest';
import {
  ExpositionError,
  parseExposition,
  scanExposition,
} from '../../src/collector/receivers/prometheus/text-format.js';

const exposition = String.raw`# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
# TYPE process_start gauge
process_start NaN
`;

describe('Prometheus text exposition format', () => {
  const { samples, help } = parseExposition(exposition);
  const byName = (name: string) => samples.filter((sample) => sample.name === name);

  it('reads the example of the format documentation, sample by sample', () => {
    expect(samples).toHaveLength(14);
    expect(byName('http_requests_total')).toEqual([
      {
        name: 'http_requests_total',
        family: 'http_requests_total',
        type: 'counter',
        labels: { method: 'post', code: '200' },
        value: 1027,
        timestampMs: 1395066363000,
      },
      {
        name: 'http_requests_total',
        family: 'http_requests_total',
        type: 'counter',
        labels: { method: 'post', code: '400' },
        value: 3,
        timestampMs: 1395066363000,
      },
    ]);
    expect(help.get('http_requests_total')).toBe('The total number of HTTP requests.');
  });

  it('unescapes label values', () => {
    expect(byName('msdos_file_access_time_seconds')[0]?.labels).toEqual({
      path: 'C:\\DIR\\FILE.TXT',
      error: 'Cannot find file:\n"FILE.TXT"',
    });
    expect(byName('msdos_file_access_time_seconds')[0]?.value).toBe(1.458255915e9);
  });

  it('treats metrics without TYPE as untyped, and reads +Inf, NaN and negative timestamps', () => {
    expect(byName('metric_without_timestamp_and_labels')[0]).toEqual({
      name: 'metric_without_timestamp_and_labels',
      family: 'metric_without_timestamp_and_labels',
      type: 'untyped',
      labels: {},
      value: 12.47,
    });
    expect(byName('something_weird')[0]).toMatchObject({ value: Infinity, timestampMs: -3982045 });
    expect(Number.isNaN(byName('process_start')[0]?.value)).toBe(true);
    expect(byName('process_start')[0]?.type).toBe('gauge');
  });

  it('groups histogram and summary samples under their family', () => {
    const histogram = samples.filter((sample) => sample.family === 'http_request_duration_seconds');
    expect(histogram.map((sample) => [sample.name, sample.type, sample.labels.le, sample.value])).toEqual([
      ['http_request_duration_seconds_bucket', 'histogram', '0.05', 24054],
      ['http_request_duration_seconds_bucket', 'histogram', '+Inf', 144320],
      ['http_request_duration_seconds_sum', 'histogram', undefined, 53423],
      ['http_request_duration_seconds_count', 'histogram', undefined, 144320],
    ]);
    const summary = samples.filter((sample) => sample.family === 'rpc_duration_seconds');
    expect(summary.map((sample) => [sample.name, sample.type, sample.labels.quantile])).toEqual([
      ['rpc_duration_seconds', 'summary', '0.01'],
      ['rpc_duration_seconds', 'summary', '0.99'],
      ['rpc_duration_seconds_sum', 'summary', undefined],
      ['rpc_duration_seconds_count', 'summary', undefined],
    ]);
  });

  it.each([
    ['metric{a="1" 1', 'expected "," or "}" in the label set'],
    ['metric{a="1"} one', '"one" is not a number'],
    ['metric{a=1} 1', 'expected a quoted value for label a'],
    ['metric{a="1",a="2"} 1', 'label a given twice'],
    ['# TYPE metric gauges', 'unknown metric type "gauges"'],
    ['metric 1 12.5', '"12.5" is not a timestamp (ms)'],
  ])('refuses %s, naming the line', (line, message) => {
    expect(() => parseExposition(`ok 1\n${line}\n`)).toThrow(new ExpositionError(2, message));
  });

  it.each([
    ['plain integers', 'm 42', 42, undefined],
    ['negative zero', 'm -0', -0, undefined],
    ['leading zeros', 'm 007 1000', 7, 1000],
    ['a leading plus', 'm +5', 5, undefined],
    ['exponents', 'm{a="1"} -1.5e-3', -0.0015, undefined],
    ['hexadecimal', 'm 0x1F', 31, undefined],
    ['integers beyond 15 digits', 'm 1234567890123456', 1234567890123456, undefined],
    ['timestamps beyond 15 digits', 'm 1 1234567890123456', 1, 1234567890123456],
    ['a negative timestamp', 'm 1 -5', 1, -5],
    ['tabs and trailing blanks', 'm{a="1"}\t2\t 3 \t', 2, 3],
    ['no blank after the label set', 'm{a="1"}4', 4, undefined],
    ['leading blanks', '  \tm{a="1"} 5', 5, undefined],
    ['a CRLF line end', 'm 6 7\r', 6, 7],
    ['a brace in a label value', 'm{a="}"} 8', 8, undefined],
  ])('reads %s as the format defines them', (_, line, value, timestampMs) => {
    const [sample] = parseExposition(`${line}\n`).samples;
    expect(Object.is(sample?.value, value)).toBe(true);
    expect(sample?.timestampMs).toBe(timestampMs);
    expect(sample?.name).toBe('m');
  });

  it.each([
    ['m 1 2 3', 'expected a value and an optional timestamp'],
    ['m', 'expected a value and an optional timestamp'],
    ['m{a="1"}', 'expected a value and an optional timestamp'],
    ['m 1.2.3', '"1.2.3" is not a number'],
    ['m 1e', '"1e" is not a number'],
    ['m 1 12a', '"12a" is not a timestamp (ms)'],
    ['m{a="1"} 1 }', 'expected a value and an optional timestamp'],
  ])('refuses %s on the common path too', (line, message) => {
    expect(() => parseExposition(`ok 1\n${line}\n`)).toThrow(new ExpositionError(2, message));
  });

  it('hands each sample its series text as written, without slicing the exposition', () => {
    const text = '# TYPE a counter\na_total{x="1"} 1\n  b 2 3\n';
    const seen: [string, number, number | undefined, number][] = [];
    scanExposition(text, { types: new Map(), help: new Map() }, (source, start, end, value, timestampMs, line) => {
      seen.push([source.slice(start, end), value, timestampMs, line]);
      if (line === 2) expect(source).toBe(text);
    });
    expect(seen).toEqual([
      ['a_total{x="1"}', 1, undefined, 2],
      ['b', 2, 3, 3],
    ]);
  });
});
