/**
 * processors `resource` and `attributes` (opentelemetry-collector-contrib processor/resourceprocessor and
 * processor/attributesprocessor): the actions of attribute-actions.ts on each item's resource (`resource`, key
 * `attributes`) or on the item's own attributes (`attributes`, key `actions`): span attributes, log record
 * attributes, a sample's labels (job and instance stay, as the resource they stand for). The attributes processor's
 * include/exclude matching is refused by name. X-Ray daemon segments pass unchanged.
 */
import { SettingsError, type Settings } from '../config/settings.js';
import type { Consumer, LogItem, MetricSample, ProcessorInstance, Signal, TraceItem } from '../model.js';
import { anyValueToText } from '../translate/any-value.js';
import type { KeyValue } from '../translate/otlp-types.js';
import { applyActions, readAttributeActions, type AttributeAction } from './attribute-actions.js';
import { updateResources, type AttributeMap } from './resource-items.js';

export function readResourceProcessorSettings(settings: Settings): AttributeAction[] {
  settings.allowOnly(['attributes']);
  return readAttributeActions(settings, 'attributes');
}

export function readAttributesProcessorSettings(settings: Settings): AttributeAction[] {
  for (const key of ['include', 'exclude']) {
    if (settings.has(key))
      throw new SettingsError(
        settings.at(key),
        `"${key}" is not supported by the bundled collector runtime's attributes processor`,
      );
  }
  settings.allowOnly(['actions', 'include', 'exclude']);
  return readAttributeActions(settings, 'actions');
}

export class ResourceProcessor<T> implements ProcessorInstance<T> {
  constructor(
    private readonly actions: AttributeAction[],
    private readonly next: Consumer<T>,
    private readonly signal: Signal,
  ) {}

  async start(): Promise<void> {}

  consume(items: T[]): void {
    this.next.consume(
      updateResources(this.signal, items, (attributes) => applyActions(this.actions, attributes)) as T[],
    );
  }

  async shutdown(): Promise<void> {}
}

function changed(actions: readonly AttributeAction[], list: readonly KeyValue[]): KeyValue[] {
  const map: AttributeMap = new Map(list.map(({ key, value }) => [key, value ?? {}]));
  applyActions(actions, map);
  return [...map].map(([key, value]) => ({ key, value }));
}

export class AttributesProcessor<T> implements ProcessorInstance<T> {
  constructor(
    private readonly actions: AttributeAction[],
    private readonly next: Consumer<T>,
    private readonly signal: Signal,
  ) {}

  async start(): Promise<void> {}

  consume(items: T[]): void {
    this.next.consume(items.map((item) => this.apply(item)) as T[]);
  }

  async shutdown(): Promise<void> {}

  private apply(item: unknown): unknown {
    if (this.signal === 'logs') {
      const log = item as LogItem;
      return { ...log, record: { ...log.record, attributes: changed(this.actions, log.record.attributes) } };
    }
    if (this.signal === 'traces') {
      const trace = item as TraceItem;
      if (trace.kind !== 'otlp-span') return trace;
      return { ...trace, span: { ...trace.span, attributes: changed(this.actions, trace.span.attributes) } };
    }
    const sample = item as MetricSample;
    const { job, instance, ...rest } = sample.labels;
    const map: AttributeMap = new Map(Object.entries(rest).map(([key, value]) => [key, { stringValue: value }]));
    applyActions(this.actions, map);
    const labels: Record<string, string> = {};
    for (const [key, value] of map) labels[key] = anyValueToText(value);
    if (job !== undefined) labels['job'] = job;
    if (instance !== undefined) labels['instance'] = instance;
    return { ...sample, labels };
  }
}
