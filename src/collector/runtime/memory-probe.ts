/** The memory_limiter's view of this process: what it uses, what it may use, and a forced collection if it has one. */
import { totalmem } from 'node:os';
import { constrainedMemory, memoryUsage } from 'node:process';
import type { MemoryProbe } from '../processors/memory-limiter.js';

/** V8 heap in use plus the Buffers it tracks: the nearest to Go's runtime.MemStats.Alloc. */
export function processMemoryProbe(collectGarbage?: () => void): MemoryProbe {
  return {
    used: () => {
      const usage = memoryUsage();
      return usage.heapUsed + usage.external;
    },
    total: () => {
      // the cgroup limit when there is one (Node ≥ 19.6; 0 or undefined without a constraint), else the machine's
      const constrained = constrainedMemory() as number | undefined;
      const machine = totalmem();
      return constrained !== undefined && constrained > 0 && constrained < machine ? constrained : machine;
    },
    collect: () => {
      const gc = collectGarbage ?? (globalThis as { gc?: () => void }).gc;
      if (gc === undefined) return false;
      gc();
      return true;
    },
    now: () => Date.now(),
  };
}
