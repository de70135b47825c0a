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
 * Node 24 shrinks the young generation after a quiet spell; it is grown back (keepYoungGeneration).
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

/** Tunes the heap for the rest of the process; returns what stops keeping the young generation's size. */
export function tuneHeapForCollector(): () => void {
  setFlagsFromString('--heap-growing-percent=20');
  const grown = growYoungGenerationTo(YOUNG_GENERATION_BYTES);
  setFlagsFromString('--semi-space-growth-factor=1');
  // V8 caps it lower (a --max-semi-space-size below YOUNG_GENERATION_BYTES in NODE_OPTIONS): left where V8 holds it
  if (!grown) return () => undefined;
  return keepYoungGeneration(YOUNG_GENERATION_BYTES);
}

/**
 * Batches allocated without the young generation growing, after which V8 is taken to refuse to grow it further (a
 * --max-semi-space-size below YOUNG_GENERATION_BYTES). Unrefused, it grows within 10 batches on Node 20, 22 and 24;
 * without this bound a capped process allocated 10,000 batches (2–17 s) as it started and again after every
 * collection, and its collector never got to run.
 */
const BATCHES_WITHOUT_GROWTH = 64;

/**
 * Lets V8 grow its young generation (1 → 2 → 4 → 8 MB on Node 20, 22 and 24) by allocating short-lived objects
 * until it reaches `bytes`, checked after every batch (~400 KB), so that the hold that follows lands exactly there;
 * false where V8 does not let it get there.
 * Waiting for the first scrapes to grow it instead (a `gc` PerformanceObserver) let it overshoot to V8's maximum in
 * one long synchronous scrape before the observer was told. About 10 ms, as the collector starts: a batch of 16,384
 * objects survives each scavenge in bulk, which is what V8 grows the young generation for (1,024 took ~40 ms).
 */
function growYoungGenerationTo(bytes: number): boolean {
  const batch: object[] = new Array<object>(16_384);
  let size = youngGenerationBytes();
  for (let stalled = 0; size < bytes;) {
    for (let index = 0; index < batch.length; index++) batch[index] = { index };
    const now = youngGenerationBytes();
    stalled = now > size ? 0 : stalled + 1;
    size = now;
    if (stalled === BATCHES_WITHOUT_GROWTH) return false;
  }
  return true;
}

/**
 * Node 24's V8 shrinks the young generation after a full collection that follows a quiet spell (a collector between
 * scrapes), down to 1–2 MB, and the hold above then keeps it there: ~10 s into the remote-write benchmark it fell
 * from 8 to 2 MB, with 55% more scavenges and more objects promoted to the old generation than on Node 20, where it
 * stays. The shrink lands at a collection after the full one, so after any collection (the observer is told of a few
 * per second under load) it is grown back if it is smaller (growth allowed for that moment only).
 * Node 20 and 22 never shrink it (test/integration/collector-heap-tuning.test.ts shows which does).
 */
function keepYoungGeneration(bytes: number): () => void {
  const observer = new PerformanceObserver(() => {
    if (youngGenerationBytes() >= bytes) return;
    setFlagsFromString('--semi-space-growth-factor=2');
    const grown = growYoungGenerationTo(bytes);
    setFlagsFromString('--semi-space-growth-factor=1');
    if (!grown) observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => observer.disconnect();
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
