import type { CollectorResource, CollectorStatus } from '../../collector/supervisor.js';
import type { ClusterStore, KubeObject } from '../types.js';
import { collectorPod, collectorPodName } from './collector-pods.js';
import { collectorServicePorts, type PortSource } from './collector-ports.js';
import type { ServiceListeners } from './endpoints.js';
import { isDeploymentAvailable, record, specOf } from './objects.js';
import { COLLECTOR_GROUP_VERSION, COLLECTOR_KIND } from './operator.js';
import type { PodHealth } from './rollout.js';
import { StoreController } from './store-controller.js';

/** On a collector's Service: JSON map receiver id -> host:port where the sandbox's collector really listens. */
export const LISTENERS_ANNOTATION = 'sandbox.adot.dev/listeners';

/** What runs the collectors (CollectorSupervisor): one per resource, restarted when its config changes. */
export interface CollectorRunner {
  reconcile(resources: readonly CollectorResource[]): Promise<void>;
  status(name: string, namespace?: string): CollectorStatus | undefined;
}

interface CollectorRef {
  name: string;
  namespace: string;
}

/**
 * The collector pods of the emulated operator, made real: once a collector's Deployment has rolled out (the rollout
 * controller asks podHealth), the runner starts the collector from the operator's ConfigMap; it is restarted when
 * the config changes and stopped when the collector or its Deployment goes away. Where it listens is published on
 * its Service (LISTENERS_ANNOTATION) and, through listenersOf, in its Endpoints; a collector that cannot start
 * keeps its Deployment unavailable with the reason. A running collector also gets its Pod (collector-pods.ts).
 */
export class CollectorRuntimeController extends StoreController {
  /** namespace/name of the collector -> uid of the Deployment admitted to run it */
  private readonly admitted = new Map<string, string>();
  private requested = '[]';
  /** namespace/name of each Pod published for a running collector -> what was published and when it started */
  private readonly pods = new Map<string, { published: string; startTime: string }>();
  private stopped = false;
  private inFlight = 0;

  constructor(
    store: ClusterStore,
    private readonly runner: CollectorRunner,
    /** called after the runner started or stopped collectors, for controllers that read its state */
    private readonly onRuntimeChange: () => void,
  ) {
    super(store);
  }

  override stop(): void {
    this.stopped = true;
    super.stop();
  }

  /**
   * Resolves once the collectors asked for so far have started or stopped and the controllers have seen it (or after
   * timeoutMs): what a sandbox waits for at start, so that seeded collectors already run.
   */
  async idle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (let quietTicks = 0; quietTicks < 3 && !this.stopped && Date.now() < deadline;) {
      await tick();
      quietTicks = this.inFlight === 0 ? quietTicks + 1 : 0;
      if (this.inFlight > 0) await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
  }

  /** For the rollout controller: a collector Deployment is up when its collector runs. */
  podHealth(deployment: KubeObject): PodHealth {
    const owner = collectorOf(deployment);
    if (owner === undefined) return { ready: true };
    const key = keyOf(owner);
    if (this.admitted.get(key) !== deployment.metadata.uid) {
      this.admitted.set(key, deployment.metadata.uid ?? '');
      this.requestReconcile();
      return { ready: false };
    }
    const status = this.runner.status(owner.name, owner.namespace);
    if (status === undefined) return { ready: false };
    if (status.running) return { ready: true };
    return { ready: false, failure: `the collector did not start: ${status.error ?? 'unknown error'}` };
  }

  /** For the endpoints controller: where a collector Service's ports really listen, while its collector runs. */
  listenersOf(service: KubeObject): ServiceListeners | undefined {
    const owner = collectorOf(service);
    if (owner === undefined) return undefined;
    const status = this.runner.status(owner.name, owner.namespace);
    const collector = this.collector(owner);
    if (status?.running !== true || collector === undefined) return undefined;
    const spec = specOf(collector);
    const ports: Record<string, number> = {};
    let ip: string | undefined;
    for (const port of collectorServicePorts(spec.config, spec.ports)) {
      const address = port.source === undefined ? undefined : listenerOf(port.source, status);
      const parsed = address === undefined ? undefined : splitHostPort(address);
      if (parsed === undefined) continue;
      ip ??= parsed.host;
      ports[port.name] = parsed.port;
    }
    return ip === undefined ? undefined : { ip, ports };
  }

  protected reconcile(): void {
    for (const deployment of this.store.list('apps/v1', 'Deployment')) {
      const owner = collectorOf(deployment);
      // a collector Deployment seeded as Available runs too
      if (owner !== undefined && !this.admitted.has(keyOf(owner)) && isDeploymentAvailable(deployment)) {
        this.admitted.set(keyOf(owner), deployment.metadata.uid ?? '');
      }
    }
    const desired: CollectorResource[] = [];
    for (const [key, uid] of this.admitted) {
      const owner = refOf(key);
      const resource = this.runnable(owner, uid);
      if (resource === undefined) this.admitted.delete(key);
      else if (resource !== 'waiting') desired.push(resource);
    }
    const signature = JSON.stringify(desired);
    if (signature !== this.requested) {
      this.requested = signature;
      this.inFlight += 1;
      this.runner
        .reconcile(desired)
        .catch(() => undefined)
        .then(() => {
          this.inFlight -= 1;
          if (this.stopped) return;
          this.requestReconcile();
          this.onRuntimeChange();
        });
    }
    this.publishListeners();
    this.publishPods();
  }

  /** a Pod per running collector, removed once it stops; recreated if deleted, as its ReplicaSet would */
  private publishPods(): void {
    const wanted = new Map<string, KubeObject>();
    for (const [key, uid] of this.admitted) {
      const owner = refOf(key);
      const status = this.runner.status(owner.name, owner.namespace);
      const objectName = `${owner.name}-collector`;
      const deployment = this.store.get('apps/v1', 'Deployment', objectName, owner.namespace);
      if (status?.running !== true || deployment === undefined || deployment.metadata.uid !== uid) continue;
      const config = record(this.store.get('v1', 'ConfigMap', objectName, owner.namespace)?.data)['collector.yaml'];
      const podKey = `${owner.namespace}/${collectorPodName(deployment)}`;
      const startTime = this.pods.get(podKey)?.startTime ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      wanted.set(podKey, collectorPod(deployment, status, config, startTime));
    }
    for (const [podKey, pod] of wanted) {
      const published = JSON.stringify(pod);
      const previous = this.pods.get(podKey);
      const present = this.store.get('v1', 'Pod', pod.metadata.name, pod.metadata.namespace) !== undefined;
      if (previous?.published === published && present) continue;
      this.store.put(pod);
      this.pods.set(podKey, { published, startTime: String(record(pod.status).startTime) });
    }
    for (const podKey of [...this.pods.keys()]) {
      if (wanted.has(podKey)) continue;
      const { namespace, name } = refOf(podKey);
      this.store.remove('v1', 'Pod', name, namespace);
      this.pods.delete(podKey);
    }
  }

  /** the resource to run, 'waiting' while its ConfigMap is missing, undefined when it should not run any more */
  private runnable(owner: CollectorRef, deploymentUid: string): CollectorResource | 'waiting' | undefined {
    const collector = this.collector(owner);
    const objectName = `${owner.name}-collector`;
    const deployment = this.store.get('apps/v1', 'Deployment', objectName, owner.namespace);
    if (collector === undefined || deployment === undefined || deployment.metadata.uid !== deploymentUid) {
      return undefined;
    }
    if (specOf(deployment).replicas === 0) return undefined;
    const config = record(this.store.get('v1', 'ConfigMap', objectName, owner.namespace)?.data)['collector.yaml'];
    if (typeof config !== 'string') return 'waiting';
    return {
      metadata: {
        name: owner.name,
        namespace: owner.namespace,
        ...(collector.metadata.uid ? { uid: collector.metadata.uid } : {}),
      },
      spec: { mode: 'deployment', config },
    };
  }

  /** the listeners annotation on every collector Service: present while its collector runs, absent otherwise */
  private publishListeners(): void {
    for (const service of this.store.list('v1', 'Service')) {
      const owner = collectorOf(service);
      if (owner === undefined) continue;
      const status = this.admitted.has(keyOf(owner)) ? this.runner.status(owner.name, owner.namespace) : undefined;
      const wanted =
        status?.running === true
          ? JSON.stringify(Object.fromEntries(Object.entries(status.receivers).sort()))
          : undefined;
      const annotations = { ...(service.metadata.annotations ?? {}) };
      if (annotations[LISTENERS_ANNOTATION] === wanted) continue;
      if (wanted === undefined) delete annotations[LISTENERS_ANNOTATION];
      else annotations[LISTENERS_ANNOTATION] = wanted;
      this.store.put({ ...service, metadata: { ...service.metadata, annotations } });
    }
  }

  /** the stored collector, whatever version it is in (its ports read the same in both) */
  private collector(owner: CollectorRef): KubeObject | undefined {
    return this.store.get(COLLECTOR_GROUP_VERSION, COLLECTOR_KIND, owner.name, owner.namespace);
  }
}

function collectorOf(object: KubeObject): CollectorRef | undefined {
  const owner = object.metadata.ownerReferences?.find((reference) => reference.kind === COLLECTOR_KIND);
  return owner === undefined ? undefined : { name: owner.name, namespace: object.metadata.namespace ?? 'default' };
}

function keyOf(ref: CollectorRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function refOf(key: string): CollectorRef {
  const slash = key.indexOf('/');
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
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
