/**
 * The `container` parser (pkg/stanza/operator/parser/container in opentelemetry-collector-contrib): each line is a
 * docker JSON line (`{"log":…,"stream":…,"time":…}`), a CRI-O line (`<time> <stream> <logtag> <log>`) or a
 * containerd line (the same with a `Z` time), detected per line unless `format` says which. `log` becomes the
 * body, `stream` the `log.iostream` attribute, `time` the timestamp (the attribute is removed); CRI lines keep
 * `logtag`, and partial lines (`P`) are joined, per file, into the next full line (`F`), as the internal recombine
 * operator does (the first line's attributes and time, flushed after 5 s without its end). With
 * `add_metadata_from_filepath` (default), the pod is read from the log path
 * `/var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log` into resource attributes k8s.namespace.name,
 * k8s.pod.name, k8s.pod.uid, k8s.container.name and k8s.container.restart_count.
 */
import { getField, setField, type Entry, type Field } from './entry.js';
import type { Emit, Operator } from './operators.js';

const DOCKER = /^\{/;
const CRIO = /^(?<time>[^ Z]+) (?<stream>stdout|stderr) (?<logtag>[^ ]*) ?(?<log>.*)$/s;
const CONTAINERD = /^(?<time>[^ ^Z]+Z) (?<stream>stdout|stderr) (?<logtag>[^ ]*) ?(?<log>.*)$/s;
const LOG_PATH =
  /^.*(\/|\\)(?<namespace>[^_]+)_(?<pod_name>[^_]+)_(?<uid>[a-f0-9-]+)(\/|\\)(?<container_name>[^._]+)(\/|\\)(?<restart_count>\d+)\.log$/;
const K8S_METADATA: Record<string, string> = {
  container_name: 'k8s.container.name',
  namespace: 'k8s.namespace.name',
  pod_name: 'k8s.pod.name',
  restart_count: 'k8s.container.restart_count',
  uid: 'k8s.pod.uid',
};
/** recombine's default force_flush_period */
const FORCE_FLUSH_MS = 5_000;

export interface ContainerOperatorSettings {
  format: string;
  addMetadataFromFilePath: boolean;
  parseFrom: Field;
  onError: 'send' | 'send_quiet' | 'drop' | 'drop_quiet';
  log: (message: string) => void;
}

/** RFC 3339 with any number of fraction digits, as Go parses docker's and the CRI's times. */
export function rfc3339Nanos(text: unknown): string {
  const match =
    typeof text === 'string'
      ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text)
      : null;
  if (match === null) throw new Error(`failed to parse time: "${String(text)}" is not an RFC 3339 time`);
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const offset =
    zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const ms =
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)) -
    offset * 60_000;
  return (BigInt(ms) * 1_000_000n + BigInt(fraction.padEnd(9, '0'))).toString();
}

interface Pending {
  entry: Entry;
  body: string;
  since: number;
}

export function containerOperator(settings: ContainerOperatorSettings): Operator {
  const pending = new Map<string, Pending>();

  const fail = (entry: Entry, emit: Emit, message: string): void => {
    if (settings.onError === 'send' || settings.onError === 'drop') settings.log(`operator container: ${message}`);
    if (settings.onError === 'send' || settings.onError === 'send_quiet') emit(entry);
  };

  const finish = (entry: Entry, fields: Record<string, unknown>, timeOf: (value: unknown) => string): void => {
    entry.timestamp = timeOf(fields['time']);
    delete fields['time'];
    entry.body = fields['log'];
    delete fields['log'];
    if (fields['stream'] !== undefined) fields['log.iostream'] = fields['stream'];
    delete fields['stream'];
    Object.assign(entry.attributes, fields);
    if (!settings.addMetadataFromFilePath) return;
    const path = entry.attributes['log.file.path'];
    if (typeof path !== 'string')
      throw new Error(`type '${path === undefined ? '<nil>' : typeof path}' cannot be parsed as log path field`);
    const parsed = LOG_PATH.exec(path)?.groups;
    if (parsed === undefined) throw new Error('failed to detect a valid log path');
    for (const [group, attribute] of Object.entries(K8S_METADATA)) entry.resource[attribute] = parsed[group];
  };

  return {
    process(entry, emit) {
      const value = getField(entry, settings.parseFrom);
      if (typeof value !== 'string') {
        fail(entry, emit, `type '${typeof value}' cannot be parsed as container logs`);
        return;
      }
      const format =
        settings.format !== ''
          ? settings.format
          : DOCKER.test(value)
            ? 'docker'
            : CRIO.test(value)
              ? 'crio'
              : CONTAINERD.test(value)
                ? 'containerd'
                : '';
      try {
        if (format === 'docker') {
          const parsed: unknown = JSON.parse(value);
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
            throw new Error('the docker line is not a JSON object');
          finish(entry, { ...(parsed as Record<string, unknown>) }, rfc3339Nanos);
          emit(entry);
          return;
        }
        if (format === '')
          throw new Error(
            `failed to detect a valid container log format: entry cannot be parsed as container logs: ${value}`,
          );
        const match = (format === 'crio' ? CRIO : CONTAINERD).exec(value);
        if (match?.groups === undefined) throw new Error(`failed to parse ${format} log: regex pattern does not match`);
        finish(entry, { ...match.groups }, rfc3339Nanos);
      } catch (error) {
        fail(entry, emit, (error as Error).message);
        return;
      }
      // recombine partial CRI lines per source file
      const source = String(entry.attributes['log.file.path'] ?? '');
      const held = pending.get(source);
      const body = String(entry.body ?? '');
      if (entry.attributes['logtag'] !== 'F') {
        if (held === undefined) pending.set(source, { entry, body, since: Date.now() });
        else held.body += body;
        return;
      }
      if (held === undefined) {
        emit(entry);
        return;
      }
      pending.delete(source);
      setField(held.entry, { root: 'body', path: [], text: 'body' }, held.body + body);
      emit(held.entry);
    },
    flush(emit, now, olderThanMs = FORCE_FLUSH_MS) {
      for (const [source, held] of pending) {
        if (now - held.since < olderThanMs) continue;
        pending.delete(source);
        held.entry.body = held.body;
        emit(held.entry);
      }
    },
  };
}
