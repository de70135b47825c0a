/**
 * The settings each component type of the bundled collector runtime accepts, found the way a user finds them: by
 * asking the runtime's own validation (runtimeProblems, what `adot collector validate` runs) about a configuration
 * that holds an unknown key. Each component's settings are read with Settings.allowOnly, which refuses an unknown key
 * with the hint "Known settings: a, b, c"; the probe puts an unknown key at every mapping (and every list item) it
 * reaches, from a baseline the component accepts, and follows each key it learns. A list whose items are told apart
 * by a required key (filelog `operators[].type`, metricstransform `operations[].action`) is probed once per value the
 * runtime names for that key. So a key added to any allowOnly list the probe reaches shows up here without anyone
 * listing it.
 */
import { runtimeProblems } from '../../src/collector/runtime/check.js';
import {
  exporterFactories,
  extensionFactories,
  processorFactories,
  receiverFactories,
} from '../../src/collector/runtime/factories.js';
import type { CollectorConfig, ConfigProblem } from '../../src/core/collector-config.js';

export type ComponentKind = 'receivers' | 'processors' | 'exporters' | 'extensions';

export const REGISTRIES: Record<ComponentKind, Record<string, unknown>> = {
  receivers: receiverFactories,
  processors: processorFactories,
  exporters: exporterFactories,
  extensions: extensionFactories,
};

const PROBE = '__docs_probe__';
const KNOWN = /^Known settings: (.*)$/;
const MAX_DEPTH = 5;

/** the least each component needs to be built, so that the probe reaches its keys rather than a missing value */
const BASELINES: Record<string, Record<string, unknown>> = {
  'receivers.prometheus': {
    config: {
      scrape_configs: [
        {
          job_name: 'docs',
          static_configs: [{ targets: ['127.0.0.1:9'] }],
          kubernetes_sd_configs: [{ role: 'pod', selectors: [{ role: 'pod' }] }],
        },
      ],
    },
  },
  'receivers.filelog': { include: ['/nonexistent/*.log'] },
  'processors.memory_limiter': { check_interval: '1s', limit_mib: 100 },
  'processors.resourcedetection': { detectors: ['env'] },
  'processors.resource': { attributes: [{ key: 'docs', value: 'docs', action: 'insert' }] },
  'processors.attributes': { actions: [{ key: 'docs', value: 'docs', action: 'insert' }] },
  'processors.filter': { metrics: { include: { match_type: 'strict', metric_names: ['docs'] } } },
  'processors.metricstransform': { transforms: [{ include: 'docs', action: 'update', new_name: 'docs2' }] },
  'exporters.otlphttp': { endpoint: 'http://127.0.0.1:9' },
  'exporters.awscloudwatchlogs': { region: 'us-east-1', log_group_name: 'docs', log_stream_name: 'docs' },
  'exporters.awsxray': { region: 'us-east-1' },
  'exporters.awsemf': {
    region: 'us-east-1',
    metric_declarations: [
      { metric_name_selectors: ['docs'], label_matchers: [{ label_names: ['docs'], regex: 'docs' }] },
    ],
  },
  'exporters.prometheusremotewrite': { endpoint: 'http://127.0.0.1:9/api/v1/write' },
  'exporters.file': { path: '/nonexistent/docs.json' },
  'extensions.sigv4auth': { region: 'us-east-1', service: 'aps' },
};

function signalOf(kind: ComponentKind, type: string): string {
  const registry = REGISTRIES[kind][type] as { signals?: readonly string[] } | undefined;
  return registry?.signals?.[0] ?? 'traces';
}

/** a configuration where the component (with these settings) is in a pipeline of a signal it handles */
function configWith(kind: ComponentKind, type: string, settings: unknown): CollectorConfig {
  const signal = signalOf(kind, type);
  const receiver = kind === 'receivers' ? type : 'otlp';
  const exporter = kind === 'exporters' ? type : 'debug';
  return {
    receivers: { [receiver]: kind === 'receivers' ? settings : { protocols: { http: {} } } },
    processors: kind === 'processors' ? { [type]: settings } : {},
    exporters: { [exporter]: kind === 'exporters' ? settings : {} },
    extensions: kind === 'extensions' ? { [type]: settings } : {},
    service: {
      ...(kind === 'extensions' ? { extensions: [type] } : {}),
      pipelines: {
        [signal]: {
          receivers: [receiver],
          processors: kind === 'processors' ? [type] : [],
          exporters: [exporter],
        },
      },
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** what runtimeProblems says about the component with these settings */
function problemsOf(kind: ComponentKind, type: string, settings: unknown): ConfigProblem[] {
  return runtimeProblems(configWith(kind, type, settings), {});
}

export interface ComponentKeys {
  kind: ComponentKind;
  type: string;
  /** every key path the probe found, `a.b`, `list[].key` */
  keys: string[];
  /** the probe found no list of known settings for the component itself */
  unprobed: boolean;
}

/** Every key the runtime accepts for one component type. */
export function componentKeys(kind: ComponentKind, type: string): ComponentKeys {
  const keys = new Set<string>();

  const root = `${kind}.${type}`;
  const explore = (
    place: (value: Record<string, unknown>) => unknown,
    base: Record<string, unknown>,
    problemPath: string,
    display: string,
    depth: number,
  ): boolean => {
    const problems = problemsOf(kind, type, place({ ...base, [PROBE]: 1 }));
    const hit = problems.find((problem) => problem.path === `${problemPath}.${PROBE}`);
    const known = hit?.hint === undefined ? null : KNOWN.exec(hit.hint);
    if (known?.[1] === undefined) {
      const discriminator = problems.find(
        (problem) =>
          problem.message === 'is required' &&
          problem.path.startsWith(`${problemPath}.`) &&
          !problem.path.slice(problemPath.length + 1).includes('.'),
      );
      if (discriminator === undefined) return false;
      const key = discriminator.path.slice(problemPath.length + 1);
      const refusal = problemsOf(kind, type, place({ ...base, [key]: PROBE })).find(
        (problem) => problem.path === `${problemPath}.${key}`,
      );
      const values = refusal?.hint?.replace(/^[^:]*:\s*/, '').split(/,\s*/) ?? [];
      let found = false;
      for (const value of values) {
        found = explore(place, { ...base, [key]: value }, problemPath, display, depth) || found;
      }
      return found;
    }
    for (const key of known[1].split(/,\s*/)) {
      const path = display === '' ? key : `${display}.${key}`;
      keys.add(path);
      if (depth >= MAX_DEPTH) continue;
      const current = base[key];
      const childBase = isRecord(current) ? current : {};
      const itemBase = Array.isArray(current) && isRecord(current[0]) ? current[0] : {};
      const asMapping = explore(
        (value) => place({ ...base, [key]: value }),
        childBase,
        `${problemPath}.${key}`,
        path,
        depth + 1,
      );
      if (!asMapping) {
        explore(
          (value) => place({ ...base, [key]: [value] }),
          itemBase,
          `${problemPath}.${key}[0]`,
          `${path}[]`,
          depth + 1,
        );
      }
    }
    return true;
  };
  const baseline = BASELINES[root] ?? {};
  const unprobed = !explore((value) => value, baseline, root, '', 0);
  return { kind, type, keys: [...keys].sort(), unprobed };
}

/** every component type the runtime registers, with its keys */
export function allComponentKeys(): ComponentKeys[] {
  return (Object.keys(REGISTRIES) as ComponentKind[]).flatMap((kind) =>
    Object.keys(REGISTRIES[kind]).map((type) => componentKeys(kind, type)),
  );
}
