/**
 * The entry stanza's operators work on (pkg/stanza/entry in opentelemetry-collector-contrib): a body, attributes and
 * resource as plain values, a timestamp and a severity; and fields that name a place in it — `body`, `body.key`,
 * `attributes.key`, `attributes["key.with.dots"]`, `resource.key` (a field without a prefix is a body field).
 */
import type { AnyValue, KeyValue, LogRecord } from '../../translate/otlp-types.js';

export interface Entry {
  body: unknown;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  /** nanoseconds since the epoch as a decimal string; undefined until a parser sets it */
  timestamp?: string;
  observedTimestamp: string;
  severityNumber?: number;
  severityText?: string;
}

export interface Field {
  root: 'body' | 'attributes' | 'resource';
  path: string[];
  text: string;
}

const ROOTS = ['body', 'attributes', 'resource'] as const;

/** Parses a field expression; throws with a message for the configuration when it is not one. */
export function parseField(text: string): Field {
  const segments: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    const bracket = /^\[\s*(?:"([^"]*)"|'([^']*)')\s*\]/.exec(rest);
    if (bracket !== null) {
      segments.push(bracket[1] ?? bracket[2] ?? '');
      rest = rest.slice(bracket[0].length);
      continue;
    }
    const dotted = /^\.?([^.[\]"']+)/.exec(rest);
    if (dotted === null || (segments.length === 0 && rest.startsWith('.'))) {
      throw new Error(
        `"${text}" is not a field (e.g. body, attributes.key, attributes["log.file.path"], resource.key)`,
      );
    }
    segments.push(dotted[1] ?? '');
    rest = rest.slice(dotted[0].length);
  }
  const [first, ...path] = segments;
  if (first === undefined) throw new Error('a field cannot be empty');
  if ((ROOTS as readonly string[]).includes(first)) {
    return { root: first as Field['root'], path, text };
  }
  return { root: 'body', path: segments, text };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getField(entry: Entry, field: Field): unknown {
  let current: unknown = field.root === 'body' ? entry.body : entry[field.root];
  for (const key of field.path) {
    if (!isMap(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

export function setField(entry: Entry, field: Field, value: unknown): void {
  if (field.path.length === 0) {
    if (field.root === 'body') entry.body = value;
    else if (isMap(value)) entry[field.root] = { ...value };
    return;
  }
  if (field.root === 'body' && !isMap(entry.body)) entry.body = {};
  let current = (field.root === 'body' ? entry.body : entry[field.root]) as Record<string, unknown>;
  field.path.forEach((key, index) => {
    if (index === field.path.length - 1) {
      current[key] = value;
      return;
    }
    if (!isMap(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  });
}

/** Removes the field and says what it held (undefined when absent). */
export function deleteField(entry: Entry, field: Field): unknown {
  if (field.root === 'body' && field.path.length === 0) {
    const body = entry.body;
    entry.body = undefined;
    return body;
  }
  let current: unknown = field.root === 'body' ? entry.body : entry[field.root];
  for (const key of field.path.slice(0, -1)) {
    if (!isMap(current)) return undefined;
    current = current[key];
  }
  const last = field.path[field.path.length - 1] ?? '';
  if (!isMap(current) || !Object.hasOwn(current, last)) return undefined;
  const value = current[last];
  delete current[last];
  return value;
}

/** A plain value as an OTLP AnyValue (what pcommon.Value.FromRaw makes of it). */
export function toAnyValue(value: unknown): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (typeof value === 'bigint') return { intValue: value.toString() };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
  if (isMap(value)) return { kvlistValue: { values: toKeyValues(value) } };
  return {};
}

export function toKeyValues(map: Record<string, unknown>): KeyValue[] {
  return Object.entries(map)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ({ key, value: toAnyValue(value) }));
}

export function toLogRecord(entry: Entry): LogRecord {
  return {
    ...(entry.timestamp === undefined ? {} : { timeUnixNano: entry.timestamp }),
    observedTimeUnixNano: entry.observedTimestamp,
    ...(entry.severityNumber === undefined ? {} : { severityNumber: entry.severityNumber }),
    ...(entry.severityText === undefined ? {} : { severityText: entry.severityText }),
    ...(entry.body === undefined ? {} : { body: toAnyValue(entry.body) }),
    attributes: toKeyValues(entry.attributes),
  };
}
