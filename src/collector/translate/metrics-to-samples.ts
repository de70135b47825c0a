/**
 * OTLP metrics -> samples as the prometheus receiver represents them: gauges and non-monotonic sums as gauges,
 * monotonic cumulative sums as counters (`_total`), histograms as cumulative `_bucket{le}` samples plus `_sum` and
 * `_count`, summaries as `{quantile}` samples plus `_sum` and `_count`; `job` and `instance` from the resource.
 * What Prometheus cannot represent (delta temporality, exponential histograms, points without a recorded value)
 * is dropped and counted, as the prometheusremotewrite exporter drops it.
 */
import type { MetricSample, MetricType } from '../model.js';
import { anyValueToText, attributeMap, stringAttribute } from './any-value.js';
import {
  AggregationTemporality,
  NO_RECORDED_VALUE_FLAG,
  type ExportMetricsRequest,
  type HistogramDataPoint,
  type KeyValue,
  type Metric,
  type NumberDataPoint,
  type Resource,
  type SummaryDataPoint,
} from './otlp-types.js';
import { counterSampleName, prometheusLabelName, prometheusMetricName } from './prometheus-names.js';

export interface MetricTranslation {
  samples: MetricSample[];
  /** OTLP data points turned into samples */
  accepted: number;
  /** OTLP data points that have no Prometheus form */
  dropped: number;
  /** why the first dropped point was dropped */
  problem?: string;
}

interface PointBase {
  attributes: KeyValue[];
  timeUnixNano?: string;
  flags?: number;
}

/** Attributes as labels; keys that sanitize to the same label have their values joined with `;`, as the translator does. */
function labelsOf(attributes: readonly KeyValue[], resourceLabels: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const { key, value } of [...attributes].sort((a, b) => a.key.localeCompare(b.key))) {
    const name = prometheusLabelName(key);
    const text = anyValueToText(value);
    labels[name] = labels[name] === undefined ? text : `${labels[name]};${text}`;
  }
  return { ...labels, ...resourceLabels };
}

/** job = [service.namespace/]service.name, instance = service.instance.id. */
function resourceLabels(resource: Resource | undefined): Record<string, string> {
  const attributes = attributeMap(resource?.attributes ?? []);
  const service = stringAttribute(attributes, 'service.name');
  const namespace = stringAttribute(attributes, 'service.namespace');
  const instance = stringAttribute(attributes, 'service.instance.id');
  return {
    ...(service === undefined ? {} : { job: namespace === undefined ? service : `${namespace}/${service}` }),
    ...(instance === undefined ? {} : { instance }),
  };
}

function timestampMs(unixNano: string | undefined, nowMs: number): number {
  if (unixNano === undefined || unixNano === '' || unixNano === '0') return nowMs;
  return Number(BigInt(unixNano) / 1_000_000n);
}

/** The resource attributes that do not become job and instance, as text: what processors and exporters see. */
function otherResourceAttributes(resource: Resource | undefined): Record<string, string> | undefined {
  const rest: Record<string, string> = {};
  for (const { key, value } of resource?.attributes ?? []) {
    if (key !== 'service.name' && key !== 'service.namespace' && key !== 'service.instance.id')
      rest[key] = anyValueToText(value);
  }
  return Object.keys(rest).length === 0 ? undefined : rest;
}

class SampleBuilder {
  readonly result: MetricTranslation = { samples: [], accepted: 0, dropped: 0 };
  /** the other resource attributes of the resource being read, shared by its samples */
  otherResource: Record<string, string> | undefined;

  constructor(private readonly nowMs: number) {}

  drop(points: number, problem: string): void {
    if (points === 0) return;
    this.result.dropped += points;
    this.result.problem ??= problem;
  }

  metric(metric: Metric, resource: Record<string, string>): void {
    const unit = metric.unit ?? '';
    const name = metric.name ?? '';
    this.unit = unit;
    if (metric.gauge !== undefined) {
      this.numbers(prometheusMetricName(name, unit, 'gauge'), 'gauge', metric.gauge.dataPoints, resource);
    } else if (metric.sum !== undefined) {
      const { dataPoints, aggregationTemporality, isMonotonic } = metric.sum;
      if (aggregationTemporality !== AggregationTemporality.CUMULATIVE) {
        this.drop(dataPoints.length, `sum ${name} is not cumulative: Prometheus has no delta sums`);
      } else if (isMonotonic === true) {
        this.numbers(prometheusMetricName(name, unit, 'counter'), 'counter', dataPoints, resource);
      } else {
        this.numbers(prometheusMetricName(name, unit, 'gauge'), 'gauge', dataPoints, resource);
      }
    } else if (metric.histogram !== undefined) {
      const { dataPoints, aggregationTemporality } = metric.histogram;
      if (aggregationTemporality !== AggregationTemporality.CUMULATIVE) {
        this.drop(dataPoints.length, `histogram ${name} is not cumulative: Prometheus has no delta histograms`);
      } else {
        this.histograms(prometheusMetricName(name, unit, 'other'), metric.histogram.dataPoints, resource);
      }
    } else if (metric.summary !== undefined) {
      this.summaries(prometheusMetricName(name, unit, 'other'), metric.summary.dataPoints, resource);
    } else if (metric.exponentialHistogram !== undefined) {
      this.drop(
        metric.exponentialHistogram.dataPoints.length,
        `exponential histogram ${name} has no classic Prometheus form`,
      );
    }
  }

  private recorded(point: PointBase, family: string): boolean {
    if (((point.flags ?? 0) & NO_RECORDED_VALUE_FLAG) === 0) return true;
    this.drop(1, `a point of ${family} has no recorded value`);
    return false;
  }

  /** the unit of the metric being translated ('' when it has none) */
  private unit = '';

  private push(
    name: string,
    family: string,
    type: MetricType,
    labels: Record<string, string>,
    value: number,
    timestamp: number,
  ): void {
    const resource = this.otherResource;
    const sample: MetricSample = {
      name,
      family,
      type,
      labels,
      value,
      timestampMs: timestamp,
      ...(resource === undefined ? {} : { resource }),
    };
    if (this.unit !== '') sample.unit = this.unit;
    this.result.samples.push(sample);
  }

  private numbers(
    family: string,
    type: 'gauge' | 'counter',
    points: NumberDataPoint[],
    resource: Record<string, string>,
  ): void {
    const sampleName = type === 'counter' ? counterSampleName(family) : family;
    for (const point of points) {
      if (!this.recorded(point, family)) continue;
      const value = point.asInt !== undefined ? Number(point.asInt) : (point.asDouble ?? 0);
      this.push(
        sampleName,
        family,
        type,
        labelsOf(point.attributes, resource),
        value,
        timestampMs(point.timeUnixNano, this.nowMs),
      );
      this.result.accepted += 1;
    }
  }

  private histograms(family: string, points: HistogramDataPoint[], resource: Record<string, string>): void {
    for (const point of points) {
      if (!this.recorded(point, family)) continue;
      const { bucketCounts, explicitBounds } = point;
      if (bucketCounts.length !== 0 && bucketCounts.length !== explicitBounds.length + 1) {
        this.drop(
          1,
          `a point of histogram ${family} has ${bucketCounts.length} bucket counts for ${explicitBounds.length} bounds`,
        );
        continue;
      }
      const labels = labelsOf(point.attributes, resource);
      const time = timestampMs(point.timeUnixNano, this.nowMs);
      const count = Number(point.count ?? '0');
      let cumulative = 0;
      explicitBounds.forEach((bound, index) => {
        cumulative += Number(bucketCounts[index] ?? '0');
        this.push(`${family}_bucket`, family, 'histogram', { ...labels, le: String(bound) }, cumulative, time);
      });
      this.push(`${family}_bucket`, family, 'histogram', { ...labels, le: '+Inf' }, count, time);
      if (point.sum !== undefined) this.push(`${family}_sum`, family, 'histogram', labels, point.sum, time);
      this.push(`${family}_count`, family, 'histogram', labels, count, time);
      this.result.accepted += 1;
    }
  }

  private summaries(family: string, points: SummaryDataPoint[], resource: Record<string, string>): void {
    for (const point of points) {
      if (!this.recorded(point, family)) continue;
      const labels = labelsOf(point.attributes, resource);
      const time = timestampMs(point.timeUnixNano, this.nowMs);
      for (const { quantile, value } of point.quantileValues) {
        this.push(family, family, 'summary', { ...labels, quantile: String(quantile ?? 0) }, value ?? 0, time);
      }
      this.push(`${family}_sum`, family, 'summary', labels, point.sum ?? 0, time);
      this.push(`${family}_count`, family, 'summary', labels, Number(point.count ?? '0'), time);
      this.result.accepted += 1;
    }
  }
}

/** Every data point of an export request as samples; `nowMs` stamps points sent without a time. */
export function metricsToSamples(request: ExportMetricsRequest, nowMs: number): MetricTranslation {
  const builder = new SampleBuilder(nowMs);
  for (const resourceMetrics of request.resourceMetrics) {
    const resource = resourceLabels(resourceMetrics.resource);
    builder.otherResource = otherResourceAttributes(resourceMetrics.resource);
    for (const scopeMetrics of resourceMetrics.scopeMetrics) {
      for (const metric of scopeMetrics.metrics) builder.metric(metric, resource);
    }
  }
  return builder.result;
}
