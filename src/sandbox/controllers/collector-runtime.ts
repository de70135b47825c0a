/**
 * Runs the collectors of the sandbox's OpenTelemetryCollector workloads as real `adot collector run` pipelines and
 * reports what they do back into the store (pod health, listeners, restarts on config change). Over ~400 lines on
 * purpose: one controller owns each instance's whole life (start, reconfigure, restart, stop) and its state; split
 * across files, that state would have to be shared between them. Pod objects, wiring and ports are already apart
 * (collector-pods.ts, collector-pod-wiring.ts, collector-ports.ts).
 */
import { randomUUID } from 'node:crypto';
import type { CollectorResource, CollectorStatus } from '../../collector/supervisor.js';
import type { PodRef } from '../pods/container-logs.js';
import type { InjectedCredentials } from '../pods/pod-credentials.js';
import type { ClusterStore, KubeObject } from '../types.js';
import {
  collectorPodMounts,
  serviceAccountOf,
  stringMap,
  type CollectorPodIdentity,
  type CollectorPodNodes,
} from './collector-pod-wiring.js';
import { collectorPod } from './collector-pods.js';
import { collectorServicePorts, type PortSource } from './collector-ports.js';
import {
  COLLECTOR_WORKLOAD_KINDS,
  collectorOf,
  podName,
  podSlots,
  workloadKey,
  type CollectorRef,
  type PodSlot,
} from './collector-workloads.js';
import type { ServiceListeners } from './endpoints.js';
import { array, isDeploymentAvailable, record, specOf } from './objects.js';
import { COLLECTOR_GROUP_VERSION, COLLECTOR_KIND } from './operator.js';
import type { PodHealth } from './rollout.js';
import { StoreController } from './store-controller.js';

export type { CollectorPodIdentity, CollectorPodNodes } from './collector-pod-wiring.js';

/** On a collector's Service: JSON map receiver id -> host:port where the sandbox's collector really listens. */
export const LISTENERS_ANNOTATION = 'sandbox.adot.dev/listeners';

/** What runs the collectors (CollectorSupervisor): one per pod, restarted when what it was started from changes. */
export interface CollectorRunner {
  reconcile(resources: readonly CollectorResource[]): Promise<void>;
  status(name: string, namespace?: string, instance?: string): CollectorStatus | undefined;
}

/** one pod of a collector workload, and the collector run for it */
interface Instance {
  slot: PodSlot;
  workload: string;
  workloadUid: string;
  collector: CollectorRef;
  pod: string;
  uid: string;
  /** what it was made from; a change replaces it (template, config, identity wiring, node) */
  basis: string;
  injected: InjectedCredentials | undefined;
  startTime: string;
  /** its Pod object was put in the store (so its absence means someone deleted it) */
  published: boolean;
  /** where it runs, once on a node */
  node?: PodRef;
  resource: CollectorResource;
}

/**
 * The collector pods of the emulated operator, made real. Once a collector's workload has rolled out (the rollout
 * controllers ask podHealth), each pod it wants (podSlots: replicas, or one per node for a DaemonSet) gets a
 * collector of its own, started from the operator's ConfigMap with the pod's facts, spec.env and the credentials
 * EKS would inject for its service account. A pod is replaced — a new name or uid, new tokens, a restarted
 * collector — when the pod template, the configuration or the service account's IRSA annotation or Pod Identity
 * association changes, or when its Pod is deleted, as a rollout or a ReplicaSet would. Where collectors listen is
 * published on their Service (LISTENERS_ANNOTATION) and, through listenersOf, in its Endpoints; a collector that cannot
 * start keeps its workload unavailable with the reason.
 */
export class CollectorRuntimeController extends StoreController {
  /** workload key -> uid of the workload admitted to run */
  private readonly admitted = new Map<string, string>();
  private readonly instances = new Map<string, Instance>();
  /** pods retired whose collectors may still be stopping: their credentials stay until the runner stopped them */
  private retiring: { namespace: string; pod: string }[] = [];
  private requested = '[]';
  private stopped = false;
  private inFlight = 0;

  constructor(
    store: ClusterStore,
    private readonly runner: CollectorRunner,
    /** called after the runner started or stopped collectors, for controllers that read its state */
    private readonly onRuntimeChange: () => void,
    private readonly identity?: CollectorPodIdentity,
    private readonly nodes?: CollectorPodNodes,
  ) {
    super(store);
  }

  override stop(): void {
    this.stopped = true;
    super.stop();
    for (const instance of this.instances.values()) {
      this.identity?.remove(instance.collector.namespace, instance.pod);
      if (instance.node !== undefined) this.nodes?.removed(instance.node);
    }
    this.release(this.retiring.splice(0));
  }

  /** a retired pod's tokens and credential files go once its collector stopped, as a kubelet unmounts after exit */
  private release(pods: readonly { namespace: string; pod: string }[]): void {
    for (const { namespace, pod } of pods) {
      // a StatefulSet's replacement pod has the same name: its files are its own now
      const reused = [...this.instances.values()].some(
        (instance) => instance.collector.namespace === namespace && instance.pod === pod,
      );
      if (!reused) this.identity?.remove(namespace, pod);
    }
  }

  /** Resolves once the collectors asked for so far have started or stopped (or after timeoutMs). */
  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (let quietTicks = 0; quietTicks < 3 && !this.stopped && Date.now() < deadline;) {
      await tick();
      quietTicks = this.inFlight === 0 ? quietTicks + 1 : 0;
      if (this.inFlight > 0) await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
  }

  /** For the rollout controllers: a collector workload is up when the collectors of all its pods run. */
  podHealth(workload: KubeObject): PodHealth {
    if (collectorOf(workload) === undefined) return { ready: true };
    const key = workloadKey(workload);
    if (this.admitted.get(key) !== workload.metadata.uid) {
      this.admitted.set(key, workload.metadata.uid ?? '');
      this.requestReconcile();
      return { ready: false };
    }
    const mine = [...this.instances.values()].filter((instance) => instance.workload === key);
    const statuses = mine.map((instance) => this.statusOf(instance));
    const failed = statuses.find((status) => status !== undefined && !status.running);
    if (failed !== undefined) {
      return { ready: false, failure: `the collector did not start: ${failed.error ?? 'unknown error'}` };
    }
    if (statuses.some((status) => status === undefined)) return { ready: false };
    return { ready: true };
  }

  /** For the endpoints controller: one entry per running pod of a collector Service, where its ports listen. */
  listenersOf(service: KubeObject): ServiceListeners[] | undefined {
    const owner = collectorOf(service);
    const collector = owner === undefined ? undefined : this.collector(owner);
    if (owner === undefined || collector === undefined) return undefined;
    const spec = specOf(collector);
    const listeners: ServiceListeners[] = [];
    for (const instance of this.sortedInstances(owner)) {
      const status = this.statusOf(instance);
      if (status?.running !== true) continue;
      const ports: Record<string, number> = {};
      let ip: string | undefined;
      for (const port of collectorServicePorts(spec.config, spec.ports)) {
        const address = port.source === undefined ? undefined : listenerOf(port.source, status);
        const parsed = address === undefined ? undefined : splitHostPort(address);
        if (parsed === undefined) continue;
        ip ??= parsed.host;
        ports[port.name] = parsed.port;
      }
      if (ip !== undefined) listeners.push({ ip, ports, pod: instance.pod });
    }
    return listeners;
  }

  protected reconcile(): void {
    const nodes = this.store.list('v1', 'Node');
    const wanted = new Map<
      string,
      { workload: KubeObject; slot: PodSlot; basis: string; resource: CollectorResource }
    >();
    for (const workload of this.collectorWorkloads()) {
      const key = workloadKey(workload);
      // a collector Deployment seeded as Available runs too
      if (!this.admitted.has(key) && workload.kind === 'Deployment' && isDeploymentAvailable(workload)) {
        this.admitted.set(key, workload.metadata.uid ?? '');
      }
      if (this.admitted.get(key) !== workload.metadata.uid) continue;
      for (const slot of podSlots(workload, nodes)) {
        const planned = this.plan(workload, slot);
        if (planned !== undefined) wanted.set(slot.key, { workload, slot, ...planned });
      }
    }
    for (const key of [...this.admitted.keys()]) {
      if (![...wanted.values()].some((entry) => workloadKey(entry.workload) === key) && !this.workloadExists(key)) {
        this.admitted.delete(key);
      }
    }
    for (const [slotKey, instance] of this.instances) {
      const want = wanted.get(slotKey);
      const deleted =
        instance.published &&
        this.store.get('v1', 'Pod', instance.pod, instance.collector.namespace)?.metadata.uid !== instance.uid;
      if (want === undefined || want.basis !== instance.basis || deleted) this.retire(slotKey, instance);
    }
    for (const [slotKey, want] of wanted) {
      if (!this.instances.has(slotKey))
        this.instances.set(slotKey, this.create(want.workload, want.slot, want.basis, want.resource));
    }
    const desired = [...this.instances.values()].map((instance) => instance.resource);
    const signature = JSON.stringify(desired);
    const released = this.retiring.splice(0);
    if (signature !== this.requested) {
      this.requested = signature;
      this.inFlight += 1;
      this.runner
        .reconcile(desired)
        .catch(() => undefined)
        .then(() => {
          this.inFlight -= 1;
          this.release(released);
          if (this.stopped) return;
          this.requestReconcile();
          this.onRuntimeChange();
        });
    } else this.release(released);
    this.publishPods();
    this.publishListeners();
  }

  /** what the slot's pod is made from, or undefined while the collector or its ConfigMap is missing */
  private plan(workload: KubeObject, slot: PodSlot): { basis: string; resource: CollectorResource } | undefined {
    const owner = collectorOf(workload);
    const collector = owner === undefined ? undefined : this.collector(owner);
    if (owner === undefined || collector === undefined) return undefined;
    const config = record(this.store.get('v1', 'ConfigMap', workload.metadata.name, owner.namespace)?.data)[
      'collector.yaml'
    ];
    if (typeof config !== 'string') return undefined;
    const template = record(specOf(workload).template);
    const account = serviceAccountOf(template);
    const serviceAccount = this.store.get('v1', 'ServiceAccount', account, owner.namespace);
    const wiring = this.identity?.wiring(owner.namespace, serviceAccount) ?? 'none';
    const spec = specOf(collector);
    const resource: CollectorResource = {
      metadata: {
        name: owner.name,
        namespace: owner.namespace,
        ...(collector.metadata.uid ? { uid: collector.metadata.uid } : {}),
      },
      spec: {
        mode: typeof spec.mode === 'string' ? spec.mode : 'deployment',
        config,
        ...(spec.env === undefined ? {} : { env: spec.env }),
        ...(spec.targetAllocator === undefined ? {} : { targetAllocator: record(spec.targetAllocator) }),
      },
    };
    const basis = JSON.stringify([
      workload.metadata.uid,
      template,
      config,
      wiring,
      slot.nodeName ?? null,
      resource.spec,
    ]);
    return { basis, resource };
  }

  private create(workload: KubeObject, slot: PodSlot, basis: string, resource: CollectorResource): Instance {
    const collector = collectorOf(workload) as CollectorRef;
    const pod = podName(workload, slot);
    const uid = randomUUID();
    const template = record(specOf(workload).template);
    const metadata = record(template.metadata);
    const templateSpec = record(template.spec);
    const account = serviceAccountOf(template);
    const serviceAccount = this.store.get('v1', 'ServiceAccount', account, collector.namespace);
    const node = slot.nodeName === undefined ? undefined : this.store.get('v1', 'Node', slot.nodeName);
    const containers = array(templateSpec.containers).map((container) => String(record(container).name));
    const injected =
      serviceAccount === undefined || this.identity === undefined
        ? undefined
        : this.identity.inject({
            namespace: collector.namespace,
            pod: { name: pod, uid },
            ...(node === undefined ? {} : { node: { name: node.metadata.name, uid: node.metadata.uid ?? '' } }),
            serviceAccount,
          });
    const ref = { namespace: collector.namespace, name: pod, uid };
    const onNode = slot.nodeName === undefined ? undefined : { ...ref, nodeName: slot.nodeName };
    if (onNode !== undefined) this.nodes?.started(onNode, containers);
    const mounts =
      this.nodes === undefined
        ? undefined
        : collectorPodMounts(this.nodes, ref, slot.nodeName, templateSpec, containers[0] ?? '', injected?.env);
    return {
      slot,
      workload: workloadKey(workload),
      workloadUid: workload.metadata.uid ?? '',
      collector,
      pod,
      uid,
      basis,
      injected,
      startTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      published: false,
      ...(onNode === undefined ? {} : { node: onNode }),
      resource: {
        ...resource,
        instance: pod,
        pod: {
          name: pod,
          namespace: collector.namespace,
          uid,
          ...(slot.nodeName === undefined ? {} : { nodeName: slot.nodeName }),
          serviceAccountName: account,
          podIP: '127.0.0.1',
          hostIP: '127.0.0.1',
          labels: stringMap(metadata.labels),
          annotations: stringMap(metadata.annotations),
        },
        ...(injected === undefined ? {} : { environment: injected.env }),
        ...(mounts === undefined ? {} : { mounts }),
      },
    };
  }

  private retire(slotKey: string, instance: Instance): void {
    this.instances.delete(slotKey);
    const present = this.store.get('v1', 'Pod', instance.pod, instance.collector.namespace);
    if (present?.metadata.uid === instance.uid)
      this.store.remove('v1', 'Pod', instance.pod, instance.collector.namespace);
    if (instance.node !== undefined) this.nodes?.removed(instance.node);
    this.retiring.push({ namespace: instance.collector.namespace, pod: instance.pod });
  }

  /** a Pod per running collector, Running and Ready; removed while its collector does not run */
  private publishPods(): void {
    for (const instance of this.instances.values()) {
      const status = this.statusOf(instance);
      const workload = this.workload(instance.workload);
      const existing = this.store.get('v1', 'Pod', instance.pod, instance.collector.namespace);
      if (status?.running !== true || workload === undefined) {
        if (existing?.metadata.uid === instance.uid)
          this.store.remove('v1', 'Pod', instance.pod, instance.collector.namespace);
        instance.published = false;
        continue;
      }
      if (instance.published) continue;
      const config = record(
        this.store.get('v1', 'ConfigMap', workload.metadata.name, instance.collector.namespace)?.data,
      )['collector.yaml'];
      this.store.put(
        collectorPod(workload, status, config, {
          name: instance.pod,
          uid: instance.uid,
          startTime: instance.startTime,
          ...(instance.slot.nodeName === undefined ? {} : { nodeName: instance.slot.nodeName }),
          ...(instance.injected === undefined ? {} : { injected: instance.injected }),
        }),
      );
      instance.published = true;
    }
  }

  /** the listeners annotation on every collector Service: its first running pod's, absent while none runs */
  private publishListeners(): void {
    for (const service of this.store.list('v1', 'Service')) {
      const owner = collectorOf(service);
      if (owner === undefined) continue;
      const status = this.sortedInstances(owner)
        .map((instance) => this.statusOf(instance))
        .find((candidate) => candidate?.running === true);
      const wanted =
        status === undefined ? undefined : JSON.stringify(Object.fromEntries(Object.entries(status.receivers).sort()));
      const annotations = { ...(service.metadata.annotations ?? {}) };
      if (annotations[LISTENERS_ANNOTATION] === wanted) continue;
      if (wanted === undefined) delete annotations[LISTENERS_ANNOTATION];
      else annotations[LISTENERS_ANNOTATION] = wanted;
      this.store.put({ ...service, metadata: { ...service.metadata, annotations } });
    }
  }

  private sortedInstances(owner: CollectorRef): Instance[] {
    return [...this.instances.values()]
      .filter((instance) => instance.collector.name === owner.name && instance.collector.namespace === owner.namespace)
      .sort((a, b) => a.slot.ordinal - b.slot.ordinal || a.pod.localeCompare(b.pod));
  }

  private statusOf(instance: Instance): CollectorStatus | undefined {
    return this.runner.status(instance.collector.name, instance.collector.namespace, instance.pod);
  }

  private collectorWorkloads(): KubeObject[] {
    return COLLECTOR_WORKLOAD_KINDS.flatMap((kind) =>
      this.store.list('apps/v1', kind).filter((workload) => collectorOf(workload) !== undefined),
    );
  }

  private workload(key: string): KubeObject | undefined {
    const [kind = '', namespace = '', ...name] = key.split('/');
    return this.store.get('apps/v1', kind, name.join('/'), namespace);
  }

  private workloadExists(key: string): boolean {
    return this.workload(key)?.metadata.uid === this.admitted.get(key);
  }

  /** the stored collector, whatever version it is in (its ports read the same in both) */
  private collector(owner: CollectorRef): KubeObject | undefined {
    return this.store.get(COLLECTOR_GROUP_VERSION, COLLECTOR_KIND, owner.name, owner.namespace);
  }
}

/**
 * The runtime reports one address per receiver; for OTLP that is the HTTP listener when there is one, else gRPC.
 * A protocol whose listener the runtime does not report gets no Endpoints port rather than a wrong one.
 */
function listenerOf(source: PortSource, status: CollectorStatus): string | undefined {
  if (source.protocol === undefined) return status.receivers[source.receiver];
  return status.protocols[source.receiver]?.[source.protocol];
}

function splitHostPort(address: string): { host: string; port: number } | undefined {
  const match = /^(?:\[(.+)\]|(.+)):(\d+)$/.exec(address);
  if (match === null) return undefined;
  return { host: match[1] ?? match[2] ?? '', port: Number(match[3]) };
}
