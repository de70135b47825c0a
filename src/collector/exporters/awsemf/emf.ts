/**
 * EMF log events from scraped samples, as the awsemf exporter builds them: metrics that share labels, timestamp,
 * namespace and Prometheus type form one event whose fields are the labels, the metric values and
 * `prom_metric_type`, with an `_aws` block whose CloudWatchMetrics directives name the metrics to extract and
 * their dimension sets (metrics that share their sets share a directive). An event holds at most 100 metrics;
 * larger groups are split into several events. An event none of whose metrics a declaration selects is still sent,
 * without `_aws`, as a plain structured log.
 */
import type { MetricSample } from '../../model.js';
import type { DeltaTracker } from './delta.js';
import { dimensionSetsFor, dimensionSetsKey } from './dimensions.js';
import { toEmfPoints, type EmfPoint } from './points.js';
import type { EmfSettings, MetricDescriptor } from './settings.js';

export const MAX_METRICS_PER_EVENT = 100;
/** the labels the collector's Prometheus receiver keeps as resource attributes (service.name, service.instance.id) */
const RESOURCE_LABELS = ['job', 'instance'];

export interface EmfLogEvent {
  timestamp: number;
  message: string;
}

export interface MetricDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: string }[];
}

interface Group {
  namespace: string;
  timestampMs: number;
  type: string;
  labels: Record<string, string>;
  points: EmfPoint[];
}

export function buildEmfEvents(samples: MetricSample[], settings: EmfSettings, tracker: DeltaTracker): EmfLogEvent[] {
  const groups = new Map<string, Group>();
  for (const point of toEmfPoints(samples, tracker, settings.detailedMetrics)) {
    const namespace = settings.namespace !== '' ? settings.namespace : (point.labels['job'] ?? 'default');
    const labels = settings.resourceToTelemetry ? point.labels : withoutResourceLabels(point.labels);
    const type = promMetricType(point.type);
    const key = JSON.stringify([
      namespace,
      point.timestampMs,
      type,
      Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)),
    ]);
    let group = groups.get(key);
    if (group === undefined) {
      group = { namespace, timestampMs: point.timestampMs, type, labels, points: [] };
      groups.set(key, group);
    }
    group.points.push(point);
  }
  const events: EmfLogEvent[] = [];
  for (const group of groups.values()) {
    for (let index = 0; index < group.points.length; index += MAX_METRICS_PER_EVENT) {
      events.push(renderEvent(group, group.points.slice(index, index + MAX_METRICS_PER_EVENT), settings));
    }
  }
  return events;
}

function renderEvent(group: Group, points: EmfPoint[], settings: EmfSettings): EmfLogEvent {
  const directives = new Map<string, MetricDirective>();
  if (!settings.disableMetricExtraction) {
    for (const point of points) {
      const sets = dimensionSetsFor(point.name, group.labels, settings);
      if (sets === undefined) continue;
      const key = dimensionSetsKey(sets);
      let directive = directives.get(key);
      if (directive === undefined) {
        directive = { Namespace: group.namespace, Dimensions: sets, Metrics: [] };
        directives.set(key, directive);
      }
      directive.Metrics.push({ Name: point.name, Unit: unitOf(point, settings.descriptors) });
    }
  }
  const document: Record<string, unknown> = {};
  if (directives.size > 0) {
    document['_aws'] = { Timestamp: group.timestampMs, CloudWatchMetrics: [...directives.values()] };
  }
  Object.assign(document, group.labels);
  for (const point of points) document[point.name] = point.value;
  document['prom_metric_type'] = group.type;
  // parse_json_encoded_attr_values: fields holding JSON text become that JSON; text that is not JSON stays
  // (metric_translator.go translateCWMetricToEMF)
  for (const key of settings.parseJsonEncodedAttrValues) {
    const value = document[key];
    if (typeof value !== 'string') continue;
    try {
      document[key] = JSON.parse(value);
    } catch {
      // left as the text it is
    }
  }
  return { timestamp: group.timestampMs, message: JSON.stringify(document) };
}

function withoutResourceLabels(labels: Record<string, string>): Record<string, string> {
  const kept = { ...labels };
  for (const name of RESOURCE_LABELS) delete kept[name];
  return kept;
}

function promMetricType(type: EmfPoint['type']): string {
  return type === 'untyped' ? 'gauge' : type;
}

/**
 * The CloudWatch unit: a metric_descriptors entry when one names the metric, else read from the Prometheus naming
 * conventions (`_seconds`, `_milliseconds`, `_bytes`, before any `_total`), else Count for counters, else None.
 */
export function unitOf(point: Pick<EmfPoint, 'name' | 'type'>, descriptors: MetricDescriptor[]): string {
  const described = descriptors.find((descriptor) => descriptor.metricName === point.name);
  if (described !== undefined) return described.unit;
  const base = point.name.replace(/_total$/, '');
  if (base.endsWith('_seconds')) return 'Seconds';
  if (base.endsWith('_milliseconds')) return 'Milliseconds';
  if (base.endsWith('_bytes')) return 'Bytes';
  return point.type === 'counter' ? 'Count' : 'None';
}
