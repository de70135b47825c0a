/**
 * Prometheus-style samples back to OTLP metrics (for the otlphttp exporter), as the collector's prometheus receiver
 * builds them (receiver/prometheusreceiver/internal): `job` and `instance` become the resource attributes
 * service.name (with service.namespace before a `/`) and service.instance.id, the other labels data point
 * attributes; counters become monotonic cumulative sums, gauges and untyped samples gauges, a histogram family's
 * `_bucket{le}`, `_sum` and `_count` one histogram point (cumulative bucket counts made per-bucket), a summary's
 * quantiles, `_sum` and `_count` one summary point. Resource attributes processors added travel with the resource.
 */
import type { MetricSample } from '../model.js';
import { AggregationTemporality, type KeyValue, type Metric, type ResourceMetrics } from './otlp-types.js';

const str = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

function resourceOf(sample: MetricSample): { key: string; attributes: KeyValue[] } {
  const attributes: KeyValue[] = [];
  const job = sample.labels['job'];
  if (job !== undefined) {
    const slash = job.indexOf('/');
    if (slash > 0)
      attributes.push(str('service.namespace', job.slice(0, slash)), str('service.name', job.slice(slash + 1)));
    else attributes.push(str('service.name', job));
  }
  const instance = sample.labels['instance'];
  if (instance !== undefined) attributes.push(str('service.instance.id', instance));
  for (const [key, value] of Object.entries(sample.resource ?? {})) attributes.push(str(key, value));
  return {
    key: JSON.stringify(attributes.map((attribute) => [attribute.key, attribute.value?.stringValue])),
    attributes,
  };
}

function pointAttributes(labels: Record<string, string>, omit: string[]): KeyValue[] {
  return Object.entries(labels)
    .filter(([name]) => name !== 'job' && name !== 'instance' && !omit.includes(name))
    .map(([name, value]) => str(name, value));
}

const nanos = (ms: number) => (BigInt(Math.trunc(ms)) * 1_000_000n).toString();

interface Family {
  metric: Metric;
  points: Map<
    string,
    { attributes: KeyValue[]; time: string; parts: Map<string, number>; sum?: number; count?: number }
  >;
}

export function samplesToMetrics(samples: readonly MetricSample[]): ResourceMetrics[] {
  const resources = new Map<string, { attributes: KeyValue[]; families: Map<string, Family> }>();
  for (const sample of samples) {
    const resource = resourceOf(sample);
    let entry = resources.get(resource.key);
    if (entry === undefined) {
      entry = { attributes: resource.attributes, families: new Map() };
      resources.set(resource.key, entry);
    }
    const grouped = sample.type === 'histogram' || sample.type === 'summary';
    const name = grouped ? sample.family : sample.name;
    let family = entry.families.get(`${sample.type}:${name}`);
    if (family === undefined) {
      const metric: Metric =
        sample.type === 'counter'
          ? {
              name,
              sum: { dataPoints: [], aggregationTemporality: AggregationTemporality.CUMULATIVE, isMonotonic: true },
            }
          : sample.type === 'histogram'
            ? { name, histogram: { dataPoints: [], aggregationTemporality: AggregationTemporality.CUMULATIVE } }
            : sample.type === 'summary'
              ? { name, summary: { dataPoints: [] } }
              : { name, gauge: { dataPoints: [] } };
      family = { metric, points: new Map() };
      entry.families.set(`${sample.type}:${name}`, family);
    }
    if (!grouped) {
      const point = {
        attributes: pointAttributes(sample.labels, []),
        timeUnixNano: nanos(sample.timestampMs),
        asDouble: sample.value,
      };
      (family.metric.sum ?? family.metric.gauge)?.dataPoints.push(point);
      continue;
    }
    const partLabel = sample.type === 'histogram' ? 'le' : 'quantile';
    const attributes = pointAttributes(sample.labels, [partLabel]);
    const key = `${sample.timestampMs}|${JSON.stringify(attributes)}`;
    let point = family.points.get(key);
    if (point === undefined) {
      point = { attributes, time: nanos(sample.timestampMs), parts: new Map() };
      family.points.set(key, point);
    }
    const suffix = sample.name.slice(sample.family.length);
    if (suffix === '_sum') point.sum = sample.value;
    else if (suffix === '_count') point.count = sample.value;
    else {
      const part = sample.labels[partLabel];
      if (part !== undefined) point.parts.set(part, sample.value);
    }
  }
  return [...resources.values()].map(({ attributes, families }) => ({
    resource: { attributes },
    scopeMetrics: [{ metrics: [...families.values()].map((family) => finish(family)) }],
  }));
}

function finish(family: Family): Metric {
  for (const point of family.points.values()) {
    if (family.metric.histogram !== undefined) {
      const buckets = [...point.parts.entries()]
        .map(([le, cumulative]) => ({ bound: le === '+Inf' ? Infinity : Number(le), cumulative }))
        .sort((a, b) => a.bound - b.bound);
      let previous = 0;
      const bucketCounts = buckets.map((bucket) => {
        const count = Math.max(0, bucket.cumulative - previous);
        previous = bucket.cumulative;
        return String(Math.round(count));
      });
      family.metric.histogram.dataPoints.push({
        attributes: point.attributes,
        timeUnixNano: point.time,
        count: String(Math.round(point.count ?? previous)),
        ...(point.sum === undefined ? {} : { sum: point.sum }),
        bucketCounts,
        explicitBounds: buckets.filter((bucket) => Number.isFinite(bucket.bound)).map((bucket) => bucket.bound),
      });
    } else if (family.metric.summary !== undefined) {
      family.metric.summary.dataPoints.push({
        attributes: point.attributes,
        timeUnixNano: point.time,
        count: String(Math.round(point.count ?? 0)),
        sum: point.sum ?? 0,
        quantileValues: [...point.parts.entries()].map(([quantile, value]) => ({ quantile: Number(quantile), value })),
      });
    }
  }
  return family.metric;
}
