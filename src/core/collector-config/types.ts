/** The collector configuration (an OpenTelemetryCollector's spec.config) as adot reads it, and what its checks report. */

export type ProblemSeverity = 'error' | 'warning';

export interface ConfigProblem {
  /** where in the configuration: service.pipelines.traces.exporters[1], or `line 3, column 5` for YAML errors */
  path: string;
  message: string;
  hint?: string;
  /** absent means error: the collector would refuse the configuration, or run it without delivering */
  severity?: ProblemSeverity;
}

export interface PipelineConfig {
  receivers: string[];
  processors?: string[];
  exporters: string[];
}

export interface CollectorConfig {
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  extensions: Record<string, unknown>;
  /** connectors act as an exporter of one pipeline and a receiver of another */
  connectors?: Record<string, unknown>;
  service: {
    extensions?: string[];
    pipelines: Record<string, PipelineConfig>;
    telemetry?: unknown;
  };
}

export type Signal = 'traces' | 'metrics' | 'logs';
export type Section = 'receivers' | 'processors' | 'exporters' | 'extensions';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `batch/traces` → `batch` */
export function componentType(id: string): string {
  return id.split('/')[0] ?? id;
}

export function isError(problem: ConfigProblem): boolean {
  return problem.severity !== 'warning';
}
