/**
 * The CloudWatchMetrics directives ("measurements") of one group of metrics that share their labels, as awsemf
 * builds them (opentelemetry-collector-contrib exporter/awsemfexporter/metric_translator.go,
 * groupedMetricToCWMeasurement and groupedMetricToCWMeasurementsWithFilters; util.go, dimensionRollup and
 * dedupDimensions; metric_declaration.go, MatchesLabels, MatchesName and ExtractDimensions). Label names within a
 * set are sorted (awsemf takes them from a Go map, in no order).
 */
import type { EmfSettings, MetricDeclaration } from './settings.js';

/** The label awsemf once added for the instrumentation scope; a label of that name is still treated apart. */
export const OTEL_LIB_DIMENSION = 'OTelLib';

export interface MetricInfo {
  Name: string;
  Unit?: string;
}

/** One directive: JSON writes its fields in this order, as Go writes awsemf's cWMeasurement struct. */
export interface Measurement {
  Namespace: string;
  Dimensions: string[][];
  Metrics: MetricInfo[];
}

type RollupOption = EmfSettings['dimensionRollup'];

/** The measurements of a group of metrics with these labels. */
export function measurementsFor(
  namespace: string,
  metrics: MetricInfo[],
  labels: Record<string, string>,
  settings: EmfSettings,
): Measurement[] {
  if (metrics.length === 0) return [];
  if (settings.declarations.length === 0) {
    return [
      { Namespace: namespace, Dimensions: undeclaredDimensions(labels, settings.dimensionRollup), Metrics: metrics },
    ];
  }
  return declaredMeasurements(namespace, metrics, labels, settings);
}

/** Without declarations: every label as one set, then the rollup sets. */
function undeclaredDimensions(labels: Record<string, string>, option: RollupOption): string[][] {
  const all = Object.keys(labels).sort();
  const rollup = dimensionRollup(option, labels);
  const singleLabel = all.length <= 1 || (all.length === 2 && labels[OTEL_LIB_DIMENSION] !== undefined);
  const singleRollup = option === 'SingleDimensionRollupOnly' || option === 'ZeroAndSingleDimensionRollup';
  // the set of every label would repeat a single-dimension rollup set
  const dimensions = rollup.length > 0 && singleLabel && singleRollup ? [] : [all];
  return [...dimensions, ...rollup];
}

/**
 * With declarations: those whose label matchers match; each metric goes with the declarations whose
 * metric_name_selectors match its name (a metric none selects gets no directive), one measurement per distinct list
 * of declarations, under their dimension sets whose labels all exist plus the rollup sets, without duplicates; a
 * measurement left with no dimension set is not written.
 */
function declaredMeasurements(
  namespace: string,
  metrics: MetricInfo[],
  labels: Record<string, string>,
  settings: EmfSettings,
): Measurement[] {
  const declarations = settings.declarations.filter((declaration) => matchesLabels(declaration, labels));
  if (declarations.length === 0) return [];
  const groups = new Map<string, { declarations: MetricDeclaration[]; metrics: MetricInfo[] }>();
  for (const metric of metrics) {
    const indexes = declarations.flatMap((declaration, index) =>
      matchesName(declaration, metric.Name) ? [index] : [],
    );
    if (indexes.length === 0) continue;
    const key = indexes.join(',');
    let group = groups.get(key);
    if (group === undefined) {
      group = { declarations: indexes.map((index) => declarations[index]!), metrics: [] };
      groups.set(key, group);
    }
    group.metrics.push(metric);
  }
  const rollup = dimensionRollup(settings.dimensionRollup, labels);
  const measurements: Measurement[] = [];
  for (const group of groups.values()) {
    const declared = group.declarations.flatMap((declaration) =>
      declaration.dimensions.filter((set) => set.every((name) => labels[name] !== undefined)),
    );
    const dimensions = dedupDimensions([...declared, ...rollup]);
    if (dimensions.length > 0)
      measurements.push({ Namespace: namespace, Dimensions: dimensions, Metrics: group.metrics });
  }
  return measurements;
}

/** A declaration without label matchers applies to every series; with some, when any of them matches. */
export function matchesLabels(declaration: MetricDeclaration, labels: Record<string, string>): boolean {
  if (declaration.labelMatchers.length === 0) return true;
  return declaration.labelMatchers.some((matcher) =>
    matcher.regex.test(matcher.labelNames.map((name) => labels[name] ?? '').join(matcher.separator)),
  );
}

export function matchesName(declaration: MetricDeclaration, metricName: string): boolean {
  return declaration.metricNameSelectors.some((selector) => selector.test(metricName));
}

/**
 * The rollup sets: zero-dimension rollup adds `[]` when there is any label, single-dimension rollup `[label]` per
 * label. An OTelLib label is kept in every rollup set rather than rolled up itself.
 */
export function dimensionRollup(option: RollupOption, labels: Record<string, string>): string[][] {
  const zero = labels[OTEL_LIB_DIMENSION] === undefined ? [] : [OTEL_LIB_DIMENSION];
  const names = Object.keys(labels)
    .filter((name) => name !== OTEL_LIB_DIMENSION)
    .sort();
  const sets: string[][] = [];
  if (option === 'ZeroAndSingleDimensionRollup' && names.length > 0) sets.push(zero);
  if (option === 'ZeroAndSingleDimensionRollup' || option === 'SingleDimensionRollupOnly') {
    for (const name of names) sets.push([...zero, name].sort());
  }
  return sets;
}

/** Keeps the first of equal sets (sets are sorted, so equal sets hold the same labels). */
export function dedupDimensions(sets: string[][]): string[][] {
  const seen = new Set<string>();
  return sets.filter((set) => {
    const key = set.join(',');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
