import { parse, stringify } from 'yaml';

/**
 * `spec.config` as the OpenTelemetry operator's v1beta1.Config type reads and writes it (apis/v1beta1/config.go,
 * https://github.com/open-telemetry/opentelemetry-operator/blob/v0.102.0/apis/v1beta1/config.go): a v1alpha1 YAML
 * string is unmarshalled into the struct (yaml.v3), a v1beta1 object marshalled back to YAML (Config.Yaml()). What
 * the struct has no field for (top-level keys other than the five component sections and service, service keys
 * other than extensions, telemetry and pipelines, pipeline keys other than receivers, processors and exporters) is
 * dropped, as unmarshalling into the struct drops it; component settings are kept as they are (AnyConfig).
 */

/** the text cannot be unmarshalled into v1beta1.Config */
export class UnreadableCollectorConfig extends Error {}

type Json = Record<string, unknown>;

const componentSections = ['receivers', 'exporters', 'processors', 'connectors', 'extensions'] as const;
const pipelineLists = ['exporters', 'processors', 'receivers'] as const;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mapping(value: unknown, path: string): Json {
  if (!isRecord(value)) throw new UnreadableCollectorConfig(`${path} is not a mapping`);
  return value;
}

/** a []string field: yaml.v3 takes any scalar item as its text, anything else fails */
function stringList(value: unknown, path: string): string[] {
  if (!Array.isArray(value)) throw new UnreadableCollectorConfig(`${path} is not a sequence`);
  return value.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw new UnreadableCollectorConfig(`${path} holds a non-scalar item`);
  });
}

/**
 * The v1beta1 object of a v1alpha1 config string; throws UnreadableCollectorConfig where yaml.v3 fails (not YAML,
 * not a mapping, a section of the wrong shape). Absent or null sections stay absent: the struct marshals them as
 * null, which the API server prunes (fields that are not nullable,
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#defaulting-and-nullable).
 */
export function configFromYaml(text: string): Json {
  let document: unknown;
  try {
    document = parse(text, { merge: true, uniqueKeys: true });
  } catch (error) {
    throw new UnreadableCollectorConfig(error instanceof Error ? error.message : String(error));
  }
  if (document === null || document === undefined) document = {};
  const source = mapping(document, 'the configuration');
  const config: Json = {};
  for (const section of componentSections) {
    const value = source[section];
    if (value !== undefined && value !== null) config[section] = structuredClone(mapping(value, section));
  }
  const service = source.service === undefined || source.service === null ? {} : mapping(source.service, 'service');
  const converted: Json = {};
  if (service.extensions !== undefined && service.extensions !== null)
    converted.extensions = stringList(service.extensions, 'service.extensions');
  if (service.telemetry !== undefined && service.telemetry !== null)
    converted.telemetry = structuredClone(mapping(service.telemetry, 'service.telemetry'));
  if (service.pipelines !== undefined && service.pipelines !== null) {
    const pipelines: Json = {};
    for (const [name, pipeline] of Object.entries(mapping(service.pipelines, 'service.pipelines'))) {
      if (pipeline === null) continue;
      const fields = mapping(pipeline, `service.pipelines.${name}`);
      const lists: Json = {};
      for (const list of pipelineLists) {
        const value = fields[list];
        if (value !== undefined && value !== null) lists[list] = stringList(value, `service.pipelines.${name}.${list}`);
      }
      pipelines[name] = lists;
    }
    converted.pipelines = pipelines;
  }
  config.service = converted;
  return config;
}

/**
 * What the operator from v0.134.0 converts an unreadable v1alpha1 config to instead of failing the conversion
 * (https://github.com/open-telemetry/opentelemetry-operator/pull/4289, internal/webhook/collector_conversion.go):
 * a valid, empty configuration. It also fills in the required sections a readable one lacks.
 */
export function emptyConfig(): Json {
  return { receivers: {}, exporters: {}, service: { pipelines: {} } };
}

export function withRequiredSections(config: Json): Json {
  const service = isRecord(config.service) ? config.service : {};
  return {
    ...config,
    receivers: config.receivers ?? {},
    exporters: config.exporters ?? {},
    service: { ...service, pipelines: service.pipelines ?? {} },
  };
}

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortedDeep(value[key])]),
  );
}

/**
 * Config.Yaml(): the struct's fields in declaration order (receivers, exporters, processors, connectors, extensions,
 * service with extensions, telemetry, pipelines), map keys sorted as yaml.v3 writes them, indent 2, no folding. A
 * pipeline lists exporters, processors and receivers, empty ones as [] (the fields are not omitempty).
 */
export function configToYaml(config: Json): string {
  const service = isRecord(config.service) ? config.service : {};
  const pipelines = isRecord(service.pipelines) ? service.pipelines : {};
  const ordered: Json = {
    receivers: sortedDeep(config.receivers ?? {}),
    exporters: sortedDeep(config.exporters ?? {}),
  };
  for (const section of ['processors', 'connectors', 'extensions'] as const) {
    if (config[section] !== undefined && config[section] !== null) ordered[section] = sortedDeep(config[section]);
  }
  ordered.service = {
    ...(Array.isArray(service.extensions) ? { extensions: service.extensions } : {}),
    ...(isRecord(service.telemetry) ? { telemetry: sortedDeep(service.telemetry) } : {}),
    pipelines: Object.fromEntries(
      Object.keys(pipelines)
        .sort()
        .map((name) => {
          const pipeline = isRecord(pipelines[name]) ? pipelines[name] : {};
          return [name, Object.fromEntries(pipelineLists.map((list) => [list, pipeline[list] ?? []]))];
        }),
    ),
  };
  return stringify(ordered, { indent: 2, lineWidth: 0 });
}
