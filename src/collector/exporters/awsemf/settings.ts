/**
 * The awsemf exporter's settings: the subset of the OpenTelemetry awsemf exporter this runtime implements
 * (opentelemetry-collector-contrib exporter/awsemfexporter config.go). Keys that would change the output in ways not
 * implemented here (version, eks_fargate_container_insights_enabled, log_retention, tags …) are refused by name
 * instead of being ignored.
 */
import { SettingsError, type Settings } from '../../config/settings.js';
import { compileRegex as compile, settingsList as list } from '../../processors/settings-list.js';
import { readSenderSettings, SENDER_KEYS, type SenderSettings } from '../../runtime/sender-settings.js';

/**
 * awsemf's rollup options (opentelemetry-collector-contrib exporter/awsemfexporter/README.md, dimension_rollup_option;
 * metric_translator.go). awsemf treats any other value as NoDimensionRollup; here it is refused, as a misspelling
 * would otherwise silently change the dimensions.
 */
export const DIMENSION_ROLLUP_OPTIONS = [
  'NoDimensionRollup',
  'SingleDimensionRollupOnly',
  'ZeroAndSingleDimensionRollup',
] as const;
export type DimensionRollup = (typeof DIMENSION_ROLLUP_OPTIONS)[number];

/**
 * awsemf drops a declared dimension set of more than 10 labels, with a warning (metric_declaration.go, init).
 */
export const MAX_DIMENSIONS_PER_SET = 10;

export interface LabelMatcher {
  labelNames: string[];
  separator: string;
  regex: RegExp;
}

export interface MetricDeclaration {
  /** each set sorted, without repeated labels, without repeated sets (as awsemf's MetricDeclaration.init) */
  dimensions: string[][];
  /** declared sets awsemf ignores (more than MAX_DIMENSIONS_PER_SET labels), for the exporter to warn about */
  ignoredDimensions: string[][];
  metricNameSelectors: RegExp[];
  labelMatchers: LabelMatcher[];
}

export interface MetricDescriptor {
  metricName: string;
  unit: string;
  overwrite: boolean;
}

/** What turns samples into EMF events (no I/O). */
export interface EmfSettings {
  /** empty: the sample's job label (the service.name the collector derives from it), else "default" */
  namespace: string;
  dimensionRollup: DimensionRollup;
  /** when off, job and instance stay resource attributes in the collector and so are not labels here either */
  resourceToTelemetry: boolean;
  declarations: MetricDeclaration[];
  descriptors: MetricDescriptor[];
  /** only the structured logs, no CloudWatchMetrics directives */
  disableMetricExtraction: boolean;
  /** labels whose values are JSON text, written into the event as the JSON they hold (parse_json_encoded_attr_values) */
  parseJsonEncodedAttrValues: string[];
  /** summaries as their quantiles (a `quantile` dimension) plus `_sum` and `_count`, not a statistic set */
  detailedMetrics: boolean;
  /** the first value of a counter is a delta of its own rather than only the baseline */
  retainInitialValueOfDeltaMetric: boolean;
}

export const OUTPUT_DESTINATIONS = ['cloudwatch', 'stdout'] as const;

export interface AwsEmfExporterSettings {
  region: string;
  endpoint?: string;
  logGroupName: string;
  logStreamName: string;
  /** cloudwatch: PutLogEvents; stdout: each EMF event printed as one line on standard output, nothing sent */
  outputDestination: (typeof OUTPUT_DESTINATIONS)[number];
  emf: EmfSettings;
  sender: SenderSettings;
}

const KNOWN_KEYS = [
  'region',
  'endpoint',
  'namespace',
  'log_group_name',
  'log_stream_name',
  'dimension_rollup_option',
  'resource_to_telemetry_conversion',
  'metric_declarations',
  'metric_descriptors',
  'disable_metric_extraction',
  'parse_json_encoded_attr_values',
  'detailed_metrics',
  'output_destination',
  'retain_initial_value_of_delta_metric',
  ...SENDER_KEYS,
];

export function readAwsEmfSettings(settings: Settings): AwsEmfExporterSettings {
  settings.allowOnly(KNOWN_KEYS);
  const endpoint = settings.string('endpoint');
  const rollup = settings.string('dimension_rollup_option', 'ZeroAndSingleDimensionRollup');
  if (!(DIMENSION_ROLLUP_OPTIONS as readonly string[]).includes(rollup)) {
    throw new SettingsError(
      settings.at('dimension_rollup_option'),
      `"${rollup}" is not a rollup option`,
      `One of ${DIMENSION_ROLLUP_OPTIONS.join(', ')}`,
    );
  }
  const conversion = settings.nested('resource_to_telemetry_conversion').allowOnly(['enabled']);
  const destination = settings.string('output_destination', 'cloudwatch').toLowerCase();
  if (!(OUTPUT_DESTINATIONS as readonly string[]).includes(destination)) {
    throw new SettingsError(
      settings.at('output_destination'),
      `"${destination}" is not an output destination`,
      `One of ${OUTPUT_DESTINATIONS.join(', ')}`,
    );
  }
  return {
    region: settings.requiredString('region'),
    ...(endpoint === undefined || endpoint === '' ? {} : { endpoint }),
    logGroupName: nonEmpty(settings.string('log_group_name'), '/metrics/default'),
    logStreamName: nonEmpty(settings.string('log_stream_name'), 'otel-stream'),
    outputDestination: destination as AwsEmfExporterSettings['outputDestination'],
    emf: {
      namespace: settings.string('namespace', ''),
      dimensionRollup: rollup as DimensionRollup,
      resourceToTelemetry: conversion.boolean('enabled', false),
      declarations: readDeclarations(settings),
      descriptors: readDescriptors(settings),
      disableMetricExtraction: settings.boolean('disable_metric_extraction', false),
      parseJsonEncodedAttrValues: settings.stringList('parse_json_encoded_attr_values'),
      detailedMetrics: settings.boolean('detailed_metrics', false),
      retainInitialValueOfDeltaMetric: settings.boolean('retain_initial_value_of_delta_metric', false),
    },
    sender: readSenderSettings(settings),
  };
}

function nonEmpty(value: string | undefined, fallback: string): string {
  return value === undefined || value.trim() === '' ? fallback : value;
}

function readDeclarations(settings: Settings): MetricDeclaration[] {
  return list(settings, 'metric_declarations').map((declaration) => {
    declaration.allowOnly(['dimensions', 'metric_name_selectors', 'label_matchers']);
    const selectors = declaration.stringList('metric_name_selectors');
    if (selectors.length === 0) {
      throw new SettingsError(declaration.at('metric_name_selectors'), 'must list at least one regular expression');
    }
    const rawDimensions = declaration.raw('dimensions');
    const dimensions: string[][] = [];
    const ignoredDimensions: string[][] = [];
    const seen = new Set<string>();
    if (rawDimensions !== undefined && rawDimensions !== null) {
      if (!Array.isArray(rawDimensions))
        throw new SettingsError(declaration.at('dimensions'), 'must be a list of label-name lists');
      rawDimensions.forEach((set: unknown, index) => {
        const path = `${declaration.at('dimensions')}[${index}]`;
        if (!Array.isArray(set) || !set.every((name) => typeof name === 'string')) {
          throw new SettingsError(path, 'must be a list of label names');
        }
        if (set.length > MAX_DIMENSIONS_PER_SET) {
          ignoredDimensions.push([...(set as string[])]);
          return;
        }
        const sorted = [...new Set(set as string[])].sort();
        const key = sorted.join(',');
        if (seen.has(key)) return;
        seen.add(key);
        dimensions.push(sorted);
      });
    }
    return {
      dimensions,
      ignoredDimensions,
      metricNameSelectors: selectors.map((pattern, index) =>
        compile(pattern, `${declaration.at('metric_name_selectors')}[${index}]`),
      ),
      labelMatchers: list(declaration, 'label_matchers').map((matcher) => {
        matcher.allowOnly(['label_names', 'separator', 'regex']);
        const labelNames = matcher.stringList('label_names');
        if (labelNames.length === 0) throw new SettingsError(matcher.at('label_names'), 'must list at least one label');
        return {
          labelNames,
          separator: matcher.string('separator', ';') || ';',
          regex: compile(matcher.requiredString('regex'), matcher.at('regex')),
        };
      }),
    };
  });
}

function readDescriptors(settings: Settings): MetricDescriptor[] {
  return list(settings, 'metric_descriptors').map((descriptor) => {
    descriptor.allowOnly(['metric_name', 'unit', 'overwrite']);
    return {
      metricName: descriptor.requiredString('metric_name'),
      unit: descriptor.requiredString('unit'),
      overwrite: descriptor.boolean('overwrite', false),
    };
  });
}
