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
  scanExposition(text, { types, help }, (series, value, timestampMs, line) => {
    const sample: ParsedSample = { ...parseSeries(series, line, types), value };
    if (timestampMs !== undefined) sample.timestampMs = timestampMs;
    samples.push(sample);
  });
  return { samples, help };
}

export type SampleVisitor = (series: string, value: number, timestampMs: number | undefined, line: number) => void;

/**
 * Walks the exposition: metadata lines fill `types` and `help`, each sample line is handed to `visit` with its
 * series text (`name{labels}` exactly as written, which identifies the series within one target) unparsed, so
 * that a scraper can recognise series it has seen before without parsing their labels again.
 */
export function scanExposition(
  text: string,
  metadata: { types: Map<string, MetricType>; help: Map<string, string> },
  visit: SampleVisitor,
): void {
  let start = 0;
  let lineNumber = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNumber++;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) line = line.trimStart();
    if (line === '') continue;
    if (line.charCodeAt(0) === 35 /* # */) {
      readMetadata(line, lineNumber, metadata);
      continue;
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
    visit(line.slice(0, seriesEnd), value, timestampMs, lineNumber);
  }
}

function firstWhitespace(line: string): number {
  for (let index = 0; index < line.length; index++) {
    const code = line.charCodeAt(index);
    if (code === 32 || code === 9) return index;
  }
  return -1;
}

function readMetadata(
  line: string,
  lineNumber: number,
  metadata: { types: Map<string, MetricType>; help: Map<string, string> },
): void {
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
