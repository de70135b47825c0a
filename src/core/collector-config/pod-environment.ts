/**
 * The environment a collector pod's container gets from its OpenTelemetryCollector resource, as the kubelet builds
 * it: `spec.env` in order (a later entry of the same name wins), then what the operator adds to the container.
 *
 * - `value` may refer to variables defined earlier in the list as `$(NAME)`; `$$(NAME)` is a literal `$(NAME)` and an
 *   unresolvable reference stays as written (Kubernetes "Define Dependent Environment Variables",
 *   https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/, and
 *   k8s.io/kubernetes third_party/forked/golang/expansion/expand.go).
 * - `valueFrom.fieldRef.fieldPath`: metadata.name, metadata.namespace, metadata.uid, metadata.labels['…'],
 *   metadata.annotations['…'], spec.nodeName, spec.serviceAccountName, status.podIP, status.hostIP — from the pod
 *   facts given (Kubernetes "Expose Pod Information to Containers Through Environment Variables",
 *   https://kubernetes.io/docs/concepts/workloads/pods/downward-api/); a fact not given leaves the variable defined
 *   with an unknown value. `secretKeyRef`, `configMapKeyRef` and `resourceFieldRef` define the variable with an
 *   unknown value.
 * - The operator appends `POD_NAME` (fieldRef metadata.name) to every collector container, and `SHARD=0` when the
 *   target allocator is enabled (opentelemetry-operator internal/manifests/collector/container.go,
 *   https://github.com/open-telemetry/opentelemetry-operator/blob/main/internal/manifests/collector/container.go).
 */
import type { KnownEnvironment } from './env-references.js';
import { isRecord, type ConfigProblem } from './types.js';

/** What the pod knows about itself; the sandbox's operator fills in all of them, doctor what it can see. */
export interface PodFacts {
  name?: string;
  namespace?: string;
  uid?: string;
  nodeName?: string;
  serviceAccountName?: string;
  podIP?: string;
  hostIP?: string;
  labels?: Readonly<Record<string, string>>;
  annotations?: Readonly<Record<string, string>>;
}

export interface ContainerEnvironmentOptions {
  /** spec.targetAllocator.enabled: the operator adds SHARD=0 */
  targetAllocator?: boolean;
  /** where `spec.env` sits, for problem paths (default `spec.env`) */
  path?: string;
}

export interface ContainerEnvironment {
  /** every defined variable; undefined when its value cannot be known here */
  values: Record<string, string | undefined>;
  /** entries Kubernetes would refuse or that name a field no pod has */
  problems: ConfigProblem[];
}

const SIMPLE_FIELDS: Record<string, keyof PodFacts> = {
  'metadata.name': 'name',
  'metadata.namespace': 'namespace',
  'metadata.uid': 'uid',
  'spec.nodeName': 'nodeName',
  'spec.serviceAccountName': 'serviceAccountName',
  'status.podIP': 'podIP',
  'status.hostIP': 'hostIP',
};
const MAP_FIELD = /^metadata\.(labels|annotations)\['([^']+)'\]$/;

/** The value a downward-API field path gives, undefined when the facts do not say; null for an unknown path. */
export function podFieldValue(fieldPath: string, pod: PodFacts): string | undefined | null {
  const simple = SIMPLE_FIELDS[fieldPath];
  if (simple !== undefined) return pod[simple] as string | undefined;
  if (fieldPath === 'status.podIPs') return pod.podIP;
  if (fieldPath === 'status.hostIPs') return pod.hostIP;
  const map = MAP_FIELD.exec(fieldPath);
  if (map !== null) {
    const values = map[1] === 'labels' ? pod.labels : pod.annotations;
    return values === undefined ? undefined : (values[map[2] ?? ''] ?? '');
  }
  return null;
}

/** Kubernetes' `$(NAME)` expansion of an env `value` over the variables defined before it. */
export function expandDependentValue(input: string, defined: KnownEnvironment): string {
  let output = '';
  for (let cursor = 0; cursor < input.length; cursor++) {
    const char = input[cursor];
    if (char !== '$' || cursor + 1 >= input.length) {
      output += char;
      continue;
    }
    const next = input[cursor + 1];
    if (next === '$') {
      output += '$';
      cursor += 1;
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close < 0) {
        output += '$(';
        cursor += 1;
        continue;
      }
      const name = input.slice(cursor + 2, close);
      const value = Object.hasOwn(defined, name) ? defined[name] : undefined;
      output += value ?? `$(${name})`;
      cursor = close;
    } else {
      output += `$${next}`;
      cursor += 1;
    }
  }
  return output;
}

export function containerEnvironment(
  specEnv: unknown,
  pod: PodFacts,
  options: ContainerEnvironmentOptions = {},
): ContainerEnvironment {
  const base = options.path ?? 'spec.env';
  const values: Record<string, string | undefined> = {};
  const problems: ConfigProblem[] = [];
  const entries = specEnv === undefined || specEnv === null ? [] : specEnv;
  if (!Array.isArray(entries)) {
    problems.push({ path: base, message: 'spec.env must be a list of {name, value | valueFrom}' });
    return { values, problems };
  }
  entries.forEach((entry: unknown, index) => {
    const path = `${base}[${index}]`;
    const name = isRecord(entry) ? entry.name : undefined;
    if (!isRecord(entry) || typeof name !== 'string' || name === '') {
      problems.push({ path: `${path}.name`, message: 'an environment variable needs a name' });
      return;
    }
    const from = entry.valueFrom;
    if (from !== undefined && from !== null) {
      values[name] = valueFrom(from, pod, `${path}.valueFrom`, problems);
      return;
    }
    values[name] = typeof entry.value === 'string' ? expandDependentValue(entry.value, values) : '';
  });
  values['POD_NAME'] = pod.name;
  if (options.targetAllocator === true) values['SHARD'] = '0';
  return { values, problems };
}

function valueFrom(from: unknown, pod: PodFacts, path: string, problems: ConfigProblem[]): string | undefined {
  if (!isRecord(from)) {
    problems.push({ path, message: 'valueFrom must be a mapping' });
    return undefined;
  }
  const fieldRef = from.fieldRef;
  if (isRecord(fieldRef)) {
    const fieldPath = typeof fieldRef.fieldPath === 'string' ? fieldRef.fieldPath : '';
    const value = podFieldValue(fieldPath, pod);
    if (value === null) {
      problems.push({
        path: `${path}.fieldRef.fieldPath`,
        message: `"${fieldPath}" is not a field the downward API exposes as an environment variable`,
        hint: 'e.g. spec.nodeName, metadata.name, metadata.namespace, status.podIP',
      });
      return undefined;
    }
    return value;
  }
  // secretKeyRef, configMapKeyRef, resourceFieldRef: defined, but not readable here
  return undefined;
}
