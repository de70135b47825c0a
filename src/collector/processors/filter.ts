/**
 * processor `filter` (metrics by name): `metrics.include` keeps only metrics whose name matches, then
 * `metrics.exclude` drops matching ones. match_type `strict` compares whole names, `regexp` searches the name
 * (unanchored, as the collector's Go regexp MatchString). The name is the metric's, as the collector sees it: a
 * histogram or summary family by its family name, every other sample by its own name. The OTTL conditions and
 * attribute matching of the contrib filter processor are refused by name.
 */
import { SettingsError, type Settings } from '../config/settings.js';
import type { ComponentContext, Consumer, MetricSample, ProcessorInstance } from '../model.js';
import { compileRegex } from './settings-list.js';

export type MatchType = 'strict' | 'regexp';

export interface NameMatcher {
  matchType: MatchType;
  names: string[];
  patterns: RegExp[];
}

export interface FilterSettings {
  include?: NameMatcher;
  exclude?: NameMatcher;
}

export function readFilterSettings(settings: Settings): FilterSettings {
  settings.allowOnly(['metrics']);
  const metrics = settings.nested('metrics').allowOnly(['include', 'exclude']);
  if (!metrics.has('include') && !metrics.has('exclude')) {
    throw new SettingsError(
      settings.at('metrics'),
      'needs include or exclude',
      'e.g. include: {match_type: strict, metric_names: [up]}',
    );
  }
  const include = metrics.has('include') ? readMatcher(metrics.nested('include')) : undefined;
  const exclude = metrics.has('exclude') ? readMatcher(metrics.nested('exclude')) : undefined;
  return { ...(include === undefined ? {} : { include }), ...(exclude === undefined ? {} : { exclude }) };
}

function readMatcher(settings: Settings): NameMatcher {
  settings.allowOnly(['match_type', 'metric_names']);
  const matchType = readMatchType(settings);
  const names = settings.stringList('metric_names');
  if (names.length === 0) throw new SettingsError(settings.at('metric_names'), 'must list at least one metric name');
  const patterns =
    matchType === 'regexp'
      ? names.map((name, index) => compileRegex(name, `${settings.at('metric_names')}[${index}]`))
      : [];
  return { matchType, names, patterns };
}

/** match_type strict|regexp; required, as the collector requires it for name matching. */
export function readMatchType(settings: Settings, fallback?: MatchType): MatchType {
  const matchType =
    fallback === undefined ? settings.requiredString('match_type') : settings.string('match_type', fallback);
  if (matchType !== 'strict' && matchType !== 'regexp') {
    throw new SettingsError(settings.at('match_type'), `"${matchType}" is not supported`, 'Use strict or regexp');
  }
  return matchType;
}

/** The name the collector's processors see for a sample: the family for histograms and summaries. */
export function metricNameOf(sample: MetricSample): string {
  return sample.type === 'histogram' || sample.type === 'summary' ? sample.family : sample.name;
}

export function matchesName(matcher: NameMatcher, name: string): boolean {
  return matcher.matchType === 'strict'
    ? matcher.names.includes(name)
    : matcher.patterns.some((pattern) => pattern.test(name));
}

export function keepsSample(settings: FilterSettings, sample: MetricSample): boolean {
  const name = metricNameOf(sample);
  if (settings.include !== undefined && !matchesName(settings.include, name)) return false;
  return settings.exclude === undefined || !matchesName(settings.exclude, name);
}

export class FilterProcessor implements ProcessorInstance<MetricSample> {
  private readonly filtered;

  constructor(
    context: ComponentContext,
    private readonly settings: FilterSettings,
    private readonly next: Consumer<MetricSample>,
  ) {
    this.filtered = context.metrics.counter(
      'otelcol_processor_filter_datapoints_filtered',
      'data points dropped by the filter',
      {
        filter: context.id,
      },
    );
  }

  async start(): Promise<void> {}

  consume(items: MetricSample[]): void {
    const kept = items.filter((sample) => keepsSample(this.settings, sample));
    if (kept.length < items.length) this.filtered.add(items.length - kept.length);
    if (kept.length > 0) this.next.consume(kept);
  }

  async shutdown(): Promise<void> {}
}
