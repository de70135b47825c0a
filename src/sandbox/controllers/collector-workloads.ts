import { createHash, randomBytes } from 'node:crypto';
import { daemonSetNodes } from '../kube/node-scheduling.js';
import type { KubeObject } from '../types.js';
import { record, specOf } from './objects.js';

/**
 * The workloads the emulated operator makes for a collector (a Deployment, DaemonSet or StatefulSet named
 * `<name>-collector`, by spec.mode) and the pods each one wants, named as their controllers name them:
 * `<deployment>-<pod-template-hash>-<5 characters>`, `<daemonset>-<5 characters>`, `<statefulset>-<ordinal>`
 * (https://kubernetes.io/docs/concepts/workloads/controllers/).
 */
export const COLLECTOR_WORKLOAD_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet'] as const;
export type CollectorWorkloadKind = (typeof COLLECTOR_WORKLOAD_KINDS)[number];

export const WORKLOAD_KIND_OF_MODE: Record<string, CollectorWorkloadKind> = {
  deployment: 'Deployment',
  daemonset: 'DaemonSet',
  statefulset: 'StatefulSet',
};

export interface CollectorRef {
  name: string;
  namespace: string;
}

/** one pod a workload wants: its place (replica ordinal or node) */
export interface PodSlot {
  key: string;
  ordinal: number;
  nodeName?: string;
}

/** the alphabet Kubernetes uses for generated name suffixes (k8s.io/apimachinery/pkg/util/rand, SafeEncodeString) */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const COLLECTOR_KIND = 'OpenTelemetryCollector';

export function collectorOf(object: KubeObject): CollectorRef | undefined {
  const owner = object.metadata.ownerReferences?.find((reference) => reference.kind === COLLECTOR_KIND);
  return owner === undefined ? undefined : { name: owner.name, namespace: object.metadata.namespace ?? 'default' };
}

export function workloadKey(workload: KubeObject): string {
  return `${workload.kind}/${workload.metadata.namespace ?? 'default'}/${workload.metadata.name}`;
}

function replicasOf(workload: KubeObject): number {
  const replicas = specOf(workload).replicas;
  return typeof replicas === 'number' ? Math.max(0, replicas) : 1;
}

/** the pods a workload wants now: one per replica, or (DaemonSet) one per node its template fits */
export function podSlots(workload: KubeObject, nodes: readonly KubeObject[]): PodSlot[] {
  const key = workloadKey(workload);
  if (workload.kind === 'DaemonSet') {
    return daemonSetNodes(workload, nodes).map((node, ordinal) => ({
      key: `${key}#${node.metadata.name}`,
      ordinal,
      nodeName: node.metadata.name,
    }));
  }
  const candidates = schedulableNodes(workload, nodes);
  return Array.from({ length: replicasOf(workload) }, (_, ordinal) => {
    const node = candidates.length === 0 ? undefined : candidates[ordinal % candidates.length];
    return { key: `${key}#${ordinal}`, ordinal, ...(node === undefined ? {} : { nodeName: node.metadata.name }) };
  });
}

/**
 * Where the scheduler may put a replica: Ready, uncordoned nodes whose taints the template tolerates (as for
 * DaemonSets); on a cluster of Fargate nodes only, those (Fargate runs each pod on a node of its own).
 */
function schedulableNodes(workload: KubeObject, nodes: readonly KubeObject[]): KubeObject[] {
  const fitting = daemonSetNodes(workload, nodes);
  if (fitting.length > 0) return fitting;
  return nodes.filter((node) => node.metadata.labels?.['eks.amazonaws.com/compute-type'] === 'fargate');
}

/** a new pod name for the slot */
export function podName(workload: KubeObject, slot: PodSlot): string {
  const name = workload.metadata.name;
  if (workload.kind === 'StatefulSet') return `${name}-${slot.ordinal}`;
  if (workload.kind === 'DaemonSet') return `${name}-${suffix(5)}`;
  return `${name}-${templateHash(workload)}-${suffix(5)}`;
}

/** the pod-template-hash label value: a hash of the template, in the suffix alphabet */
export function templateHash(workload: KubeObject): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(record(specOf(workload).template)))
    .digest();
  return [...digest.subarray(0, 10)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

/** a generated name's random suffix, as Kubernetes makes them */
export function suffix(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
}
