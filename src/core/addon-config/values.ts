/**
 * The add-on's configurationValues for adot's targets, merged into what the add-on already has, and the collectors a
 * configuration makes the add-on deploy. Pure: the keys are the schema's (see presets.ts for the sources).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Target } from '../targets.js';
import { ROLE_ARN_ANNOTATION } from '../templates/manifests.js';
import {
  ADDON_NAMESPACE,
  LEGACY_COLLECTOR_NAME,
  LEGACY_SERVICE_ACCOUNT,
  LEGACY_SWITCHES,
  PRESETS,
  type ConfigurationKind,
} from './presets.js';

type Values = Record<string, unknown>;

function isRecord(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return node;
}

/** sets a nested key, creating the objects on the way */
function put(values: Values, path: readonly string[], value: unknown): void {
  let node = values;
  path.slice(0, -1).forEach((key) => {
    if (!isRecord(node[key])) node[key] = {};
    node = node[key] as Values;
  });
  node[path[path.length - 1] ?? ''] = value;
}

export interface AddonConfigRequest {
  kind: Exclude<ConfigurationKind, 'none'>;
  targets: readonly Target[];
  /** the remote write URL (target amp) */
  ampRemoteWriteUrl?: string | undefined;
  /** IRSA: the role each preset's service account is annotated with (presets; collector keys use the add-on's role) */
  irsaRoleArn?: string | undefined;
  /** installed targets --prune removes: their switches are turned off (`enabled: false`, the schema's own switch) */
  removedTargets?: readonly Target[] | undefined;
}

/**
 * What adot sets for these targets; only the keys it owns (the rest of the user's configuration is merged in). A
 * removed target's pipeline switch is set to false rather than deleted: a merge keeps the user's keys, so only a
 * written value turns it off, and the settings next to it stay the user's.
 */
export function renderAddonConfig(request: AddonConfigRequest): Values {
  const values: Values = {};
  const removed = (request.removedTargets ?? []).filter((target) => !request.targets.includes(target));
  if (request.kind === 'collector-keys') {
    for (const target of removed) {
      const key = LEGACY_SWITCHES[target];
      if (key !== undefined) put(values, ['collector', key, 'enabled'], false);
    }
    for (const target of request.targets) {
      const key = LEGACY_SWITCHES[target];
      if (key !== undefined) put(values, ['collector', key, 'enabled'], true);
    }
    if (request.targets.includes('amp') && request.ampRemoteWriteUrl !== undefined) {
      put(values, ['collector', 'amp', 'remoteWriteEndpoint'], request.ampRemoteWriteUrl);
    }
    return values;
  }
  for (const preset of PRESETS) {
    for (const target of removed) {
      const path = preset.pipelines[target];
      if (path !== undefined) put(values, ['collector', preset.key, 'pipelines', ...path, 'enabled'], false);
    }
    const chosen = request.targets.filter((target) => preset.pipelines[target] !== undefined);
    if (chosen.length === 0) continue;
    for (const target of chosen) {
      put(values, ['collector', preset.key, 'pipelines', ...(preset.pipelines[target] ?? []), 'enabled'], true);
    }
    if (request.irsaRoleArn !== undefined) {
      put(values, ['collector', preset.key, 'serviceAccount', 'annotations', ROLE_ARN_ANNOTATION], request.irsaRoleArn);
    }
    if (preset.key === 'prometheusMetrics' && chosen.includes('amp') && request.ampRemoteWriteUrl !== undefined) {
      put(
        values,
        ['collector', preset.key, 'exporters', 'prometheusremotewrite', 'endpoint'],
        request.ampRemoteWriteUrl,
      );
    }
  }
  return values;
}

/**
 * adot's keys merged into the configuration the add-on has: every key of the user's is kept; where both set a leaf,
 * adot's value is written (it is what the install was asked for). `changed` tells whether anything differs.
 */
export function mergeAddonConfig(existing: unknown, ours: Values): { values: Values; changed: boolean } {
  const base = isRecord(existing) ? structuredClone(existing) : {};
  const merge = (into: Values, from: Values): void => {
    for (const [key, value] of Object.entries(from)) {
      if (isRecord(value) && isRecord(into[key])) merge(into[key] as Values, value);
      else into[key] = structuredClone(value);
    }
  };
  merge(base, ours);
  return { values: base, changed: !isDeepStrictEqual(base, isRecord(existing) ? existing : {}) };
}

/** A collector the add-on deploys from its configuration. */
export interface AddonCollector {
  /** the OpenTelemetryCollector's name */
  name: string;
  namespace: string;
  serviceAccount: string;
  mode: 'deployment' | 'daemonset' | 'statefulset' | 'sidecar';
  targets: Target[];
  /** the IRSA role the configuration annotates its service account with, if any */
  annotatedRoleArn: string | undefined;
}

/** The collectors a configuration makes the add-on deploy (the legacy one is annotated by serviceAccountRoleArn). */
export function addonCollectors(
  kind: ConfigurationKind,
  values: unknown,
  serviceAccountRoleArn: string | undefined,
): AddonCollector[] {
  if (kind === 'none') return [];
  if (kind === 'collector-keys') {
    const collector = pick(values, ['collector']);
    const targets = (Object.entries(LEGACY_SWITCHES) as [Target, string][])
      .filter(([, key]) => pick(collector, [key, 'enabled']) === true)
      .map(([target]) => target);
    if (targets.length === 0) return [];
    const name = pick(collector, ['serviceAccount', 'name']);
    const annotations = pick(collector, ['serviceAccount', 'annotations']);
    const annotated = isRecord(annotations) ? annotations[ROLE_ARN_ANNOTATION] : undefined;
    const mode = pick(collector, ['mode']);
    return [
      {
        name: LEGACY_COLLECTOR_NAME,
        namespace: ADDON_NAMESPACE,
        serviceAccount: typeof name === 'string' && name !== '' ? name : LEGACY_SERVICE_ACCOUNT,
        mode: mode === 'daemonset' || mode === 'statefulset' || mode === 'sidecar' ? mode : 'deployment',
        targets,
        annotatedRoleArn: typeof annotated === 'string' ? annotated : serviceAccountRoleArn,
      },
    ];
  }
  return PRESETS.flatMap((preset): AddonCollector[] => {
    const settings = pick(values, ['collector', preset.key]);
    const targets = (Object.entries(preset.pipelines) as [Target, string[]][])
      .filter(([, path]) => pick(settings, ['pipelines', ...path, 'enabled']) === true)
      .map(([target]) => target);
    if (targets.length === 0) return [];
    const annotated = pick(settings, ['serviceAccount', 'annotations', ROLE_ARN_ANNOTATION]);
    return [
      {
        name: preset.name,
        namespace: ADDON_NAMESPACE,
        serviceAccount: preset.name,
        mode: preset.mode,
        targets,
        annotatedRoleArn: typeof annotated === 'string' ? annotated : undefined,
      },
    ];
  });
}
