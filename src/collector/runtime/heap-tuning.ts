/**
 * V8 heap settings for a process that runs nothing but a collector (`adot collector run`), applied as it starts.
 * Never applied to a process that embeds the runtime (the sandbox, tests): they are process-wide.
 *
 * A collector's garbage is short-lived by design (a scrape is handed on slice by slice and encoded at once), so a
 * young generation of a few MB loses little, where V8's default lets it grow to 32 MB (Node 20, 22) or 64 MB
 * (Node 24) and keep those pages. It is grown to YOUNG_GENERATION_BYTES as the collector starts, then held
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
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The size (V8's new space) from which `adot collector run` holds V8's young generation where it is. */
export const YOUNG_GENERATION_BYTES = 8 * 1024 * 1024;

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

export function tuneHeapForCollector(): void {
  setFlagsFromString('--heap-growing-percent=20');
  growYoungGenerationTo(YOUNG_GENERATION_BYTES);
  setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * Lets V8 grow its young generation (1 → 2 → 4 → 8 MB on Node 20, 22 and 24) by allocating short-lived objects
 * until it reaches `bytes`, checked after every small batch, so that the hold that follows lands exactly there.
 * Waiting for the first scrapes to grow it instead (a `gc` PerformanceObserver) let it overshoot to V8's maximum in
 * one long synchronous scrape before the observer was told. About 40 ms, once, as the collector starts.
 */
function growYoungGenerationTo(bytes: number): void {
  const batch: object[] = new Array<object>(1024);
  for (let round = 0; round < 100_000 && youngGenerationBytes() < bytes; round++) {
    for (let index = 0; index < batch.length; index++) batch[index] = { index };
  }
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
