/**
 * EMF log events from samples, as the awsemf exporter writes them (opentelemetry-collector-contrib
 * exporter/awsemfexporter/grouped_metric.go, addToGroupedMetric and translateUnit; metric_translator.go,
 * translateGroupedMetricToCWMetric and translateCWMetricToEMF): points that share namespace, timestamp, metric type,
 * labels and their index among their metric's points in the batch form one event, whose fields are the labels and
 * the metric values (a second point of the same metric in a group is dropped, as awsemf does). When the event has
 * CloudWatchMetrics directives (dimensions.ts) and metric extraction is on, it also gets `"Version":"1"` and
 * `"_aws":{"CloudWatchMetrics":[…],"Timestamp":…}` (EMF version 1, awsemf's default `version`); otherwise it is sent
 * as a plain structured log. Fields are written in the order Go's encoding/json writes awsemf's map: sorted by name.
 *
 * awsemf writes `prom_metric_type` only for resources with the attribute `receiver: prometheus` (set by a resource
 * processor in ADOT's Container Insights configurations); no processor here sets it, so it is never written, as
 * awsemf behaves for the same configuration.
 */
import type { MetricSample } from '../../model.js';
import type { DeltaTracker } from './delta.js';
import { measurementsFor, type Measurement, type MetricInfo } from './dimensions.js';
import { toEmfPoints, type EmfPoint } from './points.js';
import type { EmfSettings, MetricDescriptor } from './settings.js';

/** the labels the collector's Prometheus receiver keeps as resource attributes (service.name, service.instance.id) */
const RESOURCE_LABELS = ['job', 'instance'];

export interface EmfLogEvent {
  timestamp: number;
  message: string;
}

interface Group {
  namespace: string;
  timestampMs: number;
  labels: Record<string, string>;
  metrics: Map<string, { value: EmfPoint['value']; unit: string }>;
}

/** The OpenTelemetry metric type a sample type stands for: awsemf groups points of one type together. */
function metricDataType(type: EmfPoint['type']): string {
  if (type === 'counter') return 'sum';
  return type === 'untyped' ? 'gauge' : type;
}

export function buildEmfEvents(samples: MetricSample[], settings: EmfSettings, tracker: DeltaTracker): EmfLogEvent[] {
  const groups = new Map<string, Group>();
  const pointsSeen = new Map<string, number>();
  const options = {
    retainInitialValue: settings.retainInitialValueOfDeltaMetric,
    detailedMetrics: settings.detailedMetrics,
  };
  for (const point of toEmfPoints(samples, tracker, options)) {
    const namespace = settings.namespace !== '' ? settings.namespace : (point.labels['job'] ?? 'default');
    const labels = settings.resourceToTelemetry ? point.labels : withoutResourceLabels(point.labels);
    // awsemf's batchIndex: the point's index among the points of its metric, so that two points of one metric
    // with the same labels land in two events rather than one overwriting the other
    const batchIndex = pointsSeen.get(point.name) ?? 0;
    pointsSeen.set(point.name, batchIndex + 1);
    const key = JSON.stringify([
      namespace,
      point.timestampMs,
      metricDataType(point.type),
      batchIndex,
      Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ]);
    let group = groups.get(key);
    if (group === undefined) {
      group = { namespace, timestampMs: point.timestampMs, labels, metrics: new Map() };
      groups.set(key, group);
    }
    if (!group.metrics.has(point.name)) {
      group.metrics.set(point.name, { value: point.value, unit: translateUnit(point, settings.descriptors) });
    }
  }
  return [...groups.values()].map((group) => renderEvent(group, settings));
}

function renderEvent(group: Group, settings: EmfSettings): EmfLogEvent {
  const fields: Record<string, unknown> = { ...group.labels };
  const metrics: MetricInfo[] = [];
  for (const [name, { value, unit }] of group.metrics) {
    fields[name] = value;
    metrics.push(unit === '' ? { Name: name } : { Name: name, Unit: unit });
  }
  const measurements: Measurement[] = settings.disableMetricExtraction
    ? []
    : measurementsFor(group.namespace, metrics, group.labels, settings);
  if (measurements.length > 0) {
    fields['Version'] = '1';
    fields['_aws'] = { CloudWatchMetrics: measurements, Timestamp: group.timestampMs };
  }
  // parse_json_encoded_attr_values: fields holding JSON text become that JSON; text that is not JSON stays
  // (metric_translator.go translateCWMetricToEMF)
  for (const key of settings.parseJsonEncodedAttrValues) {
    const value = fields[key];
    if (typeof value !== 'string') continue;
    try {
      fields[key] = JSON.parse(value) as unknown;
    } catch {
      // left as the text it is
    }
  }
  return { timestamp: group.timestampMs, message: JSON.stringify(sortedByName(fields)) };
}

/** A copy with the keys in Go's map order (byte order of the names), as encoding/json writes a map. */
function sortedByName(record: Record<string, unknown>): Record<string, unknown> {
  const names = Object.keys(record).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return Object.fromEntries(names.map((name) => [name, record[name]]));
}

function withoutResourceLabels(labels: Record<string, string>): Record<string, string> {
  const kept = { ...labels };
  for (const name of RESOURCE_LABELS) delete kept[name];
  return kept;
}

/**
 * The CloudWatch unit of a metric, as awsemf's translateUnit: a metric_descriptors entry when one names the metric
 * and the metric has no unit (or the entry says overwrite), else the metric's own unit with the UCUM units
 * CloudWatch names differently translated; '' (no Unit written) for none, `1` and `ns`.
 */
export function translateUnit(point: Pick<EmfPoint, 'name' | 'unit'>, descriptors: MetricDescriptor[]): string {
  const unit = point.unit ?? '';
  const described = descriptors.find((descriptor) => descriptor.metricName === point.name);
  if (described !== undefined && (unit === '' || described.overwrite)) return described.unit;
  return Object.hasOwn(UNIT_TRANSLATIONS, unit) ? UNIT_TRANSLATIONS[unit]! : unit;
}

const UNIT_TRANSLATIONS: Record<string, string> = {
  '1': '',
  // CloudWatch has no nanoseconds
  ns: '',
  ms: 'Milliseconds',
  s: 'Seconds',
  us: 'Microseconds',
  By: 'Bytes',
  bit: 'Bits',
};
