/**
 * processor `metricstransform`, the subset the collector templates use: each transform selects metrics by name
 * (`include`, match_type strict or regexp; a regexp may feed `$1`… into new_name), then `update` changes them in
 * place or `insert` adds a transformed copy. Operations: add_label (new_label = new_value, overwriting),
 * update_label (value_actions rename values, new_label renames the label) and delete_label_value (drops the points
 * whose label has that value). Other actions and operations (combine, aggregate_labels, …) are refused when the
 * configuration is read. A renamed histogram or summary keeps its `_bucket`/`_sum`/`_count` suffixes.
 */
import { SettingsError, type Settings } from '../config/settings.js';
import type { Consumer, MetricSample, ProcessorInstance } from '../model.js';
import { metricNameOf, readMatchType, type MatchType } from './filter.js';
import { compileRegex, settingsList } from './settings-list.js';

export type LabelOperation =
  | { action: 'add_label'; newLabel: string; newValue: string }
  | { action: 'update_label'; label: string; newLabel?: string; valueActions: Map<string, string> }
  | { action: 'delete_label_value'; label: string; labelValue: string };

export interface Transform {
  include: string;
  matchType: MatchType;
  /** the compiled include, for match_type regexp */
  pattern?: RegExp;
  action: 'update' | 'insert';
  newName?: string;
  operations: LabelOperation[];
}

const OPERATIONS = ['add_label', 'update_label', 'delete_label_value'];

export function readMetricsTransformSettings(settings: Settings): Transform[] {
  settings.allowOnly(['transforms']);
  const transforms = settingsList(settings, 'transforms');
  if (transforms.length === 0) throw new SettingsError(settings.at('transforms'), 'must list at least one transform');
  return transforms.map(readTransform);
}

function readTransform(settings: Settings): Transform {
  settings.allowOnly(['include', 'match_type', 'action', 'new_name', 'operations']);
  const include = settings.requiredString('include');
  const matchType = readMatchType(settings, 'strict');
  const action = settings.requiredString('action');
  if (action !== 'update' && action !== 'insert') {
    throw new SettingsError(settings.at('action'), `"${action}" is not supported`, 'Use update or insert');
  }
  const newName = settings.string('new_name');
  if (action === 'insert' && (newName === undefined || newName === '')) {
    throw new SettingsError(settings.at('new_name'), 'is required when action is insert');
  }
  return {
    include,
    matchType,
    ...(matchType === 'regexp' ? { pattern: compileRegex(include, settings.at('include')) } : {}),
    action,
    ...(newName === undefined || newName === '' ? {} : { newName }),
    operations: settingsList(settings, 'operations').map(readOperation),
  };
}

function readOperation(settings: Settings): LabelOperation {
  const action = settings.requiredString('action');
  switch (action) {
    case 'add_label':
      settings.allowOnly(['action', 'new_label', 'new_value']);
      return { action, newLabel: settings.requiredString('new_label'), newValue: settings.requiredString('new_value') };
    case 'update_label': {
      settings.allowOnly(['action', 'label', 'new_label', 'value_actions']);
      const newLabel = settings.string('new_label');
      const valueActions = new Map<string, string>();
      for (const valueAction of settingsList(settings, 'value_actions')) {
        valueAction.allowOnly(['value', 'new_value']);
        valueActions.set(valueAction.requiredString('value'), valueAction.requiredString('new_value'));
      }
      if ((newLabel === undefined || newLabel === '') && valueActions.size === 0) {
        throw new SettingsError(settings.path, 'update_label needs new_label or value_actions');
      }
      return {
        action,
        label: settings.requiredString('label'),
        ...(newLabel === undefined || newLabel === '' ? {} : { newLabel }),
        valueActions,
      };
    }
    case 'delete_label_value':
      settings.allowOnly(['action', 'label', 'label_value']);
      return { action, label: settings.requiredString('label'), labelValue: settings.requiredString('label_value') };
    default:
      throw new SettingsError(
        settings.at('action'),
        `operation "${action}" is not supported`,
        `Supported: ${OPERATIONS.join(', ')}`,
      );
  }
}

/** The new metric name when the transform selects `name`, '' when it selects it without renaming, else undefined. */
function selectedName(transform: Transform, name: string): string | undefined {
  if (transform.matchType === 'strict') {
    if (name !== transform.include) return undefined;
    return transform.newName ?? '';
  }
  const match = transform.pattern?.exec(name);
  if (match === null || match === undefined) return undefined;
  if (transform.newName === undefined) return '';
  return transform.newName.replace(
    /\$(\d+)|\$\{(\d+)\}/g,
    (_, plain: string | undefined, braced: string | undefined) => {
      return match[Number(plain ?? braced)] ?? '';
    },
  );
}

/** Applies the operations to one sample; undefined when delete_label_value removes it. */
function applyOperations(sample: MetricSample, operations: LabelOperation[]): MetricSample | undefined {
  const labels = { ...sample.labels };
  for (const operation of operations) {
    switch (operation.action) {
      case 'add_label':
        labels[operation.newLabel] = operation.newValue;
        break;
      case 'update_label': {
        const value = labels[operation.label];
        if (value === undefined) break;
        const renamedValue = operation.valueActions.get(value) ?? value;
        delete labels[operation.label];
        labels[operation.newLabel ?? operation.label] = renamedValue;
        break;
      }
      case 'delete_label_value':
        if (labels[operation.label] === operation.labelValue) return undefined;
        break;
    }
  }
  return { ...sample, labels };
}

function renamed(sample: MetricSample, newName: string): MetricSample {
  if (newName === '') return sample;
  const suffix = sample.name.startsWith(sample.family) ? sample.name.slice(sample.family.length) : '';
  const grouped = sample.type === 'histogram' || sample.type === 'summary';
  return { ...sample, family: newName, name: grouped ? `${newName}${suffix}` : newName };
}

export function transformSamples(transforms: Transform[], samples: MetricSample[]): MetricSample[] {
  let current = samples;
  for (const transform of transforms) {
    const next: MetricSample[] = [];
    for (const sample of current) {
      const newName = selectedName(transform, metricNameOf(sample));
      if (newName === undefined) {
        next.push(sample);
        continue;
      }
      if (transform.action === 'insert') next.push(sample);
      const changed = applyOperations(renamed(sample, newName), transform.operations);
      if (changed !== undefined) next.push(changed);
    }
    current = next;
  }
  return current;
}

export class MetricsTransformProcessor implements ProcessorInstance<MetricSample> {
  constructor(
    private readonly transforms: Transform[],
    private readonly next: Consumer<MetricSample>,
  ) {}

  async start(): Promise<void> {}

  consume(items: MetricSample[]): void {
    const transformed = transformSamples(this.transforms, items);
    if (transformed.length > 0) this.next.consume(transformed);
  }

  async shutdown(): Promise<void> {}
}
