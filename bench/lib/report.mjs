// The headline figures of a bench, for bench/run.mjs's summary: when the runner sets ADOT_BENCH_RESULTS (a file),
// each figure is appended to it as one JSON line; run alone, a bench prints only its own table.
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * figure: what was measured; measured: the value as printed (e.g. "412 ms"); anchor: what it is compared with
 * (e.g. "aws + kubectl script 8.5 s"); target: the goal (e.g. "<= 400 ms"); ok: whether it met the target. The
 * machine's 1-minute load average as the figure is recorded goes with it (the machine may be shared).
 */
export function recordFigure({ figure, measured, anchor = '', target = '', ok }) {
  const file = process.env.ADOT_BENCH_RESULTS;
  if (!file) return;
  appendFileSync(file, `${JSON.stringify({ figure, measured, anchor, target, ok, load: loadavg()[0].toFixed(2) })}\n`);
}
