/**
 * V8 heap settings for a process that runs nothing but a collector (`adot collector run`), applied as it starts.
 * Never applied to a process that embeds the runtime (the sandbox, tests): they are process-wide.
 *
 * A collector's garbage is short-lived by design (a scrape is handed on slice by slice and encoded at once), so a
 * young generation of a few MB loses little, where V8's default lets it grow to 32 MB (Node 20, 22) or 64 MB
 * (Node 24) and keep those pages. It is let grow as V8 would until it reaches YOUNG_GENERATION_BYTES, then held
 * (--semi-space-growth-factor=1). Held at its start-up size (1–4 MB) instead, objects still in flight were promoted
 * to the old generation: in the remote-write benchmark a third of the collector's CPU went to the garbage collector,
 * and it took some 35% more CPU than with 8 MB, for the same peak RSS. A collector's live data grows slowly (series
 * caches), so the old generation is collected at 1.2× its live size rather than at up to 4×.
 *
 * Both are set at run time, which V8 honours from its next collection on Node 20, 22 and 24
 * (test/integration/collector-heap-tuning.test.ts checks it in the process that runs the pipeline). Given on the
 * command line, a growth factor of 1 does nothing on any of them (V8 raises it to its minimum as it configures the
 * heap), and --max-semi-space-size is read only then. A worker's resourceLimits.maxYoungGenerationSizeMb would do,
 * for 10–18 MB more resident memory (a second isolate and Node environment, measured on Node 20 and 24).
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The size (V8's new space) from which `adot collector run` holds V8's young generation where it is. */
export const YOUNG_GENERATION_BYTES = 8 * 1024 * 1024;

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

export function tuneHeapForCollector(): void {
  setFlagsFromString('--heap-growing-percent=20');
  const holdYoungGeneration = (): boolean => {
    if (youngGenerationBytes() < YOUNG_GENERATION_BYTES) return false;
    setFlagsFromString('--semi-space-growth-factor=1');
    return true;
  };
  if (holdYoungGeneration()) return;
  // V8 grows the young generation in a collection, doubling it at most; checked after each (the observer is told
  // soon after, so it may grow once more in between: it stays under twice the bound)
  const observer = new PerformanceObserver(() => {
    if (holdYoungGeneration()) observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

/**
 * A function that forces a full garbage collection, for the memory_limiter processor (the collector calls Go's
 * runtime.GC there). V8 offers one only with --expose-gc; set at run time, the flag takes effect in contexts created
 * afterwards, so the function comes from a fresh context (it collects the whole isolate's heap).
 */
export function exposeGarbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
