/**
 * What k8sattributes knows of a pod: how it is identified (its IP, uid, name and namespace, the association
 * sources' values) and the resource attributes it gives (processor/k8sattributesprocessor internal/kube/client.go):
 * pod name, uid, start time, hostname and IP, namespace, node, the controller chain from ownerReferences (a
 * ReplicaSet's deployment is its name without the pod-template-hash suffix, a Job's cron job its name without the
 * schedule suffix), container image name and tag (and id) for the container the resource names in
 * k8s.container.name, and the labels and annotations the extract rules ask for.
 */
import type { FieldRule } from './settings.js';

export interface PodInfo {
  name: string;
  namespace: string;
  uid: string;
  ip?: string;
  nodeName?: string;
  startTime?: string;
  hostname?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  owners: { kind: string; name: string; uid: string }[];
  containers: Map<string, { image?: string; id?: string }>;
}

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (typeof value === 'object' && value !== null ? (value as Json) : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export function podInfo(object: unknown): PodInfo | undefined {
  const metadata = record(record(object)['metadata']);
  const spec = record(record(object)['spec']);
  const status = record(record(object)['status']);
  const name = text(metadata['name']);
  const namespace = text(metadata['namespace']);
  if (name === undefined || namespace === undefined) return undefined;
  const containers = new Map<string, { image?: string; id?: string }>();
  for (const container of (spec['containers'] as unknown[] | undefined) ?? []) {
    const containerName = text(record(container)['name']);
    const image = text(record(container)['image']);
    if (containerName !== undefined) containers.set(containerName, image === undefined ? {} : { image });
  }
  for (const containerStatus of (status['containerStatuses'] as unknown[] | undefined) ?? []) {
    const containerName = text(record(containerStatus)['name']);
    const id = text(record(containerStatus)['containerID'])?.replace(/^[a-z0-9-]+:\/\//, '');
    const entry = containerName === undefined ? undefined : containers.get(containerName);
    if (entry !== undefined && id !== undefined) entry.id = id;
  }
  const ip = text(status['podIP']);
  const nodeName = text(spec['nodeName']);
  const startTime = text(status['startTime']);
  const hostname = text(spec['hostname']) ?? name;
  return {
    name,
    namespace,
    uid: text(metadata['uid']) ?? '',
    ...(ip === undefined ? {} : { ip }),
    ...(nodeName === undefined ? {} : { nodeName }),
    ...(startTime === undefined ? {} : { startTime }),
    hostname,
    labels: Object.fromEntries(Object.entries(record(metadata['labels'])).map(([key, value]) => [key, String(value)])),
    annotations: Object.fromEntries(
      Object.entries(record(metadata['annotations'])).map(([key, value]) => [key, String(value)]),
    ),
    owners: ((metadata['ownerReferences'] as unknown[] | undefined) ?? []).map((owner) => ({
      kind: text(record(owner)['kind']) ?? '',
      name: text(record(owner)['name']) ?? '',
      uid: text(record(owner)['uid']) ?? '',
    })),
    containers,
  };
}

/** The value of an association source for this pod (what a resource attribute of that name must equal). */
export function identifierValue(pod: PodInfo, source: { from: string; name?: string }): string | undefined {
  if (source.from === 'connection') return pod.ip;
  switch (source.name) {
    case 'k8s.pod.ip':
    case 'ip':
    case 'host.name':
      return pod.ip;
    case 'k8s.pod.uid':
      return pod.uid;
    case 'k8s.pod.name':
      return pod.name;
    case 'k8s.namespace.name':
      return pod.namespace;
    case 'k8s.pod.hostname':
      return pod.hostname;
    default:
      return undefined;
  }
}

function extracted(
  rules: readonly FieldRule[],
  values: Record<string, string>,
  kind: 'labels' | 'annotations',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of rules) {
    for (const [key, value] of Object.entries(values)) {
      let name: string | undefined;
      if (rule.key !== undefined) {
        if (key !== rule.key) continue;
        name = rule.tagName ?? `k8s.pod.${kind}.${key}`;
      } else if (rule.keyRegex !== undefined) {
        const match = rule.keyRegex.exec(key);
        if (match === null) continue;
        name =
          rule.tagName === undefined
            ? `k8s.pod.${kind}.${key}`
            : rule.tagName.replace(/\$(\d+)/g, (_, group: string) => match[Number(group)] ?? '');
      }
      if (name === undefined) continue;
      const picked = rule.regex === undefined ? value : rule.regex.exec(value)?.groups?.['value'];
      if (picked !== undefined) out[name] = picked;
    }
  }
  return out;
}

/** The resource attributes the pod gives; `containerName` is the resource's k8s.container.name. */
export function podAttributes(
  pod: PodInfo,
  metadata: readonly string[],
  rules: { labels: readonly FieldRule[]; annotations: readonly FieldRule[] },
  containerName: string | undefined,
): Record<string, string> {
  const all: Record<string, string | undefined> = {
    'k8s.pod.name': pod.name,
    'k8s.pod.uid': pod.uid,
    'k8s.pod.hostname': pod.hostname,
    'k8s.pod.start_time': pod.startTime,
    'k8s.pod.ip': pod.ip,
    'k8s.namespace.name': pod.namespace,
    'k8s.node.name': pod.nodeName,
  };
  for (const owner of pod.owners) {
    const kind = owner.kind.toLowerCase();
    if (['replicaset', 'daemonset', 'statefulset', 'job'].includes(kind)) {
      all[`k8s.${kind}.name`] = owner.name;
      all[`k8s.${kind}.uid`] = owner.uid;
    }
    if (kind === 'replicaset') {
      const hash = pod.labels['pod-template-hash'];
      all['k8s.deployment.name'] =
        hash !== undefined && owner.name.endsWith(`-${hash}`) ? owner.name.slice(0, -hash.length - 1) : undefined;
    }
    if (kind === 'job') {
      const cron = /^(.+)-\d+$/.exec(owner.name);
      if (cron !== null) all['k8s.cronjob.name'] = cron[1];
    }
  }
  const container = containerName === undefined ? undefined : pod.containers.get(containerName);
  if (container?.image !== undefined) {
    const withoutDigest = container.image.split('@')[0] ?? container.image;
    const colon = withoutDigest.lastIndexOf(':');
    const tagged = colon > withoutDigest.lastIndexOf('/');
    all['container.image.name'] = tagged ? withoutDigest.slice(0, colon) : withoutDigest;
    all['container.image.tag'] = tagged ? withoutDigest.slice(colon + 1) : 'latest';
  }
  if (container?.id !== undefined) all['container.id'] = container.id;
  const out: Record<string, string> = {};
  for (const field of metadata) {
    const value = all[field];
    if (value !== undefined && field !== 'k8s.container.name') out[field] = value;
  }
  return {
    ...out,
    ...extracted(rules.labels, pod.labels, 'labels'),
    ...extracted(rules.annotations, pod.annotations, 'annotations'),
  };
}
