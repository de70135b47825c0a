import type { LogItem, MetricSample, Signal, TraceItem } from '../model.js';
import { logItemJson, logItemLine } from './log-json.js';
import { spanItemJson, spanItemLine } from './span-json.js';

/** How the debug and file exporters show one item of a signal. */
export interface ItemText<T> {
  /** the collector's summary name: TracesExporter {"#spans": n} */
  summary: string;
  unit: string;
  /** one line (debug verbosity normal) */
  line(item: T): string;
  /** the full item as one JSON document (debug detailed, file exporter) */
  json(item: T): string;
}

export const traceText: ItemText<TraceItem> = {
  summary: 'TracesExporter',
  unit: 'spans',
  line: (item) => (item.kind === 'xray-segment' ? `segment ${item.id} trace ${item.traceId}` : spanItemLine(item)),
  // X-Ray daemon segments as they arrived; OTLP spans as {resource, scope, span}
  json: (item) => (item.kind === 'xray-segment' ? item.document : spanItemJson(item)),
};

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(',')}}`;
}

export const metricText: ItemText<MetricSample> = {
  summary: 'MetricsExporter',
  unit: 'metric_points',
  line: (sample) => `${sample.name}${formatLabels(sample.labels)} ${sample.value} ${sample.timestampMs}`,
  json: (sample) =>
    JSON.stringify({
      name: sample.name,
      family: sample.family,
      type: sample.type,
      labels: sample.labels,
      value: Number.isFinite(sample.value) ? sample.value : String(sample.value),
      timestampMs: sample.timestampMs,
    }),
};

export const logText: ItemText<LogItem> = {
  summary: 'LogsExporter',
  unit: 'log_records',
  line: logItemLine,
  json: logItemJson,
};

export function itemText(signal: Signal): ItemText<unknown> {
  if (signal === 'traces') return traceText as ItemText<unknown>;
  if (signal === 'metrics') return metricText as ItemText<unknown>;
  return logText as ItemText<unknown>;
}
