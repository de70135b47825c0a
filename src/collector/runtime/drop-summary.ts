/**
 * What a collector lost: every item its exporters dropped (otelcol_exporter_dropped_<unit>, by exporter and reason),
 * with the pipelines that feed each exporter, for the account a shutdown gives. Items a persistent queue keeps for
 * the next start are not lost and do not appear.
 */
import type { PipelineConfig } from '../../core/collector-config.js';
import { ITEM_UNIT, type Signal } from '../model.js';
import type { SelfMetrics } from '../telemetry/self-metrics.js';

export interface DroppedItems {
  /** the pipelines that send to the exporter, with the signal of the unit */
  pipelines: string[];
  exporter: string;
  /** spans, metric_points or log_records */
  unit: string;
  /** queue_full, permanent_error, retries_exhausted, shutdown, storage_error, … */
  reason: string;
  count: number;
}

const DROPPED = /^otelcol_exporter_dropped_(spans|metric_points|log_records)$/;

export function droppedItems(metrics: SelfMetrics, pipelines: Record<string, PipelineConfig>): DroppedItems[] {
  const found: DroppedItems[] = [];
  for (const { name, labels, value } of metrics.series(DROPPED)) {
    if (value <= 0) continue;
    const unit = DROPPED.exec(name)?.[1] ?? '';
    const exporter = labels['exporter'] ?? '';
    const signal = (Object.keys(ITEM_UNIT) as Signal[]).find((candidate) => ITEM_UNIT[candidate] === unit);
    const feeding = Object.entries(pipelines)
      .filter(([pipeline, config]) => pipeline.split('/')[0] === signal && config.exporters.includes(exporter))
      .map(([pipeline]) => pipeline);
    found.push({ pipelines: feeding, exporter, unit, reason: labels['reason'] ?? 'unknown', count: value });
  }
  return found.sort((a, b) => a.exporter.localeCompare(b.exporter) || a.reason.localeCompare(b.reason));
}

/** One line per exporter and reason: "dropped 832 metric_points (pipeline metrics, exporter prometheusremotewrite): shutdown". */
export function describeDrop(drop: DroppedItems): string {
  const pipelines = drop.pipelines.length === 0 ? 'no pipeline' : `pipeline ${drop.pipelines.join(', ')}`;
  return `dropped ${drop.count} ${drop.unit} (${pipelines}, exporter ${drop.exporter}): ${drop.reason}`;
}
