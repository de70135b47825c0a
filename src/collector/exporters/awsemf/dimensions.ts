import type { EmfSettings, MetricDeclaration } from './settings.js';

/**
 * The dimension sets a metric is published under, as awsemf chooses them. Without metric_declarations: every
 * label (in name order) plus the rollup sets. With declarations: only metrics that some declaration selects (a
 * metric_name_selectors regex matches the name and every label matcher matches), under the declared sets whose
 * labels the metric all carries, plus the rollup sets; undefined when the metric gets no directive (it stays a
 * plain field of the log event).
 */
export function dimensionSetsFor(
  metricName: string,
  labels: Record<string, string>,
  settings: EmfSettings,
): string[][] | undefined {
  const labelNames = Object.keys(labels).sort();
  const rollup = rollupSets(labelNames, settings.dimensionRollup);
  if (settings.declarations.length === 0) return dedupe([labelNames, ...rollup]);
  const matched = settings.declarations.filter((declaration) => selects(declaration, metricName, labels));
  if (matched.length === 0) return undefined;
  const declared = matched.flatMap((declaration) =>
    declaration.dimensions.filter((set) => set.every((name) => labels[name] !== undefined)),
  );
  const sets = dedupe([...declared, ...rollup]);
  return sets.length === 0 ? undefined : sets;
}

function selects(declaration: MetricDeclaration, metricName: string, labels: Record<string, string>): boolean {
  if (!declaration.metricNameSelectors.some((selector) => selector.test(metricName))) return false;
  return declaration.labelMatchers.every((matcher) =>
    matcher.regex.test(matcher.labelNames.map((name) => labels[name] ?? '').join(matcher.separator)),
  );
}

/** Zero-dimension rollup adds `[]` (the metric over every series); single-dimension rollup adds `[label]` per label. */
function rollupSets(labelNames: string[], option: EmfSettings['dimensionRollup']): string[][] {
  const sets: string[][] = [];
  if (option === 'ZeroAndSingleDimensionRollup' && labelNames.length > 0) sets.push([]);
  if (option === 'ZeroAndSingleDimensionRollup' || option === 'SingleDimensionRollup') {
    for (const name of labelNames) sets.push([name]);
  }
  return sets;
}

/** Keeps the first of sets that hold the same labels in any order. */
function dedupe(sets: string[][]): string[][] {
  const seen = new Set<string>();
  return sets.filter((set) => {
    const key = JSON.stringify([...set].sort());
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function dimensionSetsKey(sets: string[][]): string {
  return JSON.stringify(sets);
}
