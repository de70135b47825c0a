/** The identifier and name rules X-Ray enforces on segment documents, as the awsxray exporter applies them. */

export const MAX_SEGMENT_NAME_LENGTH = 200;
/** The name the awsxray exporter gives a segment whose name sanitizes to nothing. */
export const DEFAULT_SEGMENT_NAME = 'span';

/**
 * The characters the awsxray exporter keeps in a name (segment.go, reInvalidSpanCharacters `[^ 0-9\p{L}N_.:/%&#=+\-@]`):
 * Unicode letters, ASCII digits, spaces and `_ . : / % & # = + - @` (the backslash X-Ray allows is not kept).
 */
const INVALID_NAME_CHARACTERS = /[^ 0-9\p{L}N_.:/%&#=+\-@]/gu;

export function sanitizeSegmentName(name: string): string {
  const cleaned = [...name.replace(INVALID_NAME_CHARACTERS, '')].slice(0, MAX_SEGMENT_NAME_LENGTH).join('');
  return cleaned === '' ? DEFAULT_SEGMENT_NAME : cleaned;
}

/**
 * Annotation keys keep ASCII letters, digits and dots; anything else becomes `_` (segment.go, fixAnnotationKey, with
 * the exporter.xray.allowDot feature gate, beta and so on by default since v0.97.0).
 */
export function sanitizeAnnotationKey(key: string): string {
  return key.replace(/[^A-Za-z0-9.]/g, '_');
}

function isAllZero(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0);
}

/**
 * `1-<8 hex>-<24 hex>` from the 16-byte OTLP trace id. X-Ray reads the first 8 hex digits as the trace's epoch
 * seconds; ids from the AWS X-Ray id generator satisfy that, random W3C ids do not and X-Ray may refuse them.
 * The mapping stays the straightforward one either way (the awsxray exporter's, without its age check).
 */
export function xrayTraceId(traceId: Uint8Array | undefined): string | undefined {
  if (traceId === undefined || traceId.length !== 16 || isAllZero(traceId)) return undefined;
  const hex = Buffer.from(traceId).toString('hex');
  return `1-${hex.slice(0, 8)}-${hex.slice(8)}`;
}

/** The 16-hex id of an 8-byte span id; undefined when absent, malformed or all zero. */
export function xraySegmentId(spanId: Uint8Array | undefined): string | undefined {
  if (spanId === undefined || spanId.length !== 8 || isAllZero(spanId)) return undefined;
  return Buffer.from(spanId).toString('hex');
}
