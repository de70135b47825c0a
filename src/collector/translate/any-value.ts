/** Reading OTLP attribute values (AnyValue) as JSON values and as label text. */
import type { AnyValue, KeyValue } from './otlp-types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The value as JSON: int64 becomes a number when it is exactly representable and a decimal string otherwise,
 * bytes become base64 (as the collector's pcommon.Value.AsRaw does), an empty AnyValue becomes null.
 */
export function anyValueToJson(value: AnyValue | undefined): JsonValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return int64ToJson(value.intValue);
  if (value.doubleValue !== undefined)
    return Number.isFinite(value.doubleValue) ? value.doubleValue : String(value.doubleValue);
  if (value.arrayValue !== undefined) return value.arrayValue.values.map((item) => anyValueToJson(item));
  if (value.kvlistValue !== undefined) return attributesToJson(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue).toString('base64');
  return null;
}

function int64ToJson(text: string): number | string {
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

export function attributesToJson(attributes: readonly KeyValue[]): { [key: string]: JsonValue } {
  const result: { [key: string]: JsonValue } = {};
  for (const { key, value } of attributes) result[key] = anyValueToJson(value);
  return result;
}

/** The value as text (a Prometheus label value): strings as they are, everything else as its JSON. */
export function anyValueToText(value: AnyValue | undefined): string {
  if (value?.stringValue !== undefined) return value.stringValue;
  if (value?.intValue !== undefined) return value.intValue;
  const json = anyValueToJson(value);
  return json === null ? '' : typeof json === 'string' ? json : JSON.stringify(json);
}

/** A lookup over attributes, where a key repeated by a careless SDK keeps its last value. */
export function attributeMap(attributes: readonly KeyValue[]): Map<string, AnyValue | undefined> {
  return new Map(attributes.map(({ key, value }) => [key, value]));
}

export function stringAttribute(attributes: Map<string, AnyValue | undefined>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = attributes.get(key);
    if (value === undefined) continue;
    const text = anyValueToText(value);
    if (text !== '') return text;
  }
  return undefined;
}

export function numberAttribute(attributes: Map<string, AnyValue | undefined>, ...keys: string[]): number | undefined {
  for (const key of keys) {
    const value = attributes.get(key);
    if (value === undefined) continue;
    const number =
      value.intValue !== undefined
        ? Number(value.intValue)
        : (value.doubleValue ?? (value.stringValue !== undefined ? Number(value.stringValue) : NaN));
    if (Number.isFinite(number)) return number;
  }
  return undefined;
}
