import { describe, expect, it } from 'vitest';
import { ExpositionError, parseExposition } from '../../src/collector/receivers/prometheus/text-format.js';

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
});
