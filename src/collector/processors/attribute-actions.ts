/**
 * The attribute actions the `attributes` and `resource` processors share (opentelemetry-collector-contrib
 * internal/coreinternal/attraction): each of `actions` / `attributes` is {key, action, value | from_attribute,
 * converted_type}, applied in order — insert (only when the key is absent), update (only when present), upsert,
 * delete, convert (to int, double or string). hash, extract, from_context and pattern are refused by name.
 */
import { SettingsError, type Settings } from '../config/settings.js';
import type { AnyValue } from '../translate/otlp-types.js';
import type { AttributeMap } from './resource-items.js';
import { settingsList } from './settings-list.js';

export interface AttributeAction {
  key: string;
  action: 'insert' | 'update' | 'upsert' | 'delete' | 'convert';
  value?: AnyValue;
  fromAttribute?: string;
  convertedType?: 'int' | 'double' | 'string';
}

const ACTIONS = ['insert', 'update', 'upsert', 'delete', 'convert'];
const REFUSED = ['hash', 'extract'];

export function toValue(raw: unknown): AnyValue {
  if (typeof raw === 'string') return { stringValue: raw };
  if (typeof raw === 'boolean') return { boolValue: raw };
  if (typeof raw === 'number') return Number.isInteger(raw) ? { intValue: String(raw) } : { doubleValue: raw };
  if (Array.isArray(raw)) return { arrayValue: { values: raw.map(toValue) } };
  if (typeof raw === 'object' && raw !== null) {
    return { kvlistValue: { values: Object.entries(raw).map(([key, value]) => ({ key, value: toValue(value) })) } };
  }
  return {};
}

export function readAttributeActions(settings: Settings, key: string): AttributeAction[] {
  const actions = settingsList(settings, key).map((entry) => {
    entry.allowOnly(['key', 'action', 'value', 'from_attribute', 'from_context', 'pattern', 'converted_type']);
    const action = entry.requiredString('action');
    for (const unsupported of ['from_context', 'pattern']) {
      if (entry.has(unsupported))
        throw new SettingsError(
          entry.at(unsupported),
          `"${unsupported}" is not supported by the bundled collector runtime`,
        );
    }
    if (REFUSED.includes(action))
      throw new SettingsError(
        entry.at('action'),
        `the action "${action}" is not supported by the bundled collector runtime`,
        `Supported actions: ${ACTIONS.join(', ')}`,
      );
    if (!ACTIONS.includes(action))
      throw new SettingsError(
        entry.at('action'),
        `"${action}" is not an action`,
        `Actions: ${[...ACTIONS, ...REFUSED].join(', ')}`,
      );
    const parsed: AttributeAction = { key: entry.requiredString('key'), action: action as AttributeAction['action'] };
    if (action === 'insert' || action === 'update' || action === 'upsert') {
      const from = entry.string('from_attribute');
      if (entry.has('value') === (from !== undefined)) {
        throw new SettingsError(
          entry.at('value'),
          `the ${action} action needs exactly one of value and from_attribute`,
        );
      }
      if (from !== undefined) parsed.fromAttribute = from;
      else parsed.value = toValue(entry.raw('value'));
    }
    if (action === 'convert') {
      const type = entry.requiredString('converted_type');
      if (!['int', 'double', 'string'].includes(type))
        throw new SettingsError(entry.at('converted_type'), 'must be int, double or string');
      parsed.convertedType = type as AttributeAction['convertedType'];
    }
    return parsed;
  });
  if (actions.length === 0) throw new SettingsError(settings.at(key), 'at least one action is required');
  return actions;
}

function converted(value: AnyValue, type: 'int' | 'double' | 'string'): AnyValue | undefined {
  const text =
    value.stringValue ??
    value.intValue ??
    (value.doubleValue !== undefined
      ? String(value.doubleValue)
      : value.boolValue !== undefined
        ? String(value.boolValue)
        : undefined);
  if (text === undefined) return undefined;
  if (type === 'string') return { stringValue: text };
  if (value.boolValue !== undefined)
    return type === 'int' ? { intValue: value.boolValue ? '1' : '0' } : { doubleValue: value.boolValue ? 1 : 0 };
  const number = Number(text);
  if (text.trim() === '' || !Number.isFinite(number)) return undefined;
  return type === 'int' ? { intValue: String(Math.trunc(number)) } : { doubleValue: number };
}

export function applyActions(actions: readonly AttributeAction[], attributes: AttributeMap): void {
  for (const action of actions) {
    const present = attributes.has(action.key);
    if (action.action === 'delete') {
      attributes.delete(action.key);
      continue;
    }
    if (action.action === 'convert') {
      const current = attributes.get(action.key);
      const next =
        current === undefined || action.convertedType === undefined
          ? undefined
          : converted(current, action.convertedType);
      if (next !== undefined) attributes.set(action.key, next);
      continue;
    }
    const value = action.fromAttribute === undefined ? action.value : attributes.get(action.fromAttribute);
    if (value === undefined) continue;
    if (action.action === 'insert' && present) continue;
    if (action.action === 'update' && !present) continue;
    attributes.set(action.key, value);
  }
}
