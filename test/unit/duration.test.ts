import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseGoDuration, parsePrometheusDuration } from '../../src/core/duration.js';

// Go's own examples and edge cases: https://pkg.go.dev/time#ParseDuration and src/time/time_test.go (parseDurationTests)
describe('parseGoDuration', () => {
  it.each([
    ['0', 0],
    ['-0', 0],
    ['+0', 0],
    ['5s', 5_000],
    ['30s', 30_000],
    ['1478s', 1_478_000],
    ['-5s', -5_000],
    ['+5s', 5_000],
    ['5.0s', 5_000],
    ['5.6s', 5_600],
    ['5.s', 5_000],
    ['.5s', 500],
    ['1.004s', 1_004],
    ['10ns', 0.00001],
    ['11us', 0.011],
    ['12\u00b5s', 0.012],
    ['12\u03bcs', 0.012],
    ['13ms', 13],
    ['14s', 14_000],
    ['15m', 900_000],
    ['16h', 57_600_000],
    ['3h30m', 12_600_000],
    ['10.5s4m', 250_500],
    ['-2m3.4s', -123_400],
    ['1h2m3s4ms5us6ns', 3_723_004.005006],
    ['39h9m14.425s', 140_954_425],
    ['300ms', 300],
    ['-1.5h', -5_400_000],
    ['2h45m', 9_900_000],
  ])('%s -> %d ms', (text, ms) => expect(parseGoDuration(text)).toBeCloseTo(ms, 9));

  it.each(['', '3', '-', 's', '.', '-.', '.s', '+.s', '1d', '1h30', '5 m', ' 5s', 'x5s', '120', '9223372037s'])(
    'rejects %j as Go does',
    (text) => expect(parseGoDuration(text)).toBeUndefined(),
  );
});

describe('parseDuration (adot flags)', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['500us', 0.5],
    [' 2m30s ', 150_000],
    ['120', 120_000],
    ['1.5', 1_500],
  ])('%s -> %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '7x', '-5s', '0', '0s', '5 m', 'm5', '1h30'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );
});

// https://github.com/prometheus/common/blob/main/model/time.go
describe('parsePrometheusDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['1h5m10s20ms', 3_910_020],
  ])('%s -> %d ms', (text, ms) => expect(parsePrometheusDuration(text)).toBe(ms));

  it.each(['', '1.5s', '500us', '30s1m', '15', '-1s'])('rejects %j', (text) =>
    expect(parsePrometheusDuration(text)).toBeUndefined(),
  );
});

describe('formatDuration', () => {
  it.each([
    [500, '500ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [3_600_000, '1h'],
    [1_000, '1s'],
  ])('%d -> %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
