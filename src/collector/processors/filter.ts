/**
 * processor `filter` (metrics by name and by resource attributes, the contrib filter processor's legacy match
 * properties): `metrics.include` keeps only metrics whose name matches, then `metrics.exclude` drops matching ones.
 * match_type `strict` compares whole names, `regexp` searches the name (unanchored, as the collector's Go regexp
 * MatchString). The name is the metric's, as the collector sees it: a histogram or summary family by its family
 * name, every other sample by its own name.
 *
 * `resource_attributes` ({key, value} list) match the sample's resource (service.name/service.namespace and
 * service.instance.id as the job and instance labels hold them, then the rest), as upstream's filterprocessor
 * (metrics.go newSkipResExpr/newResExpr) and internal/filter/filtermatcher (attributematcher.go) do: every listed
 * attribute must be present and, when it has a value, equal it (strict) or match it as an unanchored regular
 * expression (regexp); a key without a value only needs to be present. Names and resource attributes are checked
 * apart, as upstream builds two skip expressions: include keeps a sample only if both of its lists (those given)
 * match; exclude drops a sample if either of its lists (those given) matches. The match_type rule is upstream's:
 * a value to compare needs match_type strict or regexp, otherwise the processor is refused with
 * "unrecognized match_type: '', valid types are: [regexp strict]" (filterset.NewUnrecognizedMatchTypeError).
 * The OTTL conditions of the contrib filter processor are refused by name.
 */
import { SettingsError, type Settings } from '../config/settings.js';
import type { ComponentContext, Consumer, MetricSample, ProcessorInstance } from '../model.js';
import type { AnyValue } from '../translate/otlp-types.js';
import { sampleMap } from './resource-items.js';
import { compileRegex, settingsList } from './settings-list.js';

export type MatchType = 'strict' | 'regexp';

export interface NameMatcher {
  matchType: MatchType;
  names: string[];
  patterns: RegExp[];
  /** resource attributes that must all match (empty: the resource is not checked) */
  resourceAttributes?: ResourceAttributeMatcher[];
}

export interface ResourceAttributeMatcher {
  key: string;
  /** the value to compare, as text; absent: the key only needs to be present */
  value?: string;
  pattern?: RegExp;
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
  settings.allowOnly(['match_type', 'metric_names', 'resource_attributes']);
  const names = settings.stringList('metric_names');
  const attributes = settingsList(settings, 'resource_attributes');
  if (names.length === 0 && attributes.length === 0) {
    throw new SettingsError(settings.at('metric_names'), 'must list at least one metric name or resource attribute');
  }
  const compared = attributes.some((attribute) => attribute.has('value'));
  // upstream needs match_type to compare names or attribute values; a key-only list works without it
  const matchType =
    names.length > 0 || settings.has('match_type') || !compared
      ? readMatchType(settings, names.length > 0 ? undefined : 'strict')
      : undefined;
  if (matchType === undefined) {
    throw new SettingsError(
      settings.at('match_type'),
      "unrecognized match_type: '', valid types are: [regexp strict]",
      'Set match_type: strict (or regexp) beside resource_attributes',
    );
  }
  const patterns =
    matchType === 'regexp'
      ? names.map((name, index) => compileRegex(name, `${settings.at('metric_names')}[${index}]`))
      : [];
  const resourceAttributes = attributes.map((attribute) => readResourceAttribute(attribute, matchType));
  return { matchType, names, patterns, ...(resourceAttributes.length === 0 ? {} : { resourceAttributes }) };
}

function readResourceAttribute(settings: Settings, matchType: MatchType): ResourceAttributeMatcher {
  settings.allowOnly(['key', 'value']);
  const key = settings.string('key', '');
  if (key === '') throw new SettingsError(settings.at('key'), "can't have empty key in the list of attributes");
  const raw = settings.raw('value');
  if (raw === undefined || raw === null) return { key };
  if (typeof raw === 'object') {
    throw new SettingsError(
      settings.at('value'),
      'must be a string, a number or a boolean (lists and maps are not supported here)',
    );
  }
  if (matchType === 'regexp') {
    if (typeof raw !== 'string') {
      throw new SettingsError(
        settings.at('value'),
        `match_type=regexp for "${key}" only supports Str, but found ${typeof raw === 'boolean' ? 'Bool' : Number.isInteger(raw) ? 'Int' : 'Double'}`,
      );
    }
    return { key, value: raw, pattern: compileRegex(raw, settings.at('value')) };
  }
  return { key, value: String(raw as string | number | boolean) };
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

function textOf(value: AnyValue): string {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return value.intValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  return '';
}

/** filtermatcher AttributesMatcher.Match: every attribute present and (when it has a value) matching. */
export function matchesResource(attributes: readonly ResourceAttributeMatcher[], sample: MetricSample): boolean {
  const resource = sampleMap(sample);
  return attributes.every((attribute) => {
    const value = resource.get(attribute.key);
    if (value === undefined) return false;
    if (attribute.pattern !== undefined) return attribute.pattern.test(textOf(value));
    return attribute.value === undefined || textOf(value) === attribute.value;
  });
}

export function keepsSample(settings: FilterSettings, sample: MetricSample): boolean {
  const name = metricNameOf(sample);
  const { include, exclude } = settings;
  if (include !== undefined) {
    if (include.names.length > 0 && !matchesName(include, name)) return false;
    if (include.resourceAttributes !== undefined && !matchesResource(include.resourceAttributes, sample)) return false;
  }
  if (exclude !== undefined) {
    if (exclude.names.length > 0 && matchesName(exclude, name)) return false;
    if (exclude.resourceAttributes !== undefined && matchesResource(exclude.resourceAttributes, sample)) return false;
  }
  return true;
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
