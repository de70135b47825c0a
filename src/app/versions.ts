import semver from 'semver';
import { addonFeatures, type ConfigurationSchema } from '../core/compat.js';
import { ADDON_NAME } from '../core/defaults.js';
import { type ExitStatus, failure } from '../core/errors.js';
import type { AddonVersionInfo, Eks, Output } from '../ports.js';
import { document } from '../ui/json.js';
import { renderTable } from '../ui/table.js';

export interface VersionsOptions {
  addonName: string;
  /** "1.NN" (checked by the command line); wins over cluster */
  kubernetesVersion?: string;
  cluster?: string;
}

export interface VersionEntry {
  version: string;
  architectures: string[];
  clusterVersions: string[];
  default: boolean;
  /**
   * ADOT only (from src/core/compat-data.ts ADDON_FEATURES, which cites the sources): the advanced-configuration
   * schema the version takes (none before v0.62.1; `collector` keys mode/replicas/amp/cloudwatch/xray to v0.84;
   * presets prometheusMetrics/otlpIngest/containerLogs from v0.88.0), EKS Pod Identity (from v0.94.1) and the
   * OpenTelemetryCollector v1beta1 API (from v0.102.0).
   */
  configurationSchema?: ConfigurationSchema;
  podIdentity?: boolean;
  collectorV1beta1?: boolean;
}

export interface VersionsDocument {
  schemaVersion: 1;
  /** true: a listing that succeeded (a failure prints the error document, ok false) */
  ok: true;
  addonName: string;
  kubernetesVersion: string | null;
  versions: VersionEntry[];
}

/** `adot versions`: DescribeAddonVersions (every page), filtered by the cluster's Kubernetes version. */
export async function versions(system: { eks: Eks; output: Output }, options: VersionsOptions): Promise<ExitStatus> {
  const kubernetesVersion = await targetKubernetesVersion(system.eks, options);
  const found = await system.eks.describeAddonVersions(options.addonName, kubernetesVersion);
  const entries = toEntries(found, kubernetesVersion, options.addonName === ADDON_NAME);
  if (entries.length === 0) {
    throw failure(
      'NoAddonVersion',
      kubernetesVersion === undefined
        ? `EKS lists no versions of the add-on "${options.addonName}"`
        : `no ${options.addonName === ADDON_NAME ? 'ADOT' : options.addonName} version supports Kubernetes ${kubernetesVersion} yet`,
      {
        hint: 'run adot versions without --cluster/--kubernetes-version to see which Kubernetes versions are supported',
      },
    );
  }
  const result: VersionsDocument = document({
    ok: true as const,
    addonName: options.addonName,
    kubernetesVersion: kubernetesVersion ?? null,
    versions: entries,
  });
  system.output.result(result, () => versionsTable(entries, options.addonName === ADDON_NAME));
  return 0;
}

async function targetKubernetesVersion(eks: Eks, options: VersionsOptions): Promise<string | undefined> {
  if (options.kubernetesVersion !== undefined) {
    return options.kubernetesVersion;
  }
  if (options.cluster === undefined) return undefined;
  const cluster = await eks.describeCluster(options.cluster);
  if (cluster === undefined) {
    throw failure('ClusterNotFound', `EKS cluster "${options.cluster}" not found`, {
      hint: 'list the clusters with: aws eks list-clusters (or pass --kubernetes-version 1.NN)',
    });
  }
  return cluster.version;
}

function toEntries(found: AddonVersionInfo[], kubernetesVersion: string | undefined, adot: boolean): VersionEntry[] {
  return found
    .filter(
      (info) =>
        kubernetesVersion === undefined ||
        info.compatibilities.some((compatibility) => compatibility.clusterVersion === kubernetesVersion),
    )
    .map((info) => ({
      version: info.addonVersion,
      architectures: info.architecture,
      clusterVersions: sortMinors(info.compatibilities.map((compatibility) => compatibility.clusterVersion)),
      default: info.compatibilities.some(
        (compatibility) =>
          compatibility.defaultVersion &&
          (kubernetesVersion === undefined || compatibility.clusterVersion === kubernetesVersion),
      ),
      ...(adot ? addonFeatures(info.addonVersion) : {}),
    }))
    .sort((a, b) => compareAddonVersions(b.version, a.version));
}

function compareAddonVersions(a: string, b: string): number {
  const left = semver.coerce(a, { includePrerelease: true });
  const right = semver.coerce(b, { includePrerelease: true });
  if (left && right) return semver.compare(left, right) || a.localeCompare(b, 'en', { numeric: true });
  return a.localeCompare(b, 'en', { numeric: true });
}

function minorOf(version: string): number {
  return Number(version.split('.')[1] ?? NaN);
}

function sortMinors(versions: string[]): string[] {
  return [...new Set(versions)].sort((a, b) => minorOf(a) - minorOf(b));
}

/** 1.19 1.20 1.21 1.22 1.24 -> "1.19-1.22, 1.24" */
export function compactMinors(versions: string[]): string {
  const sorted = sortMinors(versions);
  const ranges: string[][] = [];
  for (const version of sorted) {
    const current = ranges[ranges.length - 1];
    const last = current?.[current.length - 1];
    if (current && last !== undefined && minorOf(version) === minorOf(last) + 1) current.push(version);
    else ranges.push([version]);
  }
  return ranges
    .map((range) => (range.length > 2 ? `${range[0]}-${range[range.length - 1]}` : range.join(', ')))
    .join(', ');
}

const SCHEMA_TEXT: Record<ConfigurationSchema, string> = {
  none: 'none',
  collector: 'collector keys',
  presets: 'presets',
};

function versionsTable(entries: VersionEntry[], adot: boolean): string {
  const base = (entry: VersionEntry): string[] => [
    entry.version,
    entry.architectures.join(',') || '-',
    compactMinors(entry.clusterVersions),
  ];
  const mark = (value: boolean | undefined): string => (value ? 'yes' : '');
  if (!adot)
    return renderTable(
      ['VERSION', 'ARCHITECTURE', 'KUBERNETES', 'DEFAULT'],
      entries.map((e) => [...base(e), mark(e.default)]),
    );
  return renderTable(
    ['VERSION', 'ARCHITECTURE', 'KUBERNETES', 'CONFIGURATION', 'POD-IDENTITY', 'V1BETA1', 'DEFAULT'],
    entries.map((entry) => [
      ...base(entry),
      entry.configurationSchema === undefined ? '-' : SCHEMA_TEXT[entry.configurationSchema],
      mark(entry.podIdentity),
      mark(entry.collectorV1beta1),
      mark(entry.default),
    ]),
  );
}
