/** Reading a collector configuration from YAML text, and writing one back. */
import { isMap, LineCounter, parseDocument, stringify } from 'yaml';
import { duplicateKeys } from '../yaml-keys.js';
import { isRecord, type CollectorConfig, type ConfigProblem } from './types.js';

/** 4 MiB: far above any real configuration, far below what would take long to parse */
const MAX_CONFIG_CHARS = 4 * 1024 * 1024;

/**
 * Components (receivers, processors, exporters, extensions, connectors) read at most: adot's own bound, as the
 * collector publishes none. Real configurations have tens; with it, checking the largest readable one stays well
 * under a second, so Ctrl-C is never held up behind a validation.
 */
export const MAX_COMPONENTS = 5_000;

const topLevelKeys = ['receivers', 'processors', 'exporters', 'extensions', 'connectors', 'service'];

/**
 * Parses a collector configuration from YAML text. `config` is present only when the document has the shape of a
 * collector configuration; syntax errors and shape errors are returned as problems (syntax errors with their line).
 */
export function parseCollectorConfig(text: string): {
  config?: CollectorConfig;
  problems: ConfigProblem[];
  /** the text is not YAML at all (the problems are its syntax errors) */
  syntaxError?: true;
} {
  const lineCounter = new LineCounter();
  if (text.length > MAX_CONFIG_CHARS) {
    return {
      syntaxError: true,
      problems: [
        {
          path: 'document',
          message: `the configuration is ${text.length} characters long; at most ${MAX_CONFIG_CHARS} are read`,
          hint: 'a collector configuration is kilobytes long (and a Kubernetes object at most about 1.5 MB)',
        },
      ],
    };
  }
  const document = parseDocument(text, {
    lineCounter,
    merge: true,
    prettyErrors: false,
    uniqueKeys: false,
  });
  const errors = [
    ...document.errors.map((error) => ({ pos: error.pos[0], message: error.message.split('\n')[0] ?? error.code })),
    ...duplicateKeys(document).map((duplicate) => ({
      pos: duplicate.offset,
      message: `Map keys must be unique: "${duplicate.key}" is defined again`,
    })),
  ];
  if (errors.length > 0) {
    return {
      syntaxError: true,
      problems: errors.map((error) => {
        const position = lineCounter.linePos(error.pos);
        return {
          path: `line ${position.line}, column ${position.col}`,
          message: `YAML syntax error: ${error.message}`,
          hint: 'Fix the YAML syntax',
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
  let data: unknown;
  try {
    // yaml refuses documents whose aliases expand past maxAliasCount (a "billion laughs" document)
    data = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return {
      syntaxError: true,
      problems: [
        {
          path: '',
          message: `YAML: ${(error as Error).message}`,
          hint: 'Write the values out instead of aliasing them',
        },
      ],
    };
  }
  return shapeOf(data);
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
  const components = [config.receivers, config.processors, config.exporters, config.extensions, config.connectors ?? {}]
    .map((section) => Object.keys(section).length)
    .reduce((sum, count) => sum + count, 0);
  if (components > MAX_COMPONENTS) {
    return {
      problems: [
        {
          path: 'document',
          message: `the configuration defines ${components} components; at most ${MAX_COMPONENTS} are read`,
          hint: 'a collector configuration defines tens of components: split it into several collectors',
        },
      ],
    };
  }

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
