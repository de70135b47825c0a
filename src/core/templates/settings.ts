/**
 * `--set key=value` overrides of the rendered templates, as data: each key names what it changes, the targets it
 * applies to and how its value is checked. Values are parsed into typed values and put into the parsed
 * configuration, so they never travel through YAML text.
 */
import type { KubeObject } from '../../ports.js';
import type { CollectorConfig } from '../collector-config.js';
import { isAwsRegion } from '../collector-config.js';
import { usageError } from '../errors.js';
import type { Target } from '../targets.js';
import { assertSafeValue } from './safe-value.js';
import { parseGoDuration, parsePrometheusDuration } from '../duration.js';

type Parsed = string | number | string[];

interface Setting {
  key: string;
  description: string;
  /** the key is accepted when one of these targets is chosen; absent = always */
  targets?: readonly Target[];
  /** the typed value, or a string explaining what is expected */
  parse(value: string): { value: Parsed } | { expected: string };
  applyToConfig?(config: CollectorConfig, value: Parsed): void;
  applyToResource?(resource: KubeObject, value: Parsed): void;
}

const METRICS_TARGETS: readonly Target[] = ['amp', 'cloudwatch'];

/** A batch processor's timeout: a positive Go duration, as the collector reads it (src/core/duration.ts). */
const duration = (value: string) =>
  (parseGoDuration(value) ?? 0) > 0 ? { value } : { expected: 'a duration such as 500ms, 10s, 1m or 1m30s' };

/** A scrape interval or timeout: a positive Prometheus duration, which Prometheus reads itself (no fractions, no us). */
const prometheusDuration = (value: string) =>
  (parsePrometheusDuration(value) ?? 0) > 0 ? { value } : { expected: 'a duration such as 10s, 1m or 1m30s' };

/** Milliseconds of a Prometheus duration the settings accepted (or the template holds). */
const prometheusMs = (value: string): number => parsePrometheusDuration(value.trim()) ?? 0;

const integer = (min: number, max: number) => (value: string) =>
  /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max
    ? { value: Number(value) }
    : { expected: `a whole number from ${min} to ${max}` };

const region = (value: string) => (isAwsRegion(value) ? { value } : { expected: 'an AWS region such as us-east-1' });

const oneOf = (allowed: string[]) => (value: string) =>
  allowed.includes(value) ? { value } : { expected: `one of ${allowed.join(', ')}` };

const matching = (pattern: RegExp, expected: string) => (value: string) =>
  pattern.test(value) ? { value } : { expected };

function hostPort(value: string): { value: string } | { expected: string } {
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : 0;
  return port >= 1 && port <= 65535 ? { value } : { expected: 'host:port, e.g. 0.0.0.0:2000' };
}

/** A comma-separated list of regular expressions; "$" is escaped as "$$" for the collector's variable expansion. */
function regexList(value: string): { value: string[] } | { expected: string } {
  const items = value.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) return { expected: 'a comma-separated list of regular expressions' };
  for (const item of items) {
    try {
      new RegExp(item);
    } catch {
      return { expected: `valid regular expressions ("${item}" is not)` };
    }
  }
  return { value: items.map((item) => item.replaceAll('$', '$$$$')) };
}

function section(config: CollectorConfig, name: 'receivers' | 'processors' | 'exporters' | 'extensions', id: string) {
  const settings = config[name][id];
  if (typeof settings === 'object' && settings !== null && !Array.isArray(settings)) {
    return settings as Record<string, unknown>;
  }
  const created: Record<string, unknown> = {};
  config[name][id] = created;
  return created;
}

function prometheusGlobal(config: CollectorConfig): Record<string, unknown> {
  const receiver = section(config, 'receivers', 'prometheus');
  const prometheusConfig = (receiver.config ??= {}) as Record<string, unknown>;
  return (prometheusConfig.global ??= {}) as Record<string, unknown>;
}

function awsemf(config: CollectorConfig): Record<string, unknown> {
  return section(config, 'exporters', 'awsemf');
}

/** Table order is application order: a general key (batch.timeout) comes before the specific ones it overlaps. */
const settings: readonly Setting[] = [
  {
    key: 'collector.replicas',
    description: 'number of collector pods',
    parse: integer(1, 100),
    applyToResource: (resource, value) => {
      (resource.spec as Record<string, unknown>).replicas = value;
    },
  },
  {
    key: 'batch.timeout',
    description: 'timeout of every batch processor',
    parse: duration,
    applyToConfig: (config, value) => {
      for (const id of Object.keys(config.processors)) {
        if (id === 'batch' || id.startsWith('batch/')) section(config, 'processors', id).timeout = value;
      }
    },
  },
  {
    key: 'xray.region',
    description: 'region of the awsxray exporter',
    targets: ['xray'],
    parse: region,
    applyToConfig: (config, value) => {
      section(config, 'exporters', 'awsxray').region = value;
    },
  },
  {
    key: 'xray.endpoint',
    description: 'UDP address of the awsxray receiver',
    targets: ['xray'],
    parse: hostPort,
    applyToConfig: (config, value) => {
      section(config, 'receivers', 'awsxray').endpoint = value;
    },
  },
  {
    key: 'traces.batch.timeout',
    description: 'timeout of the traces batch processor',
    targets: ['xray'],
    parse: duration,
    applyToConfig: (config, value) => {
      section(config, 'processors', 'batch/traces').timeout = value;
    },
  },
  {
    key: 'traces.batch.send_batch_size',
    description: 'spans per batch sent to X-Ray',
    targets: ['xray'],
    parse: integer(1, 100_000),
    applyToConfig: (config, value) => {
      section(config, 'processors', 'batch/traces').send_batch_size = value;
    },
  },
  {
    key: 'metrics.batch.timeout',
    description: 'timeout of the metrics batch processor',
    targets: METRICS_TARGETS,
    parse: duration,
    applyToConfig: (config, value) => {
      section(config, 'processors', 'batch/metrics').timeout = value;
    },
  },
  {
    key: 'prometheus.scrape_interval',
    description: 'how often the Prometheus receiver scrapes',
    targets: METRICS_TARGETS,
    parse: prometheusDuration,
    applyToConfig: (config, value) => {
      const global = prometheusGlobal(config);
      global.scrape_interval = value;
      // Prometheus refuses a timeout longer than the interval: shorten the template's default timeout with it.
      if (
        typeof global.scrape_timeout === 'string' &&
        prometheusMs(global.scrape_timeout) > prometheusMs(String(value))
      ) {
        global.scrape_timeout = value;
      }
    },
  },
  {
    key: 'prometheus.scrape_timeout',
    description: 'scrape timeout (at most the scrape interval)',
    targets: METRICS_TARGETS,
    parse: prometheusDuration,
    applyToConfig: (config, value) => {
      prometheusGlobal(config).scrape_timeout = value;
    },
  },
  {
    key: 'amp.region',
    description: 'region the remote write requests are signed for',
    targets: ['amp'],
    parse: region,
    applyToConfig: (config, value) => {
      section(config, 'extensions', 'sigv4auth').region = value;
    },
  },
  {
    key: 'cloudwatch.region',
    description: 'region of the awsemf exporter',
    targets: ['cloudwatch'],
    parse: region,
    applyToConfig: (config, value) => {
      awsemf(config).region = value;
    },
  },
  {
    key: 'cloudwatch.namespace',
    description: 'CloudWatch metric namespace',
    targets: ['cloudwatch'],
    parse: matching(
      /^(?!:)(?!AWS\/)[A-Za-z0-9 ._/#:-]{1,255}$/,
      'a CloudWatch namespace (letters, digits, space and ._/#:-, not starting with ":" or "AWS/")',
    ),
    applyToConfig: (config, value) => {
      awsemf(config).namespace = value;
    },
  },
  {
    key: 'cloudwatch.log_group_name',
    description: 'log group the EMF events are written to',
    targets: ['cloudwatch'],
    parse: matching(/^[A-Za-z0-9._/#-]{1,512}$/, 'a log group name (letters, digits and ._/#-)'),
    applyToConfig: (config, value) => {
      awsemf(config).log_group_name = value;
    },
  },
  {
    key: 'cloudwatch.dimension_rollup_option',
    description: 'dimension rollup of the awsemf exporter',
    targets: ['cloudwatch'],
    parse: oneOf(['NoDimensionRollup', 'SingleDimensionRollupOnly', 'ZeroAndSingleDimensionRollup']),
    applyToConfig: (config, value) => {
      awsemf(config).dimension_rollup_option = value;
    },
  },
  {
    key: 'cloudwatch.metric_names',
    description: 'comma-separated regular expressions of the metrics sent to CloudWatch',
    targets: ['cloudwatch'],
    parse: regexList,
    applyToConfig: (config, value) => {
      const names = value as string[];
      const filter = section(config, 'processors', 'filter/include');
      filter.metrics = {
        include: { match_type: 'regexp', metric_names: [...names] },
      };
      const declarations = awsemf(config).metric_declarations;
      if (Array.isArray(declarations)) {
        for (const declaration of declarations) {
          if (typeof declaration === 'object' && declaration !== null) {
            (declaration as Record<string, unknown>).metric_name_selectors = [...names];
          }
        }
      }
    },
  },
];

function available(setting: Setting, targets: readonly Target[]): boolean {
  return !setting.targets || setting.targets.some((target) => targets.includes(target));
}

/** The keys `--set` accepts for these targets. */
export function settableKeys(targets: readonly Target[]): string[] {
  return settings.filter((setting) => available(setting, targets)).map((setting) => setting.key);
}

/** A one-line description per key and the targets it applies to (absent: all), for help and error hints. */
export function describeSettableKeys(
  targets: readonly Target[],
): { key: string; description: string; targets?: readonly Target[] }[] {
  return settings
    .filter((setting) => available(setting, targets))
    .map(({ key, description, targets: only }) => ({
      key,
      description,
      ...(only === undefined ? {} : { targets: only }),
    }));
}

interface ParsedSetting {
  setting: Setting;
  value: Parsed;
}

function parseSettings(set: Readonly<Record<string, string>>, targets: readonly Target[]): ParsedSetting[] {
  for (const key of Object.keys(set)) {
    const setting = settings.find((candidate) => candidate.key === key);
    if (!setting || !available(setting, targets)) {
      const onlyFor = setting?.targets ? ` (it applies to --target ${setting.targets.join(' or ')})` : '';
      throw usageError('UnknownSetKey', `--set ${key}: unknown key for the chosen targets${onlyFor}`, {
        hint: `Keys for --target ${targets.join(',')}: ${settableKeys(targets).join(', ')}`,
        details: { key },
      });
    }
  }
  const parsed: ParsedSetting[] = [];
  for (const setting of settings) {
    if (!Object.hasOwn(set, setting.key)) continue;
    const raw = set[setting.key] ?? '';
    assertSafeValue(raw, `--set ${setting.key}`);
    const result = setting.parse(raw.trim());
    if ('expected' in result) {
      throw usageError('InvalidSetValue', `--set ${setting.key}=${raw}: expected ${result.expected}`, {
        details: { key: setting.key, value: raw },
      });
    }
    parsed.push({ setting, value: result.value });
  }
  const interval = set['prometheus.scrape_interval'];
  const timeout = set['prometheus.scrape_timeout'];
  if (timeout !== undefined && prometheusMs(timeout) > prometheusMs(interval ?? '15s')) {
    throw usageError(
      'InvalidSetValue',
      `--set prometheus.scrape_timeout=${timeout} is longer than the scrape interval`,
      {
        hint: 'The scrape timeout must not exceed prometheus.scrape_interval (15s unless set)',
      },
    );
  }
  return parsed;
}

/** Throws the usage error for the first unknown key or bad value. */
export function checkSettings(set: Readonly<Record<string, string>>, targets: readonly Target[]): void {
  parseSettings(set, targets);
}

export function applyConfigSettings(
  config: CollectorConfig,
  set: Readonly<Record<string, string>>,
  targets: readonly Target[],
): void {
  for (const { setting, value } of parseSettings(set, targets)) setting.applyToConfig?.(config, value);
}

export function applyResourceSettings(
  resource: KubeObject,
  set: Readonly<Record<string, string>>,
  targets: readonly Target[],
): void {
  for (const { setting, value } of parseSettings(set, targets)) setting.applyToResource?.(resource, value);
}
