/**
 * Scraped samples regrouped into the metrics awsemf publishes:
 * - gauge / untyped: the value, under the sample's name;
 * - counter: the increase since the previous scrape of the series (first point and resets yield nothing);
 * - histogram and summary families: one metric under the family name whose value is a CloudWatch statistic set
 *   `{Count, Sum, Min, Max}` (awsemf without detailed_metrics). Count and Sum are deltas like counters. A summary's
 *   Min/Max are its lowest and highest quantile values; a Prometheus histogram carries no min/max, so they are
 *   bounded from the buckets that gained observations (lower bound of the first, upper bound of the last finite one).
 *   A family point with no new observations (Count 0) is not published.
 * NaN and ±Inf values are dropped, as CloudWatch refuses them.
 */
import type { MetricSample, MetricType } from '../../model.js';
import { seriesKey, type DeltaTracker } from './delta.js';

export interface StatisticSet {
  Count: number;
  Sum: number;
  Min: number;
  Max: number;
}

export interface EmfPoint {
  name: string;
  type: MetricType;
  labels: Record<string, string>;
  timestampMs: number;
  value: number | StatisticSet;
}

interface FamilyParts {
  family: string;
  type: 'histogram' | 'summary';
  labels: Record<string, string>;
  timestampMs: number;
  sum?: number;
  count?: number;
  /** le (histogram) or quantile (summary) → value */
  parts: Map<string, number>;
}

/**
 * `detailedMetrics` (detailed_metrics): a summary becomes `<name>_sum` and `<name>_count` (deltas) and one point per
 * quantile under its own name with a `quantile` label, instead of a statistic set (datapoint.go,
 * summaryDataPointSlice).
 */
export function toEmfPoints(samples: MetricSample[], tracker: DeltaTracker, detailedMetrics = false): EmfPoint[] {
  const points: EmfPoint[] = [];
  const families = new Map<string, FamilyParts>();
  for (const sample of samples) {
    if (sample.type === 'histogram' || sample.type === 'summary') {
      collectFamilyPart(families, sample);
      continue;
    }
    if (!Number.isFinite(sample.value)) continue;
    const value =
      sample.type === 'counter' ? tracker.delta(seriesKey(sample.name, sample.labels), sample.value) : sample.value;
    if (value === undefined) continue;
    points.push({
      name: sample.name,
      type: sample.type,
      labels: sample.labels,
      timestampMs: sample.timestampMs,
      value,
    });
  }
  for (const parts of families.values()) {
    if (detailedMetrics && parts.type === 'summary') {
      points.push(...detailedSummary(parts, tracker));
      continue;
    }
    const value = parts.type === 'histogram' ? histogramSet(parts, tracker) : summarySet(parts, tracker);
    if (value === undefined) continue;
    points.push({ name: parts.family, type: parts.type, labels: parts.labels, timestampMs: parts.timestampMs, value });
  }
  return points;
}

function collectFamilyPart(families: Map<string, FamilyParts>, sample: MetricSample): void {
  const type = sample.type as 'histogram' | 'summary';
  const partLabel = type === 'histogram' ? 'le' : 'quantile';
  const { [partLabel]: part, ...labels } = sample.labels;
  const key = `${sample.timestampMs}|${seriesKey(sample.family, labels)}`;
  let entry = families.get(key);
  if (entry === undefined) {
    entry = { family: sample.family, type, labels, timestampMs: sample.timestampMs, parts: new Map() };
    families.set(key, entry);
  }
  const suffix = sample.name.slice(sample.family.length);
  if (suffix === '_sum') entry.sum = sample.value;
  else if (suffix === '_count') entry.count = sample.value;
  else if (part !== undefined && (suffix === '_bucket' || (type === 'summary' && suffix === '')))
    entry.parts.set(part, sample.value);
}

function histogramSet(parts: FamilyParts, tracker: DeltaTracker): StatisticSet | undefined {
  if (parts.sum === undefined || parts.count === undefined) return undefined;
  const key = seriesKey(parts.family, parts.labels);
  const count = tracker.delta(`${key}#count`, parts.count);
  const sum = tracker.delta(`${key}#sum`, parts.sum);
  const buckets = [...parts.parts.entries()]
    .map(([le, cumulative]) => ({
      le: le === '+Inf' ? Infinity : Number(le),
      delta: tracker.delta(`${key}#le=${le}`, cumulative),
    }))
    .filter((bucket) => !Number.isNaN(bucket.le))
    .sort((a, b) => a.le - b.le);
  if (count === undefined || sum === undefined || count === 0 || !Number.isFinite(sum)) return undefined;
  if (buckets.some((bucket) => bucket.delta === undefined)) return undefined;
  let min: number | undefined;
  let max = 0;
  // the first bucket's lower bound is 0 for the usual non-negative observations
  let lowerBound = Math.min(0, buckets[0]?.le ?? 0);
  let previousCumulative = 0;
  for (const bucket of buckets) {
    const cumulative = bucket.delta ?? 0;
    if (cumulative > previousCumulative) {
      min ??= lowerBound;
      // observations above the last finite bound: that bound is the most the buckets can tell
      max = Number.isFinite(bucket.le) ? bucket.le : lowerBound;
    }
    previousCumulative = cumulative;
    if (Number.isFinite(bucket.le)) lowerBound = bucket.le;
  }
  const mean = sum / count;
  return { Count: count, Sum: sum, Min: Math.min(min ?? mean, mean), Max: Math.max(max, mean) };
}

function summarySet(parts: FamilyParts, tracker: DeltaTracker): StatisticSet | undefined {
  if (parts.sum === undefined || parts.count === undefined) return undefined;
  const key = seriesKey(parts.family, parts.labels);
  const count = tracker.delta(`${key}#count`, parts.count);
  const sum = tracker.delta(`${key}#sum`, parts.sum);
  if (count === undefined || sum === undefined || count === 0 || !Number.isFinite(sum)) return undefined;
  const quantiles = [...parts.parts.entries()]
    .map(([quantile, value]) => ({ quantile: Number(quantile), value }))
    .filter((entry) => Number.isFinite(entry.quantile) && Number.isFinite(entry.value))
    .sort((a, b) => a.quantile - b.quantile);
  const mean = sum / count;
  return {
    Count: count,
    Sum: sum,
    Min: quantiles[0]?.value ?? mean,
    Max: quantiles[quantiles.length - 1]?.value ?? mean,
  };
}

function detailedSummary(parts: FamilyParts, tracker: DeltaTracker): EmfPoint[] {
  if (parts.sum === undefined || parts.count === undefined) return [];
  const key = seriesKey(parts.family, parts.labels);
  const count = tracker.delta(`${key}#count`, parts.count);
  const sum = tracker.delta(`${key}#sum`, parts.sum);
  if (count === undefined || sum === undefined) return [];
  const { family, labels, timestampMs } = parts;
  const points: EmfPoint[] = [
    { name: `${family}_sum`, type: 'summary', labels, timestampMs, value: sum },
    { name: `${family}_count`, type: 'summary', labels, timestampMs, value: count },
  ];
  for (const [quantile, value] of parts.parts) {
    if (!Number.isFinite(value)) continue;
    // strconv.FormatFloat(q, 'g', -1, 64) for the usual quantiles is JavaScript's shortest form
    points.push({
      name: family,
      type: 'summary',
      labels: { ...labels, quantile: String(Number(quantile)) },
      timestampMs,
      value,
    });
  }
  return points;
}
