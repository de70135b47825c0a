/**
 * Reading one component's settings with the collector's strictness: unknown keys and wrong types are errors that
 * name the exact key (exporters.awsxray.timeout), defaults apply only to absent keys.
 */
import { parseGoDuration, parsePrometheusDuration } from '../../core/duration.js';
import { expandedOriginal } from '../../core/collector-config.js';

export class SettingsError extends Error {
  constructor(
    readonly path: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Settings {
  private readonly values: Record<string, unknown>;

  constructor(
    raw: unknown,
    readonly path: string,
  ) {
    if (raw !== undefined && raw !== null && !isRecord(raw)) throw new SettingsError(path, 'must be a mapping');
    this.values = isRecord(raw) ? raw : {};
  }

  /** Refuses keys outside `known`, as the collector refuses a configuration with an unknown field. */
  allowOnly(known: readonly string[]): this {
    for (const key of Object.keys(this.values)) {
      if (!known.includes(key)) {
        throw new SettingsError(this.at(key), `unknown setting "${key}"`, `Known settings: ${known.join(', ')}`);
      }
    }
    return this;
  }

  has(key: string): boolean {
    return this.values[key] !== undefined && this.values[key] !== null;
  }

  at(key: string): string {
    return `${this.path}.${key}`;
  }

  string(key: string, fallback: string): string;
  string(key: string): string | undefined;
  string(key: string, fallback?: string): string | undefined {
    const value = this.values[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'string') return value;
    // `${env:X}` alone reads as YAML (a number, a boolean); a string setting gets the text, as in the collector
    const original = expandedOriginal(this.values, key);
    if (original !== undefined) return original;
    throw new SettingsError(this.at(key), 'must be a string');
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined || value.trim() === '') throw new SettingsError(this.at(key), 'is required');
    return value;
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.values[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') throw new SettingsError(this.at(key), 'must be true or false');
    return value;
  }

  integer(key: string, fallback: number, minimum = 0): number {
    const value = this.values[key];
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
      throw new SettingsError(this.at(key), `must be an integer of at least ${minimum}`);
    }
    return value;
  }

  /**
   * A collector duration in Go's syntax (`200ms`, `5s`, `1m30s`, `500us`; src/core/duration.ts) in milliseconds;
   * `0` means zero. A bare number other than 0 is refused, as the collector refuses it ("missing unit").
   */
  duration(key: string, fallbackMs: number): number {
    const value = this.values[key];
    if (value === undefined || value === null) return fallbackMs;
    if (value === 0) return 0;
    const parsed = typeof value === 'string' ? parseGoDuration(value) : undefined;
    if (parsed === undefined)
      throw new SettingsError(this.at(key), `"${String(value)}" is not a duration`, 'e.g. 200ms, 5s, 1m');
    if (parsed < 0) throw new SettingsError(this.at(key), `"${String(value)}" is negative`, 'e.g. 200ms, 5s, 1m');
    return parsed;
  }

  /**
   * A duration of the Prometheus configuration the prometheus receiver embeds (`scrape_interval`): Prometheus' own
   * syntax (whole numbers of y, w, d, h, m, s, ms; src/core/duration.ts), which the receiver hands to Prometheus.
   */
  prometheusDuration(key: string, fallbackMs: number): number {
    const value = this.values[key];
    if (value === undefined || value === null) return fallbackMs;
    const parsed = typeof value === 'string' ? parsePrometheusDuration(value) : undefined;
    if (parsed === undefined)
      throw new SettingsError(this.at(key), `"${String(value)}" is not a Prometheus duration`, 'e.g. 15s, 1m, 1m30s');
    return parsed;
  }

  stringList(key: string): string[] {
    const value = this.values[key];
    if (value === undefined || value === null) return [];
    const list = Array.isArray(value)
      ? value.map((item: unknown, index) => (typeof item === 'string' ? item : expandedOriginal(value, index)))
      : [];
    if (!Array.isArray(value) || !list.every((item) => typeof item === 'string')) {
      throw new SettingsError(this.at(key), 'must be a list of strings');
    }
    return list as string[];
  }

  nested(key: string): Settings {
    return new Settings(this.values[key], this.at(key));
  }

  raw(key: string): unknown {
    return this.values[key];
  }
}

/** `host:port` (host may be empty, `0.0.0.0`, `[::]`); port 0 asks for an ephemeral port. */
export function parseEndpoint(text: string, path: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = match === null ? NaN : Number(match[3]);
  if (match === null || port > 65535) throw new SettingsError(path, `"${text}" is not host:port`, 'e.g. 0.0.0.0:2000');
  const host = match[1] ?? match[2] ?? '';
  return { host: host === '' ? '0.0.0.0' : host, port };
}
