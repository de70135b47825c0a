/**
 * `GET /api/v1/namespaces/{namespace}/pods/{name}/log`, what `kubectl logs` reads: the API server checks the
 * options and the container (pkg/registry/core/pod/strategy.go LogLocation, validateContainer;
 * pkg/apis/core/validation ValidatePodLogOptions), then the kubelet reads the container's current log file
 * (pkg/kubelet/kuberuntime/logs/logs.go ReadLogs): `tailLines` counts the file's lines from its end, `sinceSeconds` /
 * `sinceTime` drop older lines, `timestamps` prefixes each line with its time in RFC3339NanoFixed, `limitBytes` cuts
 * the output. Only the current file is read (rotated ones are not, as with the kubelet).
 *
 * A container the sandbox does not run (an emulated workload's) answers one line saying the sandbox has no log of
 * it, whatever the options; a container waiting to start is refused as the kubelet refuses it.
 *
 * Not emulated: `follow` is answered with what the file holds now and the response ends (kubectl -f then exits);
 * `previous` finds no terminated container (the sandbox's containers never restart); the `stream` option.
 */
import type { KubeObject } from '../types.js';
import { badRequest, invalid, KubeApiError, notFound } from './status.js';

export interface PodLogSource {
  /** the CRI lines of the container's current log file, or undefined when the sandbox runs no such container */
  read(pod: KubeObject, container: string): string | undefined;
}

interface LogOptions {
  container: string;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  sinceTime?: number;
}

/** the message an API server answers for a pod not found */
export function podNotFound(name: string): KubeApiError {
  return notFound('pods', '', name);
}

/** The log a GET of pods/log answers for `pod`; throws the KubeApiError the API server or the kubelet would answer. */
export function podLog(pod: KubeObject, query: URLSearchParams, source: PodLogSource | undefined, now: Date): string {
  const name = pod.metadata.name;
  const options = logOptions(query, name);
  const container = validContainer(pod, options.container);
  if (typeof (pod.spec as { nodeName?: unknown } | undefined)?.nodeName !== 'string') return '';
  if (options.previous) {
    throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  }
  const waiting = waitingReason(pod, container);
  if (waiting !== undefined) {
    // the kubelet's validateContainerLogStatus (pkg/kubelet/kubelet_pods.go)
    throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${waiting}`);
  }
  const text = source?.read(pod, container);
  if (text === undefined) return noLogLine(pod, container);
  return render(text, options, now.getTime());
}

/**
 * What a log request of a container the sandbox does not run answers at once: one line saying so. Such a pod is
 * emulated (cert-manager, the operator, …); what its process would have printed the sandbox cannot know, so it
 * invents nothing.
 */
export function noLogLine(pod: KubeObject, container: string): string {
  const where = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
  return `adot sandbox: container "${container}" of pod ${where} is emulated, not run: the sandbox has no log of it (it keeps the logs of the collectors it runs and of the demo workload only)\n`;
}

function waitingReason(pod: KubeObject, container: string): string | undefined {
  const statuses = (pod.status as { containerStatuses?: unknown } | undefined)?.containerStatuses;
  if (!Array.isArray(statuses)) return undefined;
  const status = (statuses as { name?: unknown; state?: { waiting?: { reason?: unknown } } }[]).find(
    (candidate) => candidate.name === container,
  );
  const waiting = status?.state?.waiting;
  if (waiting === undefined) return undefined;
  return typeof waiting.reason === 'string' ? waiting.reason : '';
}

function integer(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null) return undefined;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  return Number(raw);
}

function flag(query: URLSearchParams, key: string): boolean {
  const raw = query.get(key);
  return raw !== null && ['true', '1', 't', 'T', 'TRUE', 'True'].includes(raw);
}

function logOptions(query: URLSearchParams, name: string): LogOptions {
  const tailLines = integer(query, 'tailLines');
  const limitBytes = integer(query, 'limitBytes');
  const sinceSeconds = integer(query, 'sinceSeconds');
  const sinceRaw = query.get('sinceTime');
  const sinceTime = sinceRaw === null ? undefined : Date.parse(sinceRaw);
  if (sinceTime !== undefined && Number.isNaN(sinceTime)) {
    throw badRequest(`parsing time ${JSON.stringify(sinceRaw)} as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  const causes: { field: string; message: string; type?: string }[] = [];
  if (tailLines !== undefined && tailLines < 0) {
    causes.push({ field: 'tailLines', message: `Invalid value: ${tailLines}: must be greater than or equal to 0` });
  }
  if (limitBytes !== undefined && limitBytes < 1) {
    causes.push({ field: 'limitBytes', message: `Invalid value: ${limitBytes}: must be greater than 0` });
  }
  if (sinceSeconds !== undefined && sinceTime !== undefined) {
    causes.push({
      field: '',
      message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified',
      type: 'FieldValueForbidden',
    });
  } else if (sinceSeconds !== undefined && sinceSeconds < 1) {
    causes.push({ field: 'sinceSeconds', message: `Invalid value: ${sinceSeconds}: must be greater than 0` });
  }
  if (causes.length > 0) throw invalid('PodLogOptions', '', name, causes);
  return {
    container: query.get('container') ?? '',
    previous: flag(query, 'previous'),
    timestamps: flag(query, 'timestamps'),
    ...(tailLines === undefined ? {} : { tailLines }),
    ...(limitBytes === undefined ? {} : { limitBytes }),
    ...(sinceSeconds === undefined ? {} : { sinceSeconds }),
    ...(sinceTime === undefined ? {} : { sinceTime }),
  };
}

function containerNames(pod: KubeObject): string[] {
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap((key) =>
    Array.isArray(spec[key])
      ? (spec[key] as { name?: unknown }[]).flatMap((container) =>
          typeof container.name === 'string' ? [container.name] : [],
        )
      : [],
  );
}

/** strategy.go validateContainer */
function validContainer(pod: KubeObject, requested: string): string {
  const name = pod.metadata.name;
  if (requested !== '') {
    if (!containerNames(pod).includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${name}`);
    }
    return requested;
  }
  const containers = ((pod.spec as { containers?: { name?: unknown }[] } | undefined)?.containers ?? []).map(
    (container) => String(container.name),
  );
  if (containers.length === 1) return containers[0] ?? '';
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  throw badRequest(
    `a container name must be specified for pod ${name}, choose one of: [${containerNames(pod).join(' ')}]`,
  );
}

const CRI_LINE =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2}) (stdout|stderr) ([^ ]*) ?(.*)$/s;

/** ReadLogs: the newest tailLines lines, those since the given time, with or without timestamps, cut at limitBytes */
function render(text: string, options: LogOptions, nowMs: number): string {
  let lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (options.tailLines !== undefined) lines = options.tailLines === 0 ? [] : lines.slice(-options.tailLines);
  const since =
    options.sinceTime ?? (options.sinceSeconds === undefined ? undefined : nowMs - options.sinceSeconds * 1000);
  let out = '';
  for (const line of lines) {
    const match = CRI_LINE.exec(line);
    if (match === null) continue;
    const [, seconds = '', fraction = '', zone = 'Z', , tag = '', content = ''] = match;
    const secondMs = Date.parse(`${seconds}${zone}`);
    const ms = secondMs + Number(fraction.padEnd(3, '0').slice(0, 3));
    if (since !== undefined && ms < since) continue;
    const partial = tag.split(':')[0] === 'P';
    const stamp = options.timestamps
      ? `${new Date(secondMs).toISOString().slice(0, 19)}.${fraction.padEnd(9, '0')}Z `
      : '';
    out += `${stamp}${content}${partial ? '' : '\n'}`;
  }
  if (options.limitBytes !== undefined) {
    const bytes = Buffer.from(out, 'utf8');
    if (bytes.length > options.limitBytes) return bytes.subarray(0, options.limitBytes).toString('utf8');
  }
  return out;
}
