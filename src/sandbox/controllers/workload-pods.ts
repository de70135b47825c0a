import { randomUUID } from 'node:crypto';
import { replicaSetHash } from '../seed/deployment-status.js';
import type { ClusterStore, KubeObject } from '../types.js';
import { COLLECTOR_WORKLOAD_KINDS, podSlots, suffix, templateHash, type PodSlot } from './collector-workloads.js';
import { emulatedPod } from './emulated-pods.js';
import { array, conditionOf, record, specOf, statusOf } from './objects.js';
import { StoreController } from './store-controller.js';

/** one pod the controller keeps for a workload's slot */
interface PodEntry {
  name: string;
  uid: string;
  /** what it was made from; a change replaces it, as a rollout does */
  basis: string;
  startTime: string;
  podIP?: string;
  /** what was last written: running or pending (undefined until it is in the store) */
  written?: boolean;
}

/**
 * The pods of the workloads the sandbox emulates without running them (every Deployment, DaemonSet and StatefulSet
 * but those whose pods the collector runtime makes), so that `kubectl get pods`, `describe pod` and `logs deploy/…`
 * find what they find on a cluster. A workload has as many pods as its status says it has created (Deployment and
 * StatefulSet status.replicas, DaemonSet currentNumberScheduled), the first readyReplicas / numberReady of them
 * Running and Ready, the others Pending; none while its controller cannot create them (a missing service account).
 * Each sits on the node of its slot (podSlots), is named as its controller names pods (`<deployment>-<hash>-<5>`,
 * `<daemonset>-<5>`, `<statefulset>-<ordinal>`), and is replaced — new name and uid — when the pod template
 * changes or someone deletes it. Its address is a loopback address of its own (the node's for a hostNetwork pod),
 * stable for the pod's life, which the Endpoints of a Service selecting it carry.
 */
export class WorkloadPodsController extends StoreController {
  private readonly pods = new Map<string, PodEntry>();
  private nextAddress = 2;

  constructor(
    store: ClusterStore,
    /** the workloads whose pods something else makes (the collector runtime's) */
    private readonly runsItself: (workload: KubeObject) => boolean = () => false,
  ) {
    super(store);
  }

  protected reconcile(): void {
    const nodes = this.store.list('v1', 'Node');
    const wanted = new Set<string>();
    for (const kind of COLLECTOR_WORKLOAD_KINDS) {
      for (const workload of this.store.list('apps/v1', kind)) {
        if (this.runsItself(workload)) continue;
        const { created, ready } = podCounts(workload);
        const slots = podSlots(workload, nodes).slice(0, created);
        slots.forEach((slot, index) => {
          wanted.add(slot.key);
          this.keep(workload, slot, index < ready, nodes);
        });
      }
    }
    for (const [key, entry] of this.pods) {
      if (wanted.has(key)) continue;
      this.pods.delete(key);
      this.removePod(key, entry);
    }
  }

  private keep(workload: KubeObject, slot: PodSlot, running: boolean, nodes: readonly KubeObject[]): void {
    const namespace = workload.metadata.namespace ?? 'default';
    const basis = JSON.stringify([workload.metadata.uid, record(specOf(workload).template), slot.nodeName ?? null]);
    let entry = this.pods.get(slot.key);
    const stored = entry === undefined ? undefined : this.store.get('v1', 'Pod', entry.name, namespace);
    const deleted = entry?.written !== undefined && stored?.metadata.uid !== entry.uid;
    if (entry === undefined || entry.basis !== basis || deleted) {
      if (entry !== undefined && !deleted) this.removePod(slot.key, entry, namespace);
      entry = {
        name: podNameFor(workload, slot),
        uid: randomUUID(),
        basis,
        startTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      };
      this.pods.set(slot.key, entry);
    }
    if (entry.written === running) return;
    const node = nodes.find((candidate) => candidate.metadata.name === slot.nodeName);
    const hostIP = node === undefined ? undefined : internalIP(node);
    const hostNetwork = record(record(specOf(workload).template).spec).hostNetwork === true;
    if (running && entry.podIP === undefined) entry.podIP = hostNetwork ? hostIP : this.allocateAddress();
    this.store.put(
      emulatedPod(workload, {
        name: entry.name,
        uid: entry.uid,
        startTime: entry.startTime,
        hashLabel: hashLabelOf(workload),
        ...(slot.nodeName === undefined ? {} : { nodeName: slot.nodeName }),
        ...(hostIP === undefined ? {} : { hostIP }),
        ...(running && entry.podIP !== undefined ? { podIP: entry.podIP } : {}),
        running,
      }),
    );
    entry.written = running;
  }

  private removePod(key: string, entry: PodEntry, namespace = key.split('/')[1] ?? 'default'): void {
    if (this.store.get('v1', 'Pod', entry.name, namespace)?.metadata.uid === entry.uid) {
      this.store.remove('v1', 'Pod', entry.name, namespace);
    }
  }

  private allocateAddress(): string {
    const index = this.nextAddress;
    this.nextAddress += 1;
    return `127.0.${Math.floor(index / 254) % 256}.${(index % 254) + 1}`;
  }
}

/** how many pods the workload's controller has created, and how many of them are ready, by its status */
function podCounts(workload: KubeObject): { created: number; ready: number } {
  const status = statusOf(workload);
  const count = (value: unknown) => (typeof value === 'number' ? Math.max(0, value) : 0);
  if (workload.kind === 'DaemonSet') {
    return { created: count(status.currentNumberScheduled), ready: count(status.numberReady) };
  }
  if (workload.kind === 'Deployment' && conditionOf(workload, 'ReplicaFailure')?.status === 'True') {
    return { created: 0, ready: 0 };
  }
  return { created: count(status.replicas), ready: count(status.readyReplicas) };
}

/**
 * `<deployment>-<pod-template-hash>-<5>` with the hash the Deployment's status names its ReplicaSet by,
 * `<daemonset>-<5>`, `<statefulset>-<ordinal>` (collector-workloads.ts podName)
 */
function podNameFor(workload: KubeObject, slot: PodSlot): string {
  const five = suffix(5);
  const name = workload.metadata.name;
  if (workload.kind === 'StatefulSet') return `${name}-${slot.ordinal}`;
  if (workload.kind === 'DaemonSet') return `${name}-${five}`;
  return `${name}-${replicaSetHash(name, workload.metadata.generation ?? 1)}-${five}`;
}

/**
 * The label the controller stamps on its pods: pod-template-hash (the ReplicaSet's hash) for a Deployment's,
 * controller-revision-hash for a DaemonSet's or StatefulSet's
 * (https://kubernetes.io/docs/reference/labels-annotations-taints/)
 */
function hashLabelOf(workload: KubeObject): { key: string; value: string } {
  if (workload.kind === 'Deployment') {
    return {
      key: 'pod-template-hash',
      value: replicaSetHash(workload.metadata.name, workload.metadata.generation ?? 1),
    };
  }
  return { key: 'controller-revision-hash', value: templateHash(workload).slice(0, 10) };
}

function internalIP(node: KubeObject): string | undefined {
  const address = array(statusOf(node).addresses)
    .map(record)
    .find((candidate) => candidate.type === 'InternalIP');
  return typeof address?.address === 'string' ? address.address : undefined;
}
