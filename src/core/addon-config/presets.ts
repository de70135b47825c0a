/**
 * The collectors the ADOT add-on deploys itself from its configurationValues, and which of adot's targets each one
 * serves. From v0.88.0, three preconfigured collectors, each an OpenTelemetryCollector in the add-on's namespace
 * named as its service account, "a fixed, non configurable, name that is unique per collector custom resource"
 * (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/add-on-configuration-collector-deployment, and the
 * v0.88 migration guide https://github.com/aws-otel/aws-otel.github.io/blob/282f48cba70d4b10fef0c6a42a518fb6263c31d2/src/docs/getting-started/adot-eks-add-on/add-on-v88-migration.mdx):
 * prometheusMetrics (pipelines metrics.amp and metrics.emf), otlpIngest (traces.xray) and containerLogs (a
 * DaemonSet; logs.cloudwatchLogs), on the pages config-prometheus-metrics, config-otlp-ingest and
 * config-container-logs. v0.62.1 to v0.84.0 take one `collector` section instead (amp, cloudwatch, xray switches and
 * a service account, aws-otel-collector unless named), deploying one collector that the migration guide reaches at
 * `my-collector-collector`.
 */
import semver from 'semver';
import { ADDON_FEATURES, ADDON_RBAC_NAMESPACE } from '../compat-data.js';
import type { Target } from '../targets.js';
import { parseAddonVersion } from '../versions.js';

export const ADDON_NAMESPACE = ADDON_RBAC_NAMESPACE;

export type PresetKey = 'prometheusMetrics' | 'otlpIngest' | 'containerLogs';

export interface PresetDefinition {
  key: PresetKey;
  /** the collector and its service account */
  name: string;
  mode: 'deployment' | 'daemonset';
  /** target -> the pipeline switch under `pipelines` that sends to it */
  pipelines: Partial<Record<Target, string[]>>;
}

export const PRESETS: readonly PresetDefinition[] = [
  {
    key: 'prometheusMetrics',
    name: 'adot-col-prom-metrics',
    mode: 'deployment',
    pipelines: { amp: ['metrics', 'amp'], cloudwatch: ['metrics', 'emf'] },
  },
  { key: 'otlpIngest', name: 'adot-col-otlp-ingest', mode: 'deployment', pipelines: { xray: ['traces', 'xray'] } },
  {
    key: 'containerLogs',
    name: 'adot-col-container-logs',
    mode: 'daemonset',
    pipelines: { logs: ['logs', 'cloudwatchLogs'] },
  },
];

export const LEGACY_COLLECTOR_NAME = 'my-collector';
export const LEGACY_SERVICE_ACCOUNT = 'aws-otel-collector';
/** the v0.62.1–v0.84 switches under `collector` */
export const LEGACY_SWITCHES: Partial<Record<Target, string>> = { amp: 'amp', cloudwatch: 'cloudwatch', xray: 'xray' };

/** What configuration an add-on version takes: none, the v0.62.1–v0.84 `collector` keys, or the v0.88+ presets. */
export type ConfigurationKind = 'none' | 'collector-keys' | 'presets';

export function configurationKind(addonVersion: string): ConfigurationKind {
  const core = parseAddonVersion(addonVersion)?.core;
  if (core === undefined || semver.lt(core, ADDON_FEATURES.configurationFirst)) return 'none';
  return semver.lt(core, ADDON_FEATURES.configurationPresetsFirst) ? 'collector-keys' : 'presets';
}

/** The targets the add-on's own collectors can serve at a configuration kind. */
export function addonConfigTargets(kind: ConfigurationKind): Target[] {
  if (kind === 'none') return [];
  if (kind === 'collector-keys') return Object.keys(LEGACY_SWITCHES) as Target[];
  return PRESETS.flatMap((preset) => Object.keys(preset.pipelines) as Target[]);
}
