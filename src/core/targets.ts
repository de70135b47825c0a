/**
 * The telemetry destinations adot can configure a collector for, and what each one implies (IAM policy,
 * collector exporter, signal).
 */
import { usageError } from './errors.js';

/** `logs` (container logs to CloudWatch Logs) is served by the add-on's containerLogs collector only. */
export type Target = 'amp' | 'cloudwatch' | 'xray' | 'logs';

export const TARGETS: readonly Target[] = ['amp', 'cloudwatch', 'xray', 'logs'];

/** The targets adot's own collector templates serve (--mode collector-resource, apply-template, collector run). */
export const TEMPLATE_TARGETS: readonly Target[] = ['amp', 'cloudwatch', 'xray'];

/**
 * The AWS managed policy of each target. The add-on's container logs page names CloudWatchAgentServerPolicy for the
 * containerLogs collector (https://aws-otel.github.io/docs/getting-started/adot-eks-add-on/config-container-logs).
 */
const policyByTarget: Record<Target, string> = {
  amp: 'arn:aws:iam::aws:policy/AmazonPrometheusRemoteWriteAccess',
  cloudwatch: 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
  xray: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess',
  logs: 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
};

const targetByExporterType: Record<string, Target> = {
  awsxray: 'xray',
  prometheusremotewrite: 'amp',
  awsemf: 'cloudwatch',
  awscloudwatchlogs: 'logs',
};

/** Refuses targets adot's own collector cannot serve (logs needs the add-on's containerLogs collector). */
export function requireTemplateTargets(targets: readonly Target[], flag = '--target'): void {
  const unsupported = targets.filter((target) => !TEMPLATE_TARGETS.includes(target));
  if (unsupported.length === 0) return;
  throw usageError(
    'TargetNeedsAddonConfig',
    `Target ${unsupported.join(', ')} is served by the add-on's own containerLogs collector, not by adot's collector resource`,
    {
      hint: `adot install ${flag} ${unsupported.join(',')} --mode addon-config   # add-on v0.88.0 or later`,
      details: { targets: unsupported },
    },
  );
}

function isTarget(value: string): value is Target {
  return (TARGETS as readonly string[]).includes(value);
}

/**
 * Parses `--target` values: repeated flags and comma lists (`--target xray,amp --target amp`), case-insensitive.
 * Returns unique targets in canonical (TARGETS) order; an empty input gives an empty list.
 */
export function parseTargets(values: string[]): Target[] {
  const chosen = new Set<Target>();
  for (const value of values) {
    for (const part of value.split(',')) {
      const name = part.trim().toLowerCase();
      if (name === '') continue;
      if (!isTarget(name)) {
        throw usageError('UnknownTarget', `Unknown target "${part.trim()}"`, {
          hint: `Use --target with one or more of: ${TARGETS.join(', ')} (e.g. --target xray,amp)`,
          details: { target: part.trim(), validTargets: [...TARGETS] },
        });
      }
      chosen.add(name);
    }
  }
  return TARGETS.filter((target) => chosen.has(target));
}

/** The AWS managed policies the collector's role needs for these targets: sorted, unique. */
export function policyArnsForTargets(targets: readonly Target[]): string[] {
  return [...new Set(targets.map((target) => policyByTarget[target]))].sort();
}

/** The target an exporter sends to, from its id (`awsxray`, `awsemf/custom` …); undefined for other exporters. */
export function targetForExporter(exporterType: string): Target | undefined {
  const type = exporterType.split('/')[0] ?? '';
  return Object.hasOwn(targetByExporterType, type) ? targetByExporterType[type] : undefined;
}

/** Targets fed by a metrics pipeline (the Prometheus receiver), as opposed to traces. */
export function isMetricsTarget(target: Target): boolean {
  return target === 'amp' || target === 'cloudwatch';
}
