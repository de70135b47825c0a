import { describe, expect, it } from 'vitest';
import { Settings, SettingsError } from '../../src/collector/config/settings.js';

// The collector reads its durations with Go's time.ParseDuration (https://pkg.go.dev/time#ParseDuration); the
// prometheus receiver's scrape settings are Prometheus' own (https://github.com/prometheus/common/blob/main/model/time.go).
const duration = (value: unknown) => new Settings({ timeout: value }, 'exporters.x').duration('timeout', 7);
const scrape = (value: unknown) =>
  new Settings({ scrape_interval: value }, 'global').prometheusDuration('scrape_interval', 7);

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('collector durations', () => {
  it.each([
    [undefined, 7],
    [0, 0],
    ['0', 0],
    ['0s', 0],
    ['5s', 5_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['500us', 0.5],
    ['500µs', 0.5],
    ['1h0.5m', 3_630_000],
  ])('%j -> %d ms', (value, ms) => expect(duration(value)).toBe(ms));

  it.each(['120', '5 s', '1d', 'soon', 5, true])('refuses %j with the key path', (value) => {
    const error = errorOf(() => duration(value));
    expect(error).toBeInstanceOf(SettingsError);
    expect((error as SettingsError).path).toBe('exporters.x.timeout');
  });

  it('refuses a negative duration', () => expect(() => duration('-1s')).toThrow(/negative/));
});

describe('Prometheus scrape durations', () => {
  it.each([
    ['15s', 15_000],
    ['1m30s', 90_000],
    ['1d', 86_400_000],
    [undefined, 7],
  ])('%j -> %d ms', (value, ms) => expect(scrape(value)).toBe(ms));

  it.each(['1.5s', '500us', '30s1m', '15'])('refuses %j', (value) =>
    expect(() => scrape(value)).toThrow(SettingsError),
  );
});
