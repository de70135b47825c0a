/**
 * Changing the resource of pipeline items, for the processors that work on resources (resourcedetection,
 * k8sattributes, resource): spans and log records get a new resource object (shared again by the items that shared
 * the old one), samples a new `resource` record. Items are never mutated: changed ones are copies. X-Ray daemon
 * segments carry no OTLP resource and pass unchanged.
 *
 * For samples, service.name / service.namespace / service.instance.id are read from the `job` and `instance`
 * labels (where the receivers put them) and the rest from `sample.resource`; what a processor sets lands in
 * `sample.resource` only.
 */
import type { LogItem, MetricSample, OtlpSpanItem, Signal, TraceItem } from '../model.js';
import type { AnyValue, KeyValue, Resource } from '../translate/otlp-types.js';

export type AttributeMap = Map<string, AnyValue>;

/** Changes the attributes in place; `client` is the address of the connection the data came over, if known. */
export type ResourceUpdate = (attributes: AttributeMap, client: string | undefined) => void;

const clients = new WeakMap<object, string>();

/** Records the client address data arrived from, on the resource object its items share (the otlp receiver). */
export function rememberClient(resource: object, address: string): void {
  clients.set(resource, address);
}

export function clientOf(resource: object | undefined): string | undefined {
  return resource === undefined ? undefined : clients.get(resource);
}

function toMap(attributes: readonly KeyValue[]): AttributeMap {
  const map: AttributeMap = new Map();
  for (const { key, value } of attributes) map.set(key, value ?? {});
  return map;
}

function toList(map: AttributeMap): KeyValue[] {
  return [...map].map(([key, value]) => ({ key, value }));
}

/** A sample's resource attributes as the collector has them: service.* from job and instance, then the rest. */
export function sampleMap(sample: MetricSample): AttributeMap {
  const map: AttributeMap = new Map();
  const job = sample.labels['job'];
  if (job !== undefined) {
    const slash = job.indexOf('/');
    if (slash > 0) map.set('service.namespace', { stringValue: job.slice(0, slash) });
    map.set('service.name', { stringValue: slash > 0 ? job.slice(slash + 1) : job });
  }
  const instance = sample.labels['instance'];
  if (instance !== undefined) map.set('service.instance.id', { stringValue: instance });
  for (const [key, value] of Object.entries(sample.resource ?? {})) map.set(key, { stringValue: value });
  return map;
}

const DERIVED = ['service.name', 'service.namespace', 'service.instance.id'];

function textOf(value: AnyValue): string {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return value.intValue;
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  return '';
}

/** The items with `update` applied to each distinct resource once. */
export function updateResources(signal: Signal, items: readonly unknown[], update: ResourceUpdate): unknown[] {
  if (signal === 'metrics') {
    // samples of one request share their resource record; scraped samples have none: their job and instance
    // labels are their resource
    const shared = new Map<object, Record<string, string>>();
    const scraped = new Map<string, Record<string, string>>();
    return (items as MetricSample[]).map((sample) => {
      const before = sample.resource;
      const key = `${sample.labels['job'] ?? ''}\u0000${sample.labels['instance'] ?? ''}`;
      let after = before === undefined ? scraped.get(key) : shared.get(before);
      if (after === undefined) {
        const map = sampleMap(sample);
        update(map, clientOf(before));
        const record: Record<string, string> = {};
        for (const [name, value] of map) if (!DERIVED.includes(name)) record[name] = textOf(value);
        after = record;
        if (before === undefined) scraped.set(key, after);
        else shared.set(before, after);
      }
      return { ...sample, resource: after };
    });
  }
  const cache = new Map<Resource, Resource>();
  const updated = (resource: Resource): Resource => {
    let next = cache.get(resource);
    if (next === undefined) {
      const map = toMap(resource.attributes);
      update(map, clientOf(resource));
      next = { ...resource, attributes: toList(map) };
      const client = clientOf(resource);
      if (client !== undefined) rememberClient(next, client);
      cache.set(resource, next);
    }
    return next;
  };
  if (signal === 'logs') return (items as LogItem[]).map((item) => ({ ...item, resource: updated(item.resource) }));
  return (items as TraceItem[]).map((item) =>
    item.kind === 'otlp-span' ? ({ ...item, resource: updated(item.resource) } satisfies OtlpSpanItem) : item,
  );
}
