import type { ComponentContext } from '../../src/collector/model.js';
import { machineFiles } from '../../src/collector/runtime/files.js';
import { SelfMetrics } from '../../src/collector/telemetry/self-metrics.js';
import { memoryLogger } from './collector-segments.js';

/** A component context as the runtime builds one, with a memory logger and its own self-metrics. */
export function componentContext(
  id: string,
  section = 'processors',
  env: Record<string, string | undefined> = {},
): ComponentContext & { logger: ReturnType<typeof memoryLogger>; metrics: SelfMetrics; lines: string[] } {
  const logger = memoryLogger();
  const lines: string[] = [];
  return {
    id,
    path: `${section}.${id}`,
    logger,
    metrics: new SelfMetrics(),
    env,
    stdout: (line) => lines.push(line),
    files: machineFiles,
    extension: () => undefined,
    lines,
  };
}
