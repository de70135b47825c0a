/**
 * Samples regrouped into the data points awsemf publishes, as its datapoint.go does
 * (opentelemetry-collector-contrib exporter/awsemfexporter/datapoint.go, CalculateDeltaDatapoints and IsStaleNaNInf):
 * - gauge / untyped: the value as it is;
 * - counter (a cumulative monotonic sum): the delta since the previous point of the series; the first point has none
 *   and is dropped unless retain_initial_value_of_delta_metric, then it is sent as it is; after a reset (a negative
 *   delta) the current value is sent;
 * - histogram family: one point `{Max, Min, Count, Sum}` as the point carries them, not turned into deltas (awsemf
 *   only does that for the awscontainerinsight receiver's histograms); a Prometheus histogram has no min or max, so
 *   both are 0, as pmetric's Min()/Max() of a point without them;
 * - summary family: `{Max, Min, Count, Sum}` with Min the first quantile's value and Max the last one's; Count and
 *   Sum are turned into deltas only for resources marked `receiver: prometheus`, which nothing here marks.
 * Points with a NaN or infinite value (a histogram's sum, a summary's sum or quantiles) are dropped.
 * With detailed_metrics a summary becomes `<name>_sum` and `<name>_count` (deltas, reset as counters are) and one
 * point per quantile under its own name with a `quantile` label, instead of a statistic set (datapoint.go,
 * summaryDataPointSlice).
 */
import type { MetricSample, MetricType } from '../../model.js';
import { seriesKey, type DeltaTracker } from './delta.js';

/** awsemf's cWMetricStats, whose fields JSON writes in this order */
export interface StatisticSet {
  Max: number;
  Min: number;
  Count: number;
  Sum: number;
}

export interface EmfPoint {
  name: string;
  type: MetricType;
  labels: Record<string, string>;
  timestampMs: number;
  unit?: string;
  value: number | StatisticSet;
}

export interface PointOptions {
  /** retain_initial_value_of_delta_metric: the first point of a counter is sent as it is instead of dropped */
  retainInitialValue: boolean;
  /** detailed_metrics: summaries as their quantiles, sum and count (see above) */
  detailedMetrics?: boolean;
}

interface FamilyParts {
  family: string;
  type: 'histogram' | 'summary';
  labels: Record<string, string>;
  timestampMs: number;
  unit?: string;
  sum?: number;
  count?: number;
  /** summary quantiles in the order they came, with their `quantile` labels */
  quantiles: number[];
  quantileLabels: string[];
}

/** Every sample of the batch as points, in the order their series first appear. */
export function toEmfPoints(samples: MetricSample[], tracker: DeltaTracker, options: PointOptions): EmfPoint[] {
  const slots: (EmfPoint | FamilyParts)[] = [];
  const families = new Map<string, FamilyParts>();
  for (const sample of samples) {
    if (sample.type === 'histogram' || sample.type === 'summary') {
      const parts = familyPartsOf(families, slots, sample);
      collectFamilyPart(parts, sample);
      continue;
    }
    const point = numberPoint(sample, tracker, options);
    if (point !== undefined) slots.push(point);
  }
  const points: EmfPoint[] = [];
  for (const slot of slots) {
    if ('value' in slot) points.push(slot);
    else if (options.detailedMetrics === true && slot.type === 'summary') {
      points.push(...detailedSummary(slot, tracker, options));
    } else {
      const value = statisticSet(slot);
      if (value !== undefined) points.push({ ...familyIdentity(slot), value });
    }
  }
  return points;
}

function numberPoint(sample: MetricSample, tracker: DeltaTracker, options: PointOptions): EmfPoint | undefined {
  if (!Number.isFinite(sample.value)) return undefined;
  // a counter's delta; after a reset (a negative delta) awsemf sends the current value
  const value =
    sample.type === 'counter'
      ? cumulativeDelta(tracker, seriesKey(sample.name, sample.labels), sample.value, options)
      : sample.value;
  if (value === undefined) return undefined;
  return {
    name: sample.name,
    type: sample.type,
    labels: sample.labels,
    timestampMs: sample.timestampMs,
    ...(sample.unit === undefined ? {} : { unit: sample.unit }),
    value,
  };
}

function familyPartsOf(
  families: Map<string, FamilyParts>,
  slots: (EmfPoint | FamilyParts)[],
  sample: MetricSample,
): FamilyParts {
  const type = sample.type as 'histogram' | 'summary';
  const partLabel = type === 'histogram' ? 'le' : 'quantile';
  const { [partLabel]: _part, ...labels } = sample.labels;
  const key = `${sample.timestampMs}|${seriesKey(sample.family, labels)}`;
  let parts = families.get(key);
  if (parts === undefined) {
    parts = { family: sample.family, type, labels, timestampMs: sample.timestampMs, quantiles: [], quantileLabels: [] };
    if (sample.unit !== undefined) parts.unit = sample.unit;
    families.set(key, parts);
    slots.push(parts);
  }
  return parts;
}

function collectFamilyPart(parts: FamilyParts, sample: MetricSample): void {
  const suffix = sample.name.slice(sample.family.length);
  if (suffix === '_sum') parts.sum = sample.value;
  else if (suffix === '_count') parts.count = sample.value;
  else if (parts.type === 'summary' && suffix === '' && sample.labels['quantile'] !== undefined) {
    parts.quantiles.push(sample.value);
    parts.quantileLabels.push(sample.labels['quantile']);
  }
}

function familyIdentity(parts: FamilyParts): Omit<EmfPoint, 'value'> {
  return {
    name: parts.family,
    type: parts.type,
    labels: parts.labels,
    timestampMs: parts.timestampMs,
    ...(parts.unit === undefined ? {} : { unit: parts.unit }),
  };
}

function statisticSet(parts: FamilyParts): StatisticSet | undefined {
  if (parts.count === undefined) return undefined;
  const sum = parts.sum ?? 0;
  if (!Number.isFinite(sum) || parts.quantiles.some((value) => !Number.isFinite(value))) return undefined;
  const { quantiles } = parts;
  return {
    Max: quantiles.length === 0 ? 0 : quantiles[quantiles.length - 1]!,
    Min: quantiles.length === 0 ? 0 : quantiles[0]!,
    Count: parts.count,
    Sum: sum,
  };
}

/** a cumulative value as a delta since the series' previous point; the current value after a reset */
function cumulativeDelta(tracker: DeltaTracker, key: string, value: number, options: PointOptions): number | undefined {
  const delta = tracker.delta(key, value);
  if (delta === undefined) return options.retainInitialValue ? value : undefined;
  return delta >= 0 ? delta : value;
}

function detailedSummary(parts: FamilyParts, tracker: DeltaTracker, options: PointOptions): EmfPoint[] {
  if (parts.sum === undefined || parts.count === undefined || !Number.isFinite(parts.sum)) return [];
  const key = seriesKey(parts.family, parts.labels);
  const count = cumulativeDelta(tracker, `${key}#count`, parts.count, options);
  const sum = cumulativeDelta(tracker, `${key}#sum`, parts.sum, options);
  if (count === undefined || sum === undefined) return [];
  const identity = familyIdentity(parts);
  const points: EmfPoint[] = [
    { ...identity, name: `${parts.family}_sum`, value: sum },
    { ...identity, name: `${parts.family}_count`, value: count },
  ];
  parts.quantiles.forEach((value, index) => {
    if (!Number.isFinite(value)) return;
    // strconv.FormatFloat(q, 'g', -1, 64) for the usual quantiles is JavaScript's shortest form
    const quantile = String(Number(parts.quantileLabels[index]));
    points.push({ ...identity, labels: { ...parts.labels, quantile }, value });
  });
  return points;
}
