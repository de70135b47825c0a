/**
 * The scrape limits of a Prometheus configuration, with Prometheus's semantics (docs/configuration/configuration.md
 * and scrape/scrape.go, https://github.com/prometheus/prometheus/blob/main/scrape/scrape.go): each may be set in
 * `global` and overridden per scrape config (0 = no limit), and exceeding one fails the whole scrape (`up` 0):
 *
 * - `body_size_limit`: an uncompressed body of this many bytes or more ("body size limit exceeded");
 * - `sample_limit`: more samples than this after metric_relabel_configs ("sample limit exceeded");
 * - `label_limit`, `label_name_length_limit`, `label_value_length_limit`: any series after metric relabeling with
 *   more labels (`__name__` included) or a longer name or value (in UTF-8 bytes) than allowed;
 * - `target_limit`: more targets after relabel_configs than this, and every target of the scrape config fails
 *   without being scraped ("target_limit exceeded (number of targets: N, limit: M)").
 */
import { SettingsError, type Settings } from '../../config/settings.js';

export interface ScrapeLimits {
  bodySizeLimit: number;
  sampleLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  targetLimit: number;
}

export const NO_LIMITS: ScrapeLimits = {
  bodySizeLimit: 0,
  sampleLimit: 0,
  labelLimit: 0,
  labelNameLengthLimit: 0,
  labelValueLengthLimit: 0,
  targetLimit: 0,
};

export const LIMIT_KEYS = [
  'body_size_limit',
  'sample_limit',
  'label_limit',
  'label_name_length_limit',
  'label_value_length_limit',
  'target_limit',
] as const;

/** The limits a scrape config sets, each falling back to `defaults` (global's) where absent or 0, as Prometheus. */
export function readScrapeLimits(settings: Settings, defaults: ScrapeLimits = NO_LIMITS): ScrapeLimits {
  const or = (own: number, fallback: number) => (own === 0 ? fallback : own);
  return {
    bodySizeLimit: or(readSize(settings, 'body_size_limit'), defaults.bodySizeLimit),
    sampleLimit: or(settings.integer('sample_limit', 0), defaults.sampleLimit),
    labelLimit: or(settings.integer('label_limit', 0), defaults.labelLimit),
    labelNameLengthLimit: or(settings.integer('label_name_length_limit', 0), defaults.labelNameLengthLimit),
    labelValueLengthLimit: or(settings.integer('label_value_length_limit', 0), defaults.labelValueLengthLimit),
    targetLimit: or(settings.integer('target_limit', 0), defaults.targetLimit),
  };
}

/**
 * A Prometheus `<size>`: "a size in bytes, e.g. `512MB`. A unit is required. Supported units: B, KB, MB, GB, TB,
 * PB, EB" (configuration.md), read as alecthomas/units ParseBase2Bytes reads it: KB and KiB alike are 1024, a
 * number may have decimals and terms may follow each other (`1MB512KB`); `0` alone needs no unit.
 */
export function parseSize(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const term = /(\d+\.?\d*|\.\d+)(B|KB|MB|GB|TB|PB|EB|KiB|MiB|GiB|TiB|PiB|EiB)/y;
  const powers: Record<string, number> = { B: 0, K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };
  let total = 0;
  let index = 0;
  while (index < trimmed.length) {
    term.lastIndex = index;
    const match = term.exec(trimmed);
    if (match === null) return undefined;
    total += Number(match[1]) * 1024 ** (powers[match[2]![0]!] ?? 0);
    index = term.lastIndex;
  }
  return index === 0 ? undefined : Math.floor(total);
}

function readSize(settings: Settings, key: string): number {
  const raw = settings.raw(key);
  if (raw === undefined || raw === null || raw === 0) return 0;
  const size = typeof raw === 'string' ? parseSize(raw) : undefined;
  if (size === undefined) {
    throw new SettingsError(
      settings.at(key),
      `"${String(raw)}" is not a size`,
      'a number with a unit: B, KB, MB, GB, TB, PB, EB (e.g. 100MB)',
    );
  }
  return size;
}

/**
 * Why a series (its name and labels after metric relabeling, `__name__` not among them) breaks a label limit, with
 * Prometheus's message (verifyLabelLimits in scrape/scrape.go); undefined when it does not.
 */
export function labelLimitProblem(
  name: string,
  labels: Record<string, string>,
  limits: ScrapeLimits,
): string | undefined {
  const metric = name.slice(0, 50);
  if (limits.labelLimit > 0) {
    const count = Object.keys(labels).length + 1;
    if (count > limits.labelLimit) {
      return `label_limit exceeded (metric: ${metric}, number of labels: ${count}, limit: ${limits.labelLimit})`;
    }
  }
  if (limits.labelNameLengthLimit === 0 && limits.labelValueLengthLimit === 0) return undefined;
  // Prometheus's labels sort by name: __name__ comes first unless a name sorts before it
  const all = [['__name__', name], ...Object.entries(labels)].sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0));
  for (const [label, value] of all as [string, string][]) {
    const nameLength = Buffer.byteLength(label, 'utf8');
    if (limits.labelNameLengthLimit > 0 && nameLength > limits.labelNameLengthLimit) {
      return `label_name_length_limit exceeded (metric: ${metric}, label name: ${label.slice(0, 50)}, length: ${nameLength}, limit: ${limits.labelNameLengthLimit})`;
    }
    const valueLength = Buffer.byteLength(value, 'utf8');
    if (limits.labelValueLengthLimit > 0 && valueLength > limits.labelValueLengthLimit) {
      return `label_value_length_limit exceeded (metric: ${metric}, label name: ${label.slice(0, 50)}, value: ${JSON.stringify(value.slice(0, 50))}, length: ${valueLength}, limit: ${limits.labelValueLengthLimit})`;
    }
  }
  return undefined;
}
