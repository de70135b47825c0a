import { describe, expect, it } from 'vitest';
import { nodeProcessStats, registerProcessMetrics } from '../../src/collector/telemetry/process-metrics.js';
import { SelfMetrics } from '../../src/collector/telemetry/self-metrics.js';

describe("the collector's process metrics (otelcol_process_*)", () => {
  it("are served with upstream's names and types, read when scraped", () => {
    const metrics = new SelfMetrics();
    let uptime = 12.5;
    registerProcessMetrics(metrics, {
      uptimeSeconds: () => uptime,
      cpuSeconds: () => 3.25,
      rssBytes: () => 104_857_600,
      heapUsedBytes: () => 52_428_800,
    });
    const text = metrics.exposition();
    expect(text).toContain('# TYPE otelcol_process_uptime counter\notelcol_process_uptime 12.5\n');
    expect(text).toContain('# TYPE otelcol_process_cpu_seconds counter\notelcol_process_cpu_seconds 3.25\n');
    expect(text).toContain('# TYPE otelcol_process_memory_rss gauge\notelcol_process_memory_rss 104857600\n');
    expect(text).toContain(
      '# TYPE otelcol_process_runtime_heap_alloc_bytes gauge\notelcol_process_runtime_heap_alloc_bytes 52428800\n',
    );
    uptime = 27.5;
    expect(metrics.value('otelcol_process_uptime', {})).toBe(27.5);
  });

  it('read this process: uptime and CPU time grow, memory is positive', async () => {
    const before = { uptime: nodeProcessStats.uptimeSeconds(), cpu: nodeProcessStats.cpuSeconds() };
    let spin = 0;
    for (let index = 0; index < 2_000_000; index++) spin += index % 7;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(spin).toBeGreaterThan(0);
    expect(nodeProcessStats.uptimeSeconds()).toBeGreaterThan(before.uptime);
    expect(nodeProcessStats.cpuSeconds()).toBeGreaterThan(before.cpu);
    expect(nodeProcessStats.rssBytes()).toBeGreaterThan(0);
    expect(nodeProcessStats.heapUsedBytes()).toBeGreaterThan(0);
  });
});
