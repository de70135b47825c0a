/**
 * The collector's process metrics, with the names, types and meanings of the OpenTelemetry Collector's own
 * (https://github.com/open-telemetry/opentelemetry-collector/blob/main/service/documentation.md, "Internal
 * Telemetry"; https://opentelemetry.io/docs/collector/internal-telemetry/): what the ADOT docs' CloudWatch
 * configuration exports as `otelcol_process_.*`. Read from Node when the metrics are scraped.
 *
 * Upstream also has otelcol_process_runtime_total_alloc_bytes and otelcol_process_runtime_total_sys_memory_bytes,
 * readings of Go's runtime.MemStats (TotalAlloc, Sys) that Node has no counterpart for: they are left out rather
 * than filled with a number that means something else.
 */
import { cpuUsage, memoryUsage, uptime } from 'node:process';
import type { SelfMetrics } from './self-metrics.js';

/** What the process metrics read; the default reads this Node process. */
export interface ProcessStats {
  uptimeSeconds(): number;
  /** user plus system CPU time */
  cpuSeconds(): number;
  rssBytes(): number;
  /** bytes of the JavaScript heap in use (V8's used heap size, Node's counterpart of Go's HeapAlloc) */
  heapUsedBytes(): number;
}

export const nodeProcessStats: ProcessStats = {
  uptimeSeconds: () => uptime(),
  cpuSeconds: () => {
    const { user, system } = cpuUsage();
    return (user + system) / 1e6;
  },
  rssBytes: () => memoryUsage.rss(),
  heapUsedBytes: () => memoryUsage().heapUsed,
};

export function registerProcessMetrics(metrics: SelfMetrics, stats: ProcessStats = nodeProcessStats): void {
  metrics.observedCounter('otelcol_process_uptime', 'Uptime of the process', {}, () => stats.uptimeSeconds());
  metrics.observedCounter('otelcol_process_cpu_seconds', 'Total CPU user and system time in seconds', {}, () =>
    stats.cpuSeconds(),
  );
  metrics.gauge('otelcol_process_memory_rss', 'Total physical memory (resident set size)', {}, () => stats.rssBytes());
  metrics.gauge(
    'otelcol_process_runtime_heap_alloc_bytes',
    'Bytes of allocated heap objects (V8 used heap size)',
    {},
    () => stats.heapUsedBytes(),
  );
}
