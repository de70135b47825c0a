/** Facts about a collector configuration's pipelines: the components they use and the targets they export to. */
import { TARGETS, targetForExporter, type Target } from '../targets.js';
import type { CollectorConfig } from './types.js';

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** The components the pipelines use, in order of first use. */
export function pipelineComponents(config: CollectorConfig): {
  receivers: string[];
  processors: string[];
  exporters: string[];
} {
  const pipelines = Object.values(config.service.pipelines);
  return {
    receivers: unique(pipelines.flatMap((pipeline) => pipeline.receivers)),
    processors: unique(pipelines.flatMap((pipeline) => pipeline.processors ?? [])),
    exporters: unique(pipelines.flatMap((pipeline) => pipeline.exporters)),
  };
}

export function exportersInUse(config: CollectorConfig): string[] {
  return pipelineComponents(config).exporters;
}

export function targetsOfConfig(config: CollectorConfig): Target[] {
  const found = new Set(exportersInUse(config).map(targetForExporter));
  return TARGETS.filter((target) => found.has(target));
}
