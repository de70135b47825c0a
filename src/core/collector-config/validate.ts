/**
 * The checks adot runs on a collector configuration before applying or running it: component types, pipelines,
 * exporters' requirements, placeholders left from the public templates, and environment references.
 */
import { knownComponents, knownExtensions, sections } from './catalog.js';
import { didYouMean } from './closest.js';
import { dollarSignWarnings } from './dollar-signs.js';
import { expandEnvReferences, type KnownEnvironment } from './env-references.js';
import { exportersInUse } from './pipelines.js';
import { inferSigV4Scope } from '../sigv4-inference.js';
import {
  componentType,
  isError,
  isRecord,
  type CollectorConfig,
  type ConfigProblem,
  type PipelineConfig,
  type ProblemSeverity,
  type Signal,
} from './types.js';

const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** us-east-1, us-gov-west-1, cn-north-1, us-isob-east-1 … */
export function isAwsRegion(value: string): boolean {
  return REGION_PATTERN.test(value);
}
const AMP_HOST_PATTERN = /^aps-workspaces(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/;

export interface ReviewOptions {
  /**
   * The collector's environment (spec.env in doctor, the process environment in `adot collector run`): variables
   * present are defined (value undefined when it cannot be known here), absent ones are not set. Without it, only
   * the form of environment references is checked and their values are taken as unknown.
   */
  environment?: KnownEnvironment;
  /** how a reference to an unset variable (without a default) counts; the collector runs with a warning */
  unsetSeverity?: ProblemSeverity;
  /** where the variables come from, in messages: `spec.env`, `the environment` */
  environmentSource?: string;
}

export interface Review {
  /** errors (the collector refuses the configuration, or runs it without delivering) and warnings */
  problems: ConfigProblem[];
  /** the configuration with every known environment reference expanded and `$$` made `$` */
  expanded: CollectorConfig;
  /** variables referenced but not set and without a default */
  unset: string[];
}

/**
 * Every problem of a configuration: environment references first (on the text as written), then the checks of
 * components, pipelines, exporters and placeholders on the values the collector would see.
 */
export function reviewCollectorConfig(config: CollectorConfig, options: ReviewOptions = {}): Review {
  const environment = options.environment;
  const defined = new Set(environment === undefined ? [] : Object.keys(environment));
  const expansion = expandEnvReferences(config, environment, {
    ...(options.unsetSeverity === undefined ? {} : { unsetSeverity: options.unsetSeverity }),
    ...(options.environmentSource === undefined ? {} : { source: options.environmentSource }),
  });
  const expanded = expansion.value;
  return {
    problems: [
      ...expansion.problems,
      ...dollarSignWarnings(config, defined),
      ...checkComponentTypes(expanded),
      ...checkPipelines(expanded),
      ...checkServiceExtensions(expanded),
      ...checkExporterRequirements(expanded, environment),
      ...checkPlaceholders(expanded),
    ],
    expanded,
    unset: expansion.unset,
  };
}

/** The errors of a configuration whose environment is not known (templates, apply-template). */
export function validateCollectorConfig(config: CollectorConfig): ConfigProblem[] {
  return reviewCollectorConfig(config).problems.filter(isError);
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

/** A value still holding a reference whose value is unknown cannot be checked. */
function unresolved(value: string): boolean {
  return value.includes('${');
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
          hint: `${didYouMean(componentType(id), known)}Known ${section}: ${known.join(', ')}`,
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

/** The AWS SDKs (and the collector's AWS components) fall back to these when a component sets no region. */
const REGION_VARIABLES = ['AWS_REGION', 'AWS_DEFAULT_REGION'];

function regionProblem(
  path: string,
  settings: Record<string, unknown>,
  environment: KnownEnvironment | undefined,
): ConfigProblem[] {
  const region = settings.region;
  if (typeof region !== 'string' || region.trim() === '') {
    if (environment !== undefined && REGION_VARIABLES.some((name) => Object.hasOwn(environment, name))) return [];
    return [
      {
        path: `${path}.region`,
        message: 'Missing region',
        hint: "Set region, e.g. region: us-east-1 (or AWS_REGION in the collector's environment)",
      },
    ];
  }
  if (unresolved(region)) return [];
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

function checkExporterRequirements(config: CollectorConfig, environment?: KnownEnvironment): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const enabledExtensions = config.service.extensions ?? [];
  /** sigv4auth id → the hosts of the remote-write endpoints it signs for */
  const sigv4UsedByRemoteWrite = new Map<string, string[]>();

  for (const id of exportersInUse(config)) {
    if (!Object.hasOwn(config.exporters, id)) continue;
    const path = `exporters.${id}`;
    const settings = isRecord(config.exporters[id]) ? (config.exporters[id] as Record<string, unknown>) : {};
    const type = componentType(id);
    if (type === 'awsxray' || type === 'awsemf') problems.push(...regionProblem(path, settings, environment));
    if (
      type === 'awsemf' &&
      settings.dimension_rollup_option !== undefined &&
      !unresolved(String(settings.dimension_rollup_option))
    ) {
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
    } else if (!unresolved(endpoint)) {
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
      hosts.length > 0 && inferred.every((scope) => scope.region !== undefined && REGION_PATTERN.test(scope.region));
    if (!(settings.region === undefined && regionInferred)) {
      problems.push(...regionProblem(path, settings, environment));
    }
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
 * `(?<name>…)`) are not placeholders, neither is a `${…}` reference whose value is not known here.
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
  return value.replace(/\$\{[^}]*\}/g, (match) => ' '.repeat(match.length));
}

function checkPlaceholders(config: CollectorConfig): ConfigProblem[] {
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
  }
  return problems;
}
