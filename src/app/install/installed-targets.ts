/**
 * The targets already installed, read from the cluster: for --mode collector-resource the pipelines of adot's
 * collector resource (namespace/name from the flags), for --mode addon-config the pipelines the add-on's
 * configurationValues enable. Read calls only; what cannot be read counts as nothing installed.
 */
import type { AddonInfo, Kube, KubeObject } from '../../ports.js';
import { COLLECTOR_CRD } from '../../core/compat-data.js';
import { servedVersions } from '../../core/collector-version.js';
import { collectorConfigOf } from '../../core/checks/collector-identity.js';
import type { CollectorConfig } from '../../core/collector-config.js';
import { configurationKind, PRESETS } from '../../core/addon-config/presets.js';
import { parseConfigurationText } from '../../core/addon-config/schema-validation.js';
import { addonCollectors } from '../../core/addon-config/values.js';
import { TARGETS, TEMPLATE_TARGETS, targetForExporter, type Target } from '../../core/targets.js';

export interface InstalledTargets {
  targets: Target[];
  /** what each installed target's data flows through: collector pipelines, or the add-on's preset pipelines */
  pipelines: Partial<Record<Target, string[]>>;
  /** the remote-write endpoint the installed amp target writes to, kept when amp stays and no flag names another */
  ampRemoteWriteUrl: string | undefined;
}

const NOTHING: InstalledTargets = { targets: [], pipelines: {}, ampRemoteWriteUrl: undefined };

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function endpointOf(settings: unknown): string | undefined {
  const endpoint = record(settings)?.['endpoint'];
  return typeof endpoint === 'string' && endpoint !== '' ? endpoint : undefined;
}

/** The targets a collector configuration exports to (those adot's templates serve), and their pipelines. */
export function installedTargetsOfConfig(config: CollectorConfig): InstalledTargets {
  const pipelines: Partial<Record<Target, string[]>> = {};
  for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
    for (const exporter of pipeline.exporters) {
      const target = targetForExporter(exporter);
      if (target === undefined || !TEMPLATE_TARGETS.includes(target)) continue;
      pipelines[target] = [...new Set([...(pipelines[target] ?? []), name])];
    }
  }
  const remoteWrite = Object.entries(config.exporters).find(([id]) => targetForExporter(id) === 'amp');
  return {
    targets: TARGETS.filter((target) => pipelines[target] !== undefined),
    pipelines,
    ampRemoteWriteUrl: remoteWrite === undefined ? undefined : endpointOf(remoteWrite[1]),
  };
}

/** adot's collector resource, read in a version its CRD serves (another one when a conversion fails). */
async function readCollector(kube: Kube, name: string, namespace: string): Promise<KubeObject | undefined> {
  const crd = await kube.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: COLLECTOR_CRD,
  });
  if (crd === undefined) return undefined;
  for (const version of servedVersions(crd)) {
    try {
      return await kube.get({
        apiVersion: `opentelemetry.io/${version}`,
        kind: 'OpenTelemetryCollector',
        name,
        namespace,
      });
    } catch {
      // e.g. a v1alpha1 configuration the conversion webhook cannot convert: try the next served version
    }
  }
  return undefined;
}

export async function installedCollectorTargets(
  kube: Kube,
  collector: { name: string; namespace: string },
): Promise<InstalledTargets> {
  const live = await readCollector(kube, collector.name, collector.namespace).catch(() => undefined);
  const config = live === undefined ? undefined : collectorConfigOf(live).config;
  return config === undefined ? NOTHING : installedTargetsOfConfig(config);
}

/** The targets whose pipelines the installed add-on's configuration enables (its collector keys or presets). */
export function installedAddonTargets(addon: AddonInfo | undefined): InstalledTargets {
  if (addon === undefined) return NOTHING;
  const kind = configurationKind(addon.addonVersion);
  const parsed = parseConfigurationText(addon.configurationValues ?? '');
  if (!parsed.ok || kind === 'none') return NOTHING;
  const collectors = addonCollectors(kind, parsed.value, undefined);
  const pipelines: Partial<Record<Target, string[]>> = {};
  for (const collector of collectors) {
    for (const target of collector.targets) {
      const preset = PRESETS.find((candidate) => candidate.name === collector.name);
      const path =
        kind === 'presets' && preset !== undefined
          ? ['collector', preset.key, 'pipelines', ...(preset.pipelines[target] ?? [])]
          : ['collector', target];
      pipelines[target] = [path.join('.')];
    }
  }
  const values = record(parsed.value);
  const collectorValues = record(values?.['collector']);
  const ampRemoteWriteUrl =
    kind === 'presets'
      ? endpointOf(record(record(collectorValues?.['prometheusMetrics'])?.['exporters'])?.['prometheusremotewrite'])
      : (() => {
          const url = record(collectorValues?.['amp'])?.['remoteWriteEndpoint'];
          return typeof url === 'string' && url !== '' ? url : undefined;
        })();
  return {
    targets: TARGETS.filter((target) => pipelines[target] !== undefined),
    pipelines,
    ampRemoteWriteUrl,
  };
}
