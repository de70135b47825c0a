/**
 * How long something took, as people read it: one decimal under 10 s (a 1 s deadline reads "1.0 s", not "0 s" or
 * "1 s" after 1.4 s), whole seconds from 10 s on.
 */
export function formatElapsed(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 9_950) return `${(safe / 1_000).toFixed(1)} s`;
  return `${Math.round(safe / 1_000)} s`;
}
