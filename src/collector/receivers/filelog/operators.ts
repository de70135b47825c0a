/**
 * The stanza operators the filelog receiver runs here, each as opentelemetry-collector-contrib's pkg/stanza has it:
 * parsers `container` (docker JSON, CRI-O and containerd lines, with partial CRI lines recombined and the pod's
 * identity taken from the /var/log/pods path), `regex_parser` and `json_parser` (each with `parse_from`, `parse_to`,
 * `timestamp`, `severity`, `on_error`), and transformers `move`, `copy`, `add`, `remove`. Operators run in order;
 * `output` routing, `if` expressions and other operator types are refused by name.
 */
import { SettingsError, type Settings } from '../../config/settings.js';
import { settingsList } from '../../processors/settings-list.js';
import { containerOperator } from './container-operator.js';
import { deleteField, getField, parseField, setField, type Entry, type Field } from './entry.js';
import { timeParser, type LayoutType, type TimeParser } from './time-layout.js';

export type Emit = (entry: Entry) => void;

export interface Operator {
  process(entry: Entry, emit: Emit): void;
  /** hands on what the operator holds (partial container lines) older than `olderThanMs`, or all of it */
  flush?(emit: Emit, now: number, olderThanMs?: number): void;
}

export const SUPPORTED_OPERATORS = ['container', 'regex_parser', 'json_parser', 'move', 'copy', 'add', 'remove'];
const COMMON_KEYS = ['type', 'id', 'on_error'];
const PARSER_KEYS = [...COMMON_KEYS, 'parse_from', 'parse_to', 'timestamp', 'severity'];
type OnError = 'send' | 'send_quiet' | 'drop' | 'drop_quiet';

function field(settings: Settings, key: string, fallback: string): Field {
  const text = settings.string(key, fallback);
  try {
    return parseField(text);
  } catch (error) {
    throw new SettingsError(settings.at(key), (error as Error).message);
  }
}

function onError(settings: Settings): OnError {
  const value = settings.string('on_error', 'send');
  if (!['send', 'send_quiet', 'drop', 'drop_quiet'].includes(value)) {
    throw new SettingsError(settings.at('on_error'), 'must be send, send_quiet, drop or drop_quiet');
  }
  return value as OnError;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

/** severity: parse_from, mapping (level → value or list of values), preset default|none, overwrite_text. */
function severityParser(settings: Settings): ((entry: Entry) => void) | undefined {
  if (!settings.has('severity')) return undefined;
  const severity = settings.nested('severity').allowOnly(['parse_from', 'mapping', 'preset', 'overwrite_text']);
  const from = field(severity, 'parse_from', 'body');
  const preset = severity.string('preset', 'default');
  if (preset !== 'default' && preset !== 'none')
    throw new SettingsError(severity.at('preset'), 'must be default or none');
  const table = new Map<string, number>();
  if (preset === 'default') {
    LEVELS.forEach((level, index) => {
      table.set(level, index * 4 + 1);
      for (let step = 2; step <= 4; step++) table.set(`${level}${step}`, index * 4 + step);
    });
  }
  const mapping = severity.nested('mapping');
  for (const [level, values] of Object.entries((severity.raw('mapping') as Record<string, unknown> | null) ?? {})) {
    const index = LEVELS.findIndex((name) => level.toLowerCase().startsWith(name));
    if (index < 0)
      throw new SettingsError(mapping.at(level), `"${level}" is not a severity level (${LEVELS.join(', ')})`);
    const step = Number(level.slice(LEVELS[index]?.length).trim() || '1');
    for (const value of Array.isArray(values) ? values : [values])
      table.set(String(value).toLowerCase(), index * 4 + step);
  }
  const overwrite = severity.boolean('overwrite_text', false);
  return (entry) => {
    const value = getField(entry, from);
    if (value === undefined) return;
    const text = String(value);
    const number = table.get(text.toLowerCase());
    entry.severityNumber = number ?? 0;
    entry.severityText =
      overwrite && number !== undefined ? (LEVELS[Math.floor((number - 1) / 4)] ?? text).toUpperCase() : text;
  };
}

/** timestamp: parse_from (required), layout_type strptime|gotime|epoch, layout, location (UTC). */
function timestampParser(settings: Settings): ((entry: Entry) => void) | undefined {
  if (!settings.has('timestamp')) return undefined;
  const timestamp = settings.nested('timestamp').allowOnly(['parse_from', 'layout_type', 'layout', 'location']);
  const from = field(timestamp, 'parse_from', '');
  const layoutType = timestamp.string('layout_type', 'strptime') as LayoutType;
  if (!['strptime', 'gotime', 'epoch'].includes(layoutType)) {
    throw new SettingsError(timestamp.at('layout_type'), 'must be strptime, gotime or epoch');
  }
  const location = timestamp.string('location', 'UTC');
  if (location !== 'UTC' && location !== 'Local') {
    throw new SettingsError(timestamp.at('location'), 'only UTC is supported by the bundled collector runtime');
  }
  let parser: TimeParser;
  try {
    parser = timeParser(layoutType, timestamp.requiredString('layout'));
  } catch (error) {
    if (error instanceof SettingsError) throw error;
    throw new SettingsError(timestamp.at('layout'), (error as Error).message);
  }
  return (entry) => {
    const value = getField(entry, from);
    if (value === undefined) throw new Error(`the timestamp field ${from.text} does not exist`);
    entry.timestamp = parser.parse(value);
  };
}

/** What every parser shares: parse_from → parse → merge into parse_to, then timestamp and severity, on_error. */
function parserOperator(
  settings: Settings,
  parse: (value: unknown) => Record<string, unknown>,
  log: (message: string) => void,
): Operator {
  const from = field(settings, 'parse_from', 'body');
  const to = field(settings, 'parse_to', 'attributes');
  const errors = onError(settings);
  const time = timestampParser(settings);
  const severity = severityParser(settings);
  return {
    process(entry, emit) {
      try {
        const value = getField(entry, from);
        if (value === undefined) throw new Error(`the field ${from.text} does not exist`);
        const parsed = parse(value);
        if (to.root !== 'body' && to.path.length === 0) Object.assign(entry[to.root], parsed);
        else {
          const existing = getField(entry, to);
          setField(
            entry,
            to,
            typeof existing === 'object' && existing !== null && !Array.isArray(existing)
              ? { ...existing, ...parsed }
              : parsed,
          );
        }
        time?.(entry);
        severity?.(entry);
      } catch (error) {
        if (errors === 'send' || errors === 'drop')
          log(`operator ${settings.string('id', settings.string('type', ''))}: ${(error as Error).message}`);
        if (errors === 'drop' || errors === 'drop_quiet') return;
      }
      emit(entry);
    },
  };
}

/** Go's named groups `(?P<name>…)` are JavaScript's `(?<name>…)`. */
export function compileGoRegex(pattern: string, path: string): RegExp {
  try {
    return new RegExp(pattern.replace(/\(\?P</g, '(?<'));
  } catch (error) {
    throw new SettingsError(path, `invalid regex: ${(error as Error).message}`);
  }
}

function regexParser(settings: Settings, log: (message: string) => void): Operator {
  const regex = compileGoRegex(settings.requiredString('regex'), settings.at('regex'));
  if (!/\(\?P?<[^>]+>/.test(settings.requiredString('regex'))) {
    throw new SettingsError(settings.at('regex'), 'no named capture groups in regex');
  }
  return parserOperator(
    settings,
    (value) => {
      if (typeof value !== 'string') throw new Error(`type ${typeof value} cannot be parsed as a regex`);
      const match = regex.exec(value);
      if (match === null) throw new Error('regex pattern does not match');
      return Object.fromEntries(Object.entries(match.groups ?? {}).filter(([, group]) => group !== undefined));
    },
    log,
  );
}

function jsonParser(settings: Settings, log: (message: string) => void): Operator {
  return parserOperator(
    settings,
    (value) => {
      if (typeof value !== 'string') throw new Error(`type ${typeof value} cannot be parsed as JSON`);
      const parsed: unknown = JSON.parse(value);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('the JSON is not an object');
      return parsed as Record<string, unknown>;
    },
    log,
  );
}

function transformer(settings: Settings, type: string): Operator {
  if (type === 'add') {
    settings.allowOnly([...COMMON_KEYS, 'field', 'value']);
    const target = field(settings, 'field', '');
    const value = settings.raw('value');
    if (value === undefined) throw new SettingsError(settings.at('value'), 'is required');
    if (typeof value === 'string' && value.startsWith('EXPR(')) {
      throw new SettingsError(settings.at('value'), 'EXPR() values are not supported by the bundled collector runtime');
    }
    return { process: (entry, emit) => (setField(entry, target, structuredClone(value)), emit(entry)) };
  }
  if (type === 'remove') {
    settings.allowOnly([...COMMON_KEYS, 'field']);
    const target = field(settings, 'field', '');
    return { process: (entry, emit) => (deleteField(entry, target), emit(entry)) };
  }
  settings.allowOnly([...COMMON_KEYS, 'from', 'to']);
  const from = field(settings, 'from', '');
  const to = field(settings, 'to', '');
  return {
    process(entry, emit) {
      const value = type === 'move' ? deleteField(entry, from) : structuredClone(getField(entry, from));
      if (value !== undefined) setField(entry, to, value);
      emit(entry);
    },
  };
}

/** Reads `operators` (in order) into the chain the receiver runs; unsupported operators name their path. */
export function readOperators(settings: Settings, log: (message: string) => void): Operator[] {
  return settingsList(settings, 'operators').map((operator) => {
    const type = operator.requiredString('type');
    for (const key of ['output', 'if']) {
      if (operator.has(key)) {
        throw new SettingsError(
          operator.at(key),
          `"${key}" is not supported by the bundled collector runtime (operators run in order)`,
        );
      }
    }
    switch (type) {
      case 'container':
        return containerOperatorFor(operator, log);
      case 'regex_parser':
        operator.allowOnly([...PARSER_KEYS, 'regex', 'cache']);
        return regexParser(operator, log);
      case 'json_parser':
        operator.allowOnly([...PARSER_KEYS]);
        return jsonParser(operator, log);
      case 'move':
      case 'copy':
      case 'add':
      case 'remove':
        return transformer(operator, type);
      default:
        throw new SettingsError(
          operator.at('type'),
          `the operator type "${type}" is not supported by the bundled collector runtime`,
          `Supported operators: ${SUPPORTED_OPERATORS.join(', ')}`,
        );
    }
  });
}

function containerOperatorFor(settings: Settings, log: (message: string) => void): Operator {
  settings.allowOnly([...COMMON_KEYS, 'format', 'add_metadata_from_filepath', 'parse_from', 'max_log_size']);
  const format = settings.string('format', '');
  if (!['', 'docker', 'crio', 'containerd'].includes(format)) {
    throw new SettingsError(
      settings.at('format'),
      'operator config has an invalid `format` field.',
      'ensure that the `format` field is set to one of `docker`, `crio`, `containerd`.',
    );
  }
  return containerOperator({
    format,
    addMetadataFromFilePath: settings.boolean('add_metadata_from_filepath', true),
    parseFrom: field(settings, 'parse_from', 'body'),
    onError: onError(settings),
    log,
  });
}
