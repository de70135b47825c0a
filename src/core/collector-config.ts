/**
 * The collector configuration (the OpenTelemetryCollector's spec.config): parsing, the checks adot runs before
 * applying or running one, and the facts other modules derive from it (components in use, listening ports, targets).
 */
import { isMap, LineCounter, parseDocument, stringify } from 'yaml';
import { inferSigV4Scope } from './sigv4-inference.js';
import { TARGETS, targetForExporter, type Target } from './targets.js';

export interface ConfigProblem {
  path: string;
  message: string;
  hint?: string;
}

export interface PipelineConfig {
  receivers: string[];
  processors?: string[];
  exporters: string[];
}

export interface CollectorConfig {
  receivers: Record<string, unknown>;
  processors: Record<string, unknown>;
  exporters: Record<string, unknown>;
  extensions: Record<string, unknown>;
  /** connectors act as an exporter of one pipeline and a receiver of another */
  connectors?: Record<string, unknown>;
  service: {
    extensions?: string[];
    pipelines: Record<string, PipelineConfig>;
    telemetry?: unknown;
  };
}

type Signal = 'traces' | 'metrics' | 'logs';
type Section = 'receivers' | 'processors' | 'exporters' | 'extensions';

const ALL: readonly Signal[] = ['traces', 'metrics', 'logs'];
const TRACES: readonly Signal[] = ['traces'];
const METRICS: readonly Signal[] = ['metrics'];
const LOGS: readonly Signal[] = ['logs'];

/** Component types adot knows (those of the ADOT collector it deploys), with the signals each one handles. */
const knownComponents: Record<Exclude<Section, 'extensions'>, Record<string, readonly Signal[]>> = {
  receivers: {
    otlp: ALL,
    awsxray: TRACES,
    prometheus: METRICS,
    statsd: METRICS,
    zipkin: TRACES,
    jaeger: TRACES,
    hostmetrics: METRICS,
    filelog: LOGS,
    kafka: ALL,
    awsecscontainermetrics: METRICS,
    awscontainerinsightreceiver: METRICS,
  },
  processors: {
    batch: ALL,
    memory_limiter: ALL,
    resourcedetection: ALL,
    resource: ALL,
    attributes: ALL,
    filter: ALL,
    transform: ALL,
    k8sattributes: ALL,
    metricstransform: METRICS,
    cumulativetodelta: METRICS,
    deltatorate: METRICS,
    probabilistic_sampler: ['traces', 'logs'],
    span: TRACES,
    groupbytrace: TRACES,
    tail_sampling: TRACES,
  },
  exporters: {
    awsxray: TRACES,
    awsemf: METRICS,
    prometheusremotewrite: METRICS,
    prometheus: METRICS,
    awscloudwatchlogs: LOGS,
    otlp: ALL,
    otlphttp: ALL,
    debug: ALL,
    logging: ALL,
    file: ALL,
    kafka: ALL,
  },
};
const knownExtensions = ['sigv4auth', 'health_check', 'pprof', 'zpages', 'ecs_observer', 'file_storage'];

const sections: readonly Section[] = ['receivers', 'processors', 'exporters', 'extensions'];
const topLevelKeys = [...sections, 'connectors', 'service'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `batch/traces` → `batch` */
export function componentType(id: string): string {
  return id.split('/')[0] ?? id;
}

// ---------- parsing ----------

/**
 * Parses a collector configuration from YAML text. `config` is present only when the document has the shape of a
 * collector configuration; syntax errors and shape errors are returned as problems (syntax errors with their line).
 */
export function parseCollectorConfig(text: string): {
  config?: CollectorConfig;
  problems: ConfigProblem[];
} {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, {
    lineCounter,
    merge: true,
    prettyErrors: false,
  });
  if (document.errors.length > 0) {
    return {
      problems: document.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return {
          path: `line ${position.line}, column ${position.col}`,
          message: `YAML syntax error: ${error.message.split('\n')[0] ?? error.code}`,
          hint: 'Fix the YAML syntax; in a collector configuration every "$" must be written "$$"',
        };
      }),
    };
  }
  if (!isMap(document.contents)) {
    return {
      problems: [
        {
          path: '',
          message: 'The collector configuration must be a YAML mapping',
        },
      ],
    };
  }
  return shapeOf(document.toJS({ maxAliasCount: 100 }) as unknown);
}

function shapeOf(data: unknown): {
  config?: CollectorConfig;
  problems: ConfigProblem[];
} {
  const problems: ConfigProblem[] = [];
  if (!isRecord(data))
    return {
      problems: [
        {
          path: '',
          message: 'The collector configuration must be a YAML mapping',
        },
      ],
    };

  for (const key of Object.keys(data)) {
    if (!topLevelKeys.includes(key)) {
      problems.push({
        path: key,
        message: `Unknown top-level key "${key}"`,
        hint: `Allowed keys: ${topLevelKeys.join(', ')}`,
      });
    }
  }
  const mapping = (key: string): Record<string, unknown> => {
    const value = data[key];
    if (value === undefined || value === null) return {};
    if (!isRecord(value)) {
      problems.push({
        path: key,
        message: `"${key}" must be a mapping of component ids to settings`,
      });
      return {};
    }
    return value;
  };
  const config: CollectorConfig = {
    receivers: mapping('receivers'),
    processors: mapping('processors'),
    exporters: mapping('exporters'),
    extensions: mapping('extensions'),
    service: { pipelines: {} },
  };
  if (data.connectors !== undefined) config.connectors = mapping('connectors');

  const service = data.service;
  if (!isRecord(service)) {
    problems.push({
      path: 'service',
      message: 'Missing "service" section',
      hint: 'Add service.pipelines',
    });
    return { problems };
  }
  for (const key of Object.keys(service)) {
    if (!['extensions', 'pipelines', 'telemetry'].includes(key)) {
      problems.push({
        path: `service.${key}`,
        message: `Unknown key "${key}" in service`,
      });
    }
  }
  if (service.extensions !== undefined && service.extensions !== null) {
    const list = stringList(service.extensions, 'service.extensions', problems);
    if (list) config.service.extensions = list;
  }
  if (service.telemetry !== undefined) config.service.telemetry = service.telemetry;
  if (!isRecord(service.pipelines)) {
    problems.push({
      path: 'service.pipelines',
      message: 'Missing "service.pipelines" mapping',
    });
    return { problems };
  }
  for (const [name, pipeline] of Object.entries(service.pipelines)) {
    const path = `service.pipelines.${name}`;
    if (!isRecord(pipeline)) {
      problems.push({
        path,
        message: `Pipeline "${name}" must be a mapping with receivers, processors and exporters`,
      });
      continue;
    }
    for (const key of Object.keys(pipeline)) {
      if (!['receivers', 'processors', 'exporters'].includes(key)) {
        problems.push({
          path: `${path}.${key}`,
          message: `Unknown key "${key}" in pipeline "${name}"`,
        });
      }
    }
    const receivers = pipeline.receivers == null ? [] : stringList(pipeline.receivers, `${path}.receivers`, problems);
    const exporters = pipeline.exporters == null ? [] : stringList(pipeline.exporters, `${path}.exporters`, problems);
    const processors =
      pipeline.processors == null ? undefined : stringList(pipeline.processors, `${path}.processors`, problems);
    if (!receivers || !exporters || processors === null) continue;
    config.service.pipelines[name] = processors ? { receivers, processors, exporters } : { receivers, exporters };
  }
  return problems.length > 0 ? { problems } : { config, problems };
}

function stringList(value: unknown, path: string, problems: ConfigProblem[]): string[] | null {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    problems.push({
      path,
      message: `"${path}" must be a list of component ids`,
    });
    return null;
  }
  return value as string[];
}

/** The configuration as YAML text (spec.config of a v1alpha1 OpenTelemetryCollector); long strings are never folded. */
export function stringifyCollectorConfig(config: CollectorConfig): string {
  return stringify(config, { lineWidth: 0 });
}

// ---------- facts ----------

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** The components the pipelines use, in order of first use. */
export function pipelineComponents(config: CollectorConfig): {
  receivers: string[];
  processors: string[];
  exporters: string[];
} {
  const pipelines = Object.values(config.service.pipelines);
  return {
    receivers: unique(pipelines.flatMap((pipeline) => pipeline.receivers)),
    processors: unique(pipelines.flatMap((pipeline) => pipeline.processors ?? [])),
    exporters: unique(pipelines.flatMap((pipeline) => pipeline.exporters)),
  };
}

export function exportersInUse(config: CollectorConfig): string[] {
  return pipelineComponents(config).exporters;
}

export function targetsOfConfig(config: CollectorConfig): Target[] {
  const found = new Set(exportersInUse(config).map(targetForExporter));
  return TARGETS.filter((target) => found.has(target));
}

export interface ReceiverPort {
  name: string;
  port: number;
  protocol: 'TCP' | 'UDP';
}

/** The port of an `host:port` endpoint (`0.0.0.0:2000`, `[::]:4317`, `${env:POD_IP}:4317`), else the default. */
function endpointPort(settings: unknown, fallback: number): number {
  const endpoint = isRecord(settings) ? settings.endpoint : undefined;
  if (typeof endpoint !== 'string') return fallback;
  const match = /:(\d{1,5})$/.exec(endpoint.trim());
  const port = match ? Number(match[1]) : NaN;
  return port >= 1 && port <= 65535 ? port : fallback;
}

function portName(receiverId: string, suffix?: string): string {
  const base = [receiverId, suffix].filter(Boolean).join('-');
  return base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 15)
    .replace(/-+$/, '');
}

const protocolDefaults: Record<string, { protocol: string; port: number; transport: 'TCP' | 'UDP' }[]> = {
  otlp: [
    { protocol: 'grpc', port: 4317, transport: 'TCP' },
    { protocol: 'http', port: 4318, transport: 'TCP' },
  ],
  jaeger: [
    { protocol: 'grpc', port: 14250, transport: 'TCP' },
    { protocol: 'thrift_http', port: 14268, transport: 'TCP' },
    { protocol: 'thrift_compact', port: 6831, transport: 'UDP' },
    { protocol: 'thrift_binary', port: 6832, transport: 'UDP' },
  ],
};

const singlePortDefaults: Record<string, { port: number; transport: 'TCP' | 'UDP' }> = {
  awsxray: { port: 2000, transport: 'UDP' },
  statsd: { port: 8125, transport: 'UDP' },
  zipkin: { port: 9411, transport: 'TCP' },
};

/** The ports the receivers in use listen on (scrapers such as prometheus listen on none). */
export function receiverPorts(config: CollectorConfig): ReceiverPort[] {
  const ports: ReceiverPort[] = [];
  for (const id of pipelineComponents(config).receivers) {
    const type = componentType(id);
    const settings = config.receivers[id];
    const single = singlePortDefaults[type];
    if (single) {
      ports.push({
        name: portName(id),
        port: endpointPort(settings, single.port),
        protocol: single.transport,
      });
      continue;
    }
    const protocols = protocolDefaults[type];
    if (!protocols) continue;
    const configured = isRecord(settings) && isRecord(settings.protocols) ? settings.protocols : {};
    for (const entry of protocols) {
      if (!Object.hasOwn(configured, entry.protocol)) continue;
      ports.push({
        name: portName(id, entry.protocol.replace('thrift_', '')),
        port: endpointPort(configured[entry.protocol], entry.port),
        protocol: entry.transport,
      });
    }
  }
  return ports;
}

// ---------- validation ----------

const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1 … */
export function isAwsRegion(value: string): boolean {
  return REGION_PATTERN.test(value);
}
const AMP_HOST_PATTERN = /^aps-workspaces(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

/** Every reason the configuration would be rejected by the collector, or would run but not deliver. */
export function validateCollectorConfig(config: CollectorConfig): ConfigProblem[] {
  return [
    ...checkComponentTypes(config),
    ...checkPipelines(config),
    ...checkServiceExtensions(config),
    ...checkExporterRequirements(config),
    ...checkStrings(config),
  ];
}

function checkComponentTypes(config: CollectorConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const section of sections) {
    const known = section === 'extensions' ? knownExtensions : Object.keys(knownComponents[section]);
    for (const id of Object.keys(config[section])) {
      if (!/^[a-z0-9_]+(\/[^/\s]+)?$/i.test(id)) {
        problems.push({
          path: `${section}.${id}`,
          message: `Invalid component id "${id}" (expected type or type/name)`,
        });
      } else if (!known.includes(componentType(id))) {
        problems.push({
          path: `${section}.${id}`,
          message: `Unknown ${section.slice(0, -1)} type "${componentType(id)}"`,
          hint: `Known ${section}: ${known.join(', ')}`,
        });
      }
    }
  }
  return problems;
}

function pipelineSignal(name: string): Signal | undefined {
  const match = /^(traces|metrics|logs)(\/[^/\s]+)?$/.exec(name);
  return match ? (match[1] as Signal) : undefined;
}

function checkPipelines(config: CollectorConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const pipelines = Object.entries(config.service.pipelines);
  if (pipelines.length === 0) {
    problems.push({
      path: 'service.pipelines',
      message: 'No pipelines: the collector would do nothing',
    });
  }
  const connectors = config.connectors ?? {};
  for (const [name, pipeline] of pipelines) {
    const path = `service.pipelines.${name}`;
    const signal = pipelineSignal(name);
    if (!signal) {
      problems.push({
        path,
        message: `Unknown pipeline type "${name}"`,
        hint: 'Pipelines are named traces, metrics or logs, optionally followed by /name',
      });
    }
    const roles: {
      key: keyof PipelineConfig;
      section: 'receivers' | 'processors' | 'exporters';
    }[] = [
      { key: 'receivers', section: 'receivers' },
      { key: 'processors', section: 'processors' },
      { key: 'exporters', section: 'exporters' },
    ];
    for (const { key, section } of roles) {
      const ids = pipeline[key] ?? [];
      if (key !== 'processors' && ids.length === 0) {
        problems.push({
          path: `${path}.${key}`,
          message: `Pipeline "${name}" has no ${key}`,
        });
      }
      const seen = new Set<string>();
      ids.forEach((id, index) => {
        const itemPath = `${path}.${key}[${index}]`;
        if (seen.has(id))
          problems.push({
            path: itemPath,
            message: `"${id}" is listed twice in pipeline "${name}"`,
          });
        seen.add(id);
        const isConnector = key !== 'processors' && Object.hasOwn(connectors, id);
        if (!Object.hasOwn(config[section], id) && !isConnector) {
          problems.push({
            path: itemPath,
            message: `Pipeline "${name}" uses ${section.slice(0, -1)} "${id}", which is not defined`,
            hint: `Define "${id}" under ${section}, or remove it from the pipeline`,
          });
          return;
        }
        const signals = isConnector ? undefined : knownComponents[section][componentType(id)];
        if (signal && signals && !signals.includes(signal)) {
          problems.push({
            path: itemPath,
            message: `${section.slice(0, -1)} "${id}" does not handle ${signal} (it handles ${signals.join(', ')})`,
          });
        }
      });
    }
  }
  return problems;
}

function checkServiceExtensions(config: CollectorConfig): ConfigProblem[] {
  return (config.service.extensions ?? []).flatMap((id, index) =>
    Object.hasOwn(config.extensions, id)
      ? []
      : [
          {
            path: `service.extensions[${index}]`,
            message: `Extension "${id}" is enabled but not defined under extensions`,
          },
        ],
  );
}

function regionProblem(path: string, settings: Record<string, unknown>): ConfigProblem[] {
  const region = settings.region;
  if (typeof region !== 'string' || region.trim() === '') {
    return [
      {
        path: `${path}.region`,
        message: 'Missing region',
        hint: 'Set region, e.g. region: us-east-1',
      },
    ];
  }
  if (!isAwsRegion(region)) {
    return [
      {
        path: `${path}.region`,
        message: `"${region}" is not an AWS region`,
        hint: 'e.g. region: us-east-1',
      },
    ];
  }
  return [];
}

function checkExporterRequirements(config: CollectorConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const enabledExtensions = config.service.extensions ?? [];
  /** sigv4auth id → the hosts of the remote-write endpoints it signs for */
  const sigv4UsedByRemoteWrite = new Map<string, string[]>();

  for (const id of exportersInUse(config)) {
    if (!Object.hasOwn(config.exporters, id)) continue;
    const path = `exporters.${id}`;
    const settings = isRecord(config.exporters[id]) ? (config.exporters[id] as Record<string, unknown>) : {};
    const type = componentType(id);
    if (type === 'awsxray' || type === 'awsemf') problems.push(...regionProblem(path, settings));
    if (type === 'awsemf' && settings.dimension_rollup_option !== undefined) {
      const allowed = ['NoDimensionRollup', 'SingleDimensionRollupOnly', 'ZeroAndSingleDimensionRollup'];
      if (!allowed.includes(String(settings.dimension_rollup_option))) {
        problems.push({
          path: `${path}.dimension_rollup_option`,
          message: `Must be one of ${allowed.join(', ')}`,
        });
      }
    }
    if (type !== 'prometheusremotewrite') continue;

    const endpoint = settings.endpoint;
    let host = '';
    if (typeof endpoint !== 'string' || endpoint.trim() === '') {
      problems.push({
        path: `${path}.endpoint`,
        message: 'Missing endpoint (the remote write URL)',
        hint: 'e.g. https://aps-workspaces.REGION.amazonaws.com/workspaces/ws-…/api/v1/remote_write',
      });
    } else {
      let url: URL | undefined;
      try {
        url = new URL(endpoint);
      } catch {
        problems.push({
          path: `${path}.endpoint`,
          message: `"${endpoint}" is not a URL`,
        });
      }
      if (url) {
        host = url.hostname;
        const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
        if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
          problems.push({
            path: `${path}.endpoint`,
            message: `The remote write endpoint must use https (got ${url.protocol.replace(':', '')})`,
          });
        }
      }
    }
    const auth = isRecord(settings.auth) ? settings.auth : undefined;
    const authenticator = auth?.authenticator;
    if (typeof authenticator === 'string' && authenticator !== '') {
      if (!Object.hasOwn(config.extensions, authenticator)) {
        problems.push({
          path: `${path}.auth.authenticator`,
          message: `Authenticator "${authenticator}" is not defined under extensions`,
          hint: `Add extensions.${authenticator} (e.g. sigv4auth: {region: …, service: aps})`,
        });
      } else if (!enabledExtensions.includes(authenticator)) {
        problems.push({
          path: `${path}.auth.authenticator`,
          message: `Authenticator "${authenticator}" is not listed in service.extensions`,
          hint: `Add "${authenticator}" to service.extensions`,
        });
      }
      if (componentType(authenticator) === 'sigv4auth') {
        sigv4UsedByRemoteWrite.set(authenticator, [...(sigv4UsedByRemoteWrite.get(authenticator) ?? []), host]);
      }
    } else if (AMP_HOST_PATTERN.test(host)) {
      problems.push({
        path: `${path}.auth.authenticator`,
        message: 'Amazon Managed Service for Prometheus needs SigV4-signed requests, but no authenticator is set',
        hint: 'Set auth.authenticator: sigv4auth and define extensions.sigv4auth {region, service: aps}',
      });
    }
  }

  const sigv4InUse = unique([...enabledExtensions, ...sigv4UsedByRemoteWrite.keys()]).filter(
    (id) => componentType(id) === 'sigv4auth' && Object.hasOwn(config.extensions, id),
  );
  for (const id of sigv4InUse) {
    const path = `extensions.${id}`;
    const settings = isRecord(config.extensions[id]) ? (config.extensions[id] as Record<string, unknown>) : {};
    // what sigv4auth infers from every host it signs for, where the configuration leaves region or service out
    const hosts = sigv4UsedByRemoteWrite.get(id) ?? [];
    const inferred = hosts.map((host) => inferSigV4Scope(host));
    const regionInferred =
      hosts.length > 0 && inferred.every((scope) => scope.region !== undefined && isAwsRegion(scope.region));
    if (!(settings.region === undefined && regionInferred)) problems.push(...regionProblem(path, settings));
    const service = settings.service ?? (inferred.every((scope) => scope.service === 'aps') ? 'aps' : undefined);
    if (sigv4UsedByRemoteWrite.has(id) && service !== 'aps') {
      problems.push({
        path: `${path}.service`,
        message:
          service === undefined
            ? 'Missing service (must be aps for Amazon Managed Service for Prometheus)'
            : `service is "${String(service)}", expected aps`,
        hint: 'Set service: aps',
      });
    }
  }
  return problems;
}

// ---------- placeholders and `$` escaping, in every string of the configuration ----------

interface StringAt {
  path: string;
  value: string;
}

function collectStrings(value: unknown, path: string, into: StringAt[]): void {
  if (typeof value === 'string') {
    into.push({ path, value });
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => collectStrings(item, `${path}[${index}]`, into));
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) collectStrings(item, path ? `${path}.${key}` : key, into);
  }
}

/**
 * Placeholders the public templates and docs leave for the reader to replace. Named regex groups (`(?P<name>…)`,
 * `(?<name>…)`) are not placeholders, neither is `${env:NAME}` (collector environment expansion).
 */
const placeholderPatterns: { pattern: RegExp; describe: string }[] = [
  { pattern: /\{\{[^{}]*\}\}/g, describe: 'template token' },
  {
    pattern: /(?<!\?P?)<[^<>\s]*[Yy][Oo][Uu][Rr][^<>\s]*>|(?<!\?P?)<[A-Z][A-Z0-9_-]*>/g,
    describe: 'placeholder',
  },
  { pattern: /\bYOUR[-_][A-Za-z0-9_-]*/g, describe: 'placeholder' },
  {
    pattern: /\b(REGION|WORKSPACE|WORKSPACE_ID|WS_ID|CLUSTER_NAME|ACCOUNT_ID)\b/g,
    describe: 'placeholder',
  },
];

function withoutEnvReferences(value: string): string {
  return value.replace(/\$\$/g, '  ').replace(/\$\{env:[^}]*\}/g, (match) => ' '.repeat(match.length));
}

/** Index of every `$` that is neither `$$` (an escaped dollar) nor the start of `${…}` (an expansion). */
function unescapedDollars(value: string): number[] {
  const found: number[] = [];
  for (let index = 0; index < value.length; index++) {
    if (value[index] !== '$') continue;
    const next = value[index + 1];
    if (next === '$') {
      index++;
    } else if (next !== '{') {
      found.push(index);
    }
  }
  return found;
}

function checkStrings(config: CollectorConfig): ConfigProblem[] {
  const strings: StringAt[] = [];
  const { service, ...components } = config;
  collectStrings(components, '', strings);
  collectStrings(service, 'service', strings);
  const problems: ConfigProblem[] = [];
  for (const { path, value } of strings) {
    const scanned = withoutEnvReferences(value);
    const placeholders = unique(placeholderPatterns.flatMap(({ pattern }) => scanned.match(pattern) ?? []));
    if (placeholders.length > 0) {
      problems.push({
        path,
        message: `Placeholder ${placeholders.map((text) => `"${text}"`).join(', ')} left in "${value}"`,
        hint: 'Replace it with the real value (adot apply-template renders the templates with --region, --cluster and --amp-workspace-id)',
      });
    }
    const dollars = unescapedDollars(value);
    if (dollars.length > 0) {
      const at = dollars[0] ?? 0;
      const example = value.slice(at, at + 2);
      problems.push({
        path,
        message: `Unescaped "$" in "${value}": the collector expands "$" as an environment variable reference`,
        hint: `Write "$$" for a literal dollar sign (e.g. "${example.replace('$', '$$$$')}" instead of "${example}")`,
      });
    }
  }
  return problems;
}
