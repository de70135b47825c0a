/** The known name closest to a misspelt one, for "did you mean" hints. */

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate nearest to `name` by edit distance (underscores, dashes and case ignored first: `tailsampling`,
 * `tail-sampling`, `Tail_Sampling` all find tail_sampling), if it is near enough to be a misspelling: at most 2
 * edits, and fewer than a third of the name.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const plain = (text: string) => text.toLowerCase().replace(/[_-]/g, '');
  const exact = candidates.find((candidate) => plain(candidate) === plain(name));
  if (exact !== undefined) return exact;
  let best: { candidate: string; edits: number } | undefined;
  for (const candidate of candidates) {
    const edits = distance(name.toLowerCase(), candidate.toLowerCase());
    if (best === undefined || edits < best.edits) best = { candidate, edits };
  }
  return best !== undefined && best.edits <= 2 && best.edits * 3 < name.length ? best.candidate : undefined;
}

/** "Did you mean X? " when a candidate is close enough, else "". */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const closest = closestName(name, candidates);
  return closest === undefined ? '' : `Did you mean ${closest}? `;
}
