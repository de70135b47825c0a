/**
 * The Prometheus text exposition format 0.0.4: # HELP / # TYPE lines, samples `name{labels} value [timestamp]`,
 * label-value escapes (\\, \", \n), NaN/+Inf/-Inf, histogram and summary suffixes. Pure; errors name the line.
 */
import type { MetricType } from '../../model.js';

export interface ParsedSample {
  name: string;
  family: string;
  type: MetricType;
  labels: Record<string, string>;
  value: number;
  /** ms since the epoch, when the exposition gave one */
  timestampMs?: number;
}

export interface ParsedExposition {
  samples: ParsedSample[];
  help: Map<string, string>;
}

export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const TYPES: readonly string[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];

const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
  counter: ['_total'],
};

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, char: string) => (char === 'n' ? '\n' : '\\'));
}

export function parseValue(text: string): number | undefined {
  switch (text) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    default: {
      if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) && !/^[-+]?0x[0-9a-fA-F]+$/.test(text))
        return undefined;
      const value = Number(text);
      return Number.isNaN(value) ? undefined : value;
    }
  }
}

/** The family a sample name belongs to, given the families declared so far. */
function familyOf(name: string, types: Map<string, MetricType>): { family: string; type: MetricType } {
  const declared = types.get(name);
  if (declared !== undefined) return { family: name, type: declared };
  for (const [type, suffixes] of Object.entries(SUFFIXES)) {
    for (const suffix of suffixes) {
      if (!name.endsWith(suffix)) continue;
      const base = name.slice(0, -suffix.length);
      if (types.get(base) === type) return { family: base, type: type as MetricType };
    }
  }
  return { family: name, type: 'untyped' };
}

export function parseExposition(text: string): ParsedExposition {
  const samples: ParsedSample[] = [];
  const help = new Map<string, string>();
  const types = new Map<string, MetricType>();
  scanExposition(text, { types, help }, (source, seriesStart, seriesEnd, value, timestampMs, line) => {
    const sample: ParsedSample = { ...parseSeries(source.slice(seriesStart, seriesEnd), line, types), value };
    if (timestampMs !== undefined) sample.timestampMs = timestampMs;
    samples.push(sample);
  });
  return { samples, help };
}

/**
 * One sample line: its series text (`name{labels}` exactly as written, which identifies the series within one
 * target) is `source.slice(seriesStart, seriesEnd)`, handed over unsliced so that a scraper can recognise a series
 * it has seen before without copying nor parsing its text.
 */
export type SampleVisitor = (
  source: string,
  seriesStart: number,
  seriesEnd: number,
  value: number,
  timestampMs: number | undefined,
  line: number,
) => void;

type Metadata = { types: Map<string, MetricType>; help: Map<string, string> };

const SPACE = 32;
const TAB = 9;
const CR = 13;
const HASH = 35;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

/**
 * Walks the exposition in one pass over the text, by index: metadata lines fill `types` and `help`, each sample line
 * is handed to `visit`. Lines out of the ordinary (leading whitespace, values that are not plain integers or
 * decimals, anything malformed) go through `readLine`, which defines the behaviour and the error messages; the fast
 * path only ever accepts lines `readLine` reads the same way. `text` may be one piece of a longer exposition, cut at
 * a line end, after `linesBefore` lines; returns the number of the last line read.
 */
export function scanExposition(text: string, metadata: Metadata, visit: SampleVisitor, linesBefore = 0): number {
  let start = 0;
  let lineNumber = linesBefore;
  const length = text.length;
  while (start < length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = length;
    lineNumber++;
    const lineStart = start;
    start = end + 1;
    const contentEnd = end > lineStart && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (contentEnd === lineStart) continue;
    const first = text.charCodeAt(lineStart);
    if (
      first !== HASH &&
      first !== SPACE &&
      first !== TAB &&
      readSampleFast(text, lineStart, contentEnd, lineNumber, visit)
    )
      continue;
    readLine(text, lineStart, contentEnd, lineNumber, metadata, visit);
  }
  return lineNumber;
}

/** The common sample line, `name{labels} value [timestamp]` with plain numbers; false when it is anything else. */
function readSampleFast(
  text: string,
  lineStart: number,
  contentEnd: number,
  lineNumber: number,
  visit: SampleVisitor,
): boolean {
  let position = lineStart;
  let code = 0;
  while (position < contentEnd) {
    code = text.charCodeAt(position);
    if (code === SPACE || code === TAB || code === OPEN_BRACE) break;
    position++;
  }
  let seriesEnd: number;
  if (code === OPEN_BRACE && position < contentEnd) {
    seriesEnd = lastCloseBrace(text, position, contentEnd) + 1;
    if (seriesEnd <= position) return false;
  } else if (position < contentEnd) {
    seriesEnd = position;
  } else {
    return false;
  }
  position = skipBlanks(text, seriesEnd, contentEnd);
  if (position === seriesEnd) return false;
  const valueStart = position;
  position = tokenEnd(text, position, contentEnd);
  const value = plainNumber(text, valueStart, position);
  if (value === undefined) return false;
  let timestampMs: number | undefined;
  let next = skipBlanks(text, position, contentEnd);
  if (next < contentEnd) {
    if (next === position) return false;
    const timestampStart = next;
    next = tokenEnd(text, next, contentEnd);
    timestampMs = plainInteger(text, timestampStart, next);
    if (timestampMs === undefined || skipBlanks(text, next, contentEnd) !== contentEnd) return false;
  }
  visit(text, lineStart, seriesEnd, value, timestampMs, lineNumber);
  return true;
}

/**
 * Where the last `}` in [from, end) is, else -1. A loop from the end: the brace is a few characters before the line
 * end, and String.prototype.lastIndexOf is a call into the runtime that costs more than the whole rest of the line.
 */
function lastCloseBrace(text: string, from: number, end: number): number {
  for (let position = end - 1; position >= from; position--)
    if (text.charCodeAt(position) === CLOSE_BRACE) return position;
  return -1;
}

function skipBlanks(text: string, position: number, end: number): number {
  while (position < end) {
    const code = text.charCodeAt(position);
    if (code !== SPACE && code !== TAB) break;
    position++;
  }
  return position;
}

function tokenEnd(text: string, position: number, end: number): number {
  while (position < end) {
    const code = text.charCodeAt(position);
    if (code === SPACE || code === TAB) break;
    position++;
  }
  return position;
}

/** An optionally negative integer of at most 15 digits (exact in a double), else undefined. */
function plainInteger(text: string, start: number, end: number): number | undefined {
  const negative = text.charCodeAt(start) === MINUS;
  let position = negative ? start + 1 : start;
  if (position === end || end - position > 15) return undefined;
  let value = 0;
  for (; position < end; position++) {
    const code = text.charCodeAt(position);
    if (code < ZERO || code > NINE) return undefined;
    value = value * 10 + (code - ZERO);
  }
  return negative ? -value : value;
}

/** A value made of ASCII digits, signs, dots and exponents, read as parseValue reads it; else undefined. */
function plainNumber(text: string, start: number, end: number): number | undefined {
  const integer = plainInteger(text, start, end);
  if (integer !== undefined) return negativeZero(text, start, integer);
  for (let position = start; position < end; position++) {
    const code = text.charCodeAt(position);
    // digits, + - . e E: anything else (Inf, NaN, hex, non-ASCII) takes the general path
    if (!(
      (code >= ZERO && code <= NINE) ||
      code === 43 ||
      code === MINUS ||
      code === 46 ||
      code === 101 ||
      code === 69
    ))
      return undefined;
  }
  return parseValue(text.slice(start, end));
}

/** `-0` is a distinct double; keep it as Number("-0") does. */
function negativeZero(text: string, start: number, value: number): number {
  return value === 0 && text.charCodeAt(start) === MINUS ? -0 : value;
}

/** Any line, read exactly as the format defines it; throws ExpositionError naming the line. */
function readLine(
  text: string,
  lineStart: number,
  contentEnd: number,
  lineNumber: number,
  metadata: Metadata,
  visit: SampleVisitor,
): void {
  let line = text.slice(lineStart, contentEnd);
  const first = line.charCodeAt(0);
  if (first === SPACE || first === TAB) line = line.trimStart();
  if (line === '') return;
  if (line.charCodeAt(0) === HASH) {
    readMetadata(line, lineNumber, metadata);
    return;
  }
  const brace = line.indexOf('{');
  const space = firstWhitespace(line);
  const hasLabels = brace >= 0 && (space < 0 || brace < space);
  const seriesEnd = hasLabels ? line.lastIndexOf('}') + 1 : space;
  if (hasLabels && seriesEnd === 0) throw new ExpositionError(lineNumber, 'expected "," or "}" in the label set');
  if (seriesEnd <= 0) throw new ExpositionError(lineNumber, 'expected a value and an optional timestamp');
  const rest = line.slice(seriesEnd).trim().split(/\s+/);
  if (rest.length > 2 || rest[0] === '')
    throw new ExpositionError(lineNumber, 'expected a value and an optional timestamp');
  const value = parseValue(rest[0] ?? '');
  if (value === undefined) throw new ExpositionError(lineNumber, `"${rest[0]}" is not a number`);
  let timestampMs: number | undefined;
  if (rest[1] !== undefined) {
    if (!/^-?\d+$/.test(rest[1])) throw new ExpositionError(lineNumber, `"${rest[1]}" is not a timestamp (ms)`);
    timestampMs = Number(rest[1]);
  }
  visit(line, 0, seriesEnd, value, timestampMs, lineNumber);
}

function firstWhitespace(line: string): number {
  for (let index = 0; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code === SPACE || code === TAB) return index;
  }
  return -1;
}

function readMetadata(line: string, lineNumber: number, metadata: Metadata): void {
  const meta = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s+(.*))?$/.exec(line);
  if (meta === null) return; // an ordinary comment
  const [, keyword, name = '', rest = ''] = meta;
  if (keyword === 'HELP') {
    metadata.help.set(name, unescapeHelp(rest));
    return;
  }
  const type = rest.trim();
  if (!TYPES.includes(type)) throw new ExpositionError(lineNumber, `unknown metric type "${type}"`);
  if (metadata.types.has(name)) throw new ExpositionError(lineNumber, `second TYPE line for ${name}`);
  metadata.types.set(name, type as MetricType);
}

/** The name, family, type and labels of a series text (`name{a="1",b="2"}`). */
export function parseSeries(
  series: string,
  lineNumber: number,
  types: Map<string, MetricType>,
): { name: string; family: string; type: MetricType; labels: Record<string, string> } {
  const nameMatch = METRIC_NAME.exec(series);
  if (nameMatch === null) throw new ExpositionError(lineNumber, 'expected a metric name');
  const name = nameMatch[0];
  const labels: Record<string, string> = {};
  let position = name.length;
  while (series[position] === ' ' || series[position] === '\t') position++;
  if (series[position] === '{') position = parseLabels(series, position + 1, labels, lineNumber);
  if (position !== series.length) throw new ExpositionError(lineNumber, 'expected "," or "}" in the label set');
  return { name, ...familyOf(name, types), labels };
}

/** Parses `name="value",…}` from `start` (just after `{`); returns the index after `}`. */
function parseLabels(line: string, start: number, labels: Record<string, string>, lineNumber: number): number {
  let position = start;
  const skipSpaces = () => {
    while (line[position] === ' ' || line[position] === '\t') position++;
  };
  for (;;) {
    skipSpaces();
    if (line[position] === '}') return position + 1;
    LABEL_NAME.lastIndex = position;
    const labelMatch = LABEL_NAME.exec(line);
    if (labelMatch === null) throw new ExpositionError(lineNumber, 'expected a label name');
    const label = labelMatch[0];
    position += label.length;
    skipSpaces();
    if (line[position] !== '=') throw new ExpositionError(lineNumber, `expected "=" after label ${label}`);
    position++;
    skipSpaces();
    if (line[position] !== '"') throw new ExpositionError(lineNumber, `expected a quoted value for label ${label}`);
    position++;
    let value = '';
    const quote = line.indexOf('"', position);
    const backslash = line.indexOf('\\', position);
    if (quote >= 0 && (backslash < 0 || backslash > quote)) {
      // the common case: no escapes in this value
      value = line.slice(position, quote);
      position = quote;
    }
    for (;;) {
      const char = line[position];
      if (char === undefined) throw new ExpositionError(lineNumber, `unterminated value of label ${label}`);
      if (char === '"') break;
      if (char === '\\') {
        const next = line[position + 1];
        value += next === 'n' ? '\n' : next === '"' ? '"' : next === '\\' ? '\\' : `\\${next ?? ''}`;
        position += 2;
        continue;
      }
      value += char;
      position++;
    }
    position++;
    if (Object.hasOwn(labels, label)) throw new ExpositionError(lineNumber, `label ${label} given twice`);
    labels[label] = value;
    skipSpaces();
    if (line[position] === ',') {
      position++;
      continue;
    }
    if (line[position] === '}') return position + 1;
    throw new ExpositionError(lineNumber, 'expected "," or "}" in the label set');
  }
}
