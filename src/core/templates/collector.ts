/**
 * Renders the collector for the chosen targets: one OpenTelemetryCollector whose configuration merges the targets'
 * fragments (templates/collector/*.yaml), so traces and metrics share one collector as in the ADOT add-on blog.
 */
import { parse } from 'yaml';
import type { KubeObject } from '../../ports.js';
import { COLLECTOR_V1ALPHA1, COLLECTOR_V1BETA1 } from '../compat-data.js';
import type { CollectorApiVersion } from '../collector-version.js';
import {
  receiverPorts,
  stringifyCollectorConfig,
  validateCollectorConfig,
  type CollectorConfig,
} from '../collector-config.js';
import { failure } from '../errors.js';
import type { Target } from '../targets.js';
import { loadTemplate } from './files.js';
import { applyConfigSettings, applyResourceSettings } from './settings.js';
import { assertNoTokens, substituteTokens } from './tokens.js';
import { resolveAmp, validateTemplateValues, type TemplateValues } from './values.js';

/** The amp and cloudwatch targets share one Prometheus receiver (prometheus.yaml). */
const fragmentsByTarget: Record<Target, string[]> = {
  // served by the add-on's containerLogs collector; requireTemplateTargets refuses it before rendering
  logs: [],
  xray: ['collector/xray.yaml'],
  amp: ['collector/prometheus.yaml', 'collector/amp.yaml'],
  cloudwatch: ['collector/prometheus.yaml', 'collector/cloudwatch.yaml'],
};

const componentSections = ['receivers', 'processors', 'exporters', 'extensions'] as const;

/**
 * The collector's own metrics (otelcol_process_* among them) reach the metrics targets as in the ADOT add-on docs'
 * amp and cloudwatch configurations: its pods are annotated for the kubernetes-pods scrape job, on the port it serves
 * them on. 8888 is the port the operator configures when the configuration names none (opentelemetry-operator
 * apis/v1beta1/config.go, Service.ApplyDefaults), and the collector's own default before that.
 * https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/config-cloudwatch
 */
const SELF_SCRAPE_POD_ANNOTATIONS: Readonly<Record<string, string>> = {
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': '8888',
};
const SCRAPING_TARGETS: readonly Target[] = ['amp', 'cloudwatch'];

function tokenValues(values: TemplateValues, targets: readonly Target[]): Record<string, string> {
  const tokens: Record<string, string> = {
    region: values.region,
    clusterName: values.clusterName,
    namespace: values.namespace,
    serviceAccount: values.serviceAccount,
    collectorName: values.collectorName,
  };
  if (targets.includes('amp')) {
    const amp = resolveAmp(values);
    tokens.ampRemoteWriteUrl = amp.url;
    tokens.ampRegion = amp.region;
  }
  return tokens;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Adds one fragment to the configuration; a component or pipeline defined differently by two fragments is a bug. */
function mergeFragment(config: CollectorConfig, fragment: unknown, source: string): void {
  if (!isRecord(fragment)) throw failure('TemplateInvalid', `Template ${source} is not a mapping`);
  for (const section of componentSections) {
    const components = fragment[section];
    if (components === undefined) continue;
    if (!isRecord(components)) throw failure('TemplateInvalid', `Template ${source}: ${section} is not a mapping`);
    for (const [id, settings] of Object.entries(components)) {
      if (Object.hasOwn(config[section], id) && !sameValue(config[section][id], settings)) {
        throw failure(
          'TemplateConflict',
          `Template ${source} defines ${section}.${id} differently from another template`,
        );
      }
      config[section][id] = settings;
    }
  }
  const service = isRecord(fragment.service) ? fragment.service : {};
  if (Array.isArray(service.extensions)) {
    const enabled = new Set([...(config.service.extensions ?? []), ...(service.extensions as string[])]);
    config.service.extensions = [...enabled];
  }
  const pipelines = isRecord(service.pipelines) ? service.pipelines : {};
  for (const [name, pipeline] of Object.entries(pipelines)) {
    if (Object.hasOwn(config.service.pipelines, name)) {
      throw failure('TemplateConflict', `Template ${source} defines pipeline ${name} again`);
    }
    config.service.pipelines[name] = pipeline as CollectorConfig['service']['pipelines'][string];
  }
}

function buildConfig(targets: readonly Target[], values: TemplateValues): CollectorConfig {
  const tokens = tokenValues(values, targets);
  const config: CollectorConfig = {
    receivers: {},
    processors: {},
    exporters: {},
    extensions: {},
    service: { pipelines: {} },
  };
  const files = [...new Set(targets.flatMap((target) => fragmentsByTarget[target]))];
  for (const file of files) mergeFragment(config, substituteTokens(loadTemplate(file), tokens, file), file);
  applyConfigSettings(config, values.set ?? {}, targets);
  assertNoTokens(config, 'collector configuration');
  const problems = validateCollectorConfig(config);
  if (problems.length > 0) {
    throw failure(
      'TemplateInvalid',
      `The rendered collector configuration is invalid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      {
        details: { problems },
      },
    );
  }
  return config;
}

/** The collector configuration for the chosen targets (validated; usage errors for bad values). */
export function renderCollectorConfig(targets: readonly Target[], values: TemplateValues): CollectorConfig {
  validateTemplateValues(values, targets);
  return buildConfig(targets, values);
}

/**
 * The OpenTelemetryCollector resource in the given version: spec.config is the configuration as YAML text in
 * v1alpha1 and as an object in v1beta1 (the same data: the object is the text parsed, as the operator's conversion
 * reads it); spec.ports lists the UDP receivers (the operator only infers TCP ports), e.g. awsxray on 2000/UDP.
 */
export function renderCollector(
  targets: readonly Target[],
  values: TemplateValues,
  apiVersion: CollectorApiVersion = COLLECTOR_V1ALPHA1,
): KubeObject {
  validateTemplateValues(values, targets);
  const config = buildConfig(targets, values);
  const source = 'collector-resource.yaml';
  const resource = substituteTokens(loadTemplate(source), tokenValues(values, targets), source) as KubeObject;
  resource.apiVersion = apiVersion;
  const spec = resource.spec as Record<string, unknown>;
  const text = stringifyCollectorConfig(config);
  spec.config = apiVersion === COLLECTOR_V1BETA1 ? (parse(text) as unknown) : text;
  const udpPorts = receiverPorts(config).filter((port) => port.protocol === 'UDP');
  if (udpPorts.length > 0)
    spec.ports = udpPorts.map(({ name, port, protocol }) => ({
      name,
      port,
      protocol,
    }));
  if (targets.some((target) => SCRAPING_TARGETS.includes(target))) {
    spec.podAnnotations = { ...SELF_SCRAPE_POD_ANNOTATIONS };
  }
  applyResourceSettings(resource, values.set ?? {}, targets);
  assertNoTokens(resource, 'collector resource');
  return resource;
}
