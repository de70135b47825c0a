import { isDeepStrictEqual } from 'node:util';
import { array, record, selectorMatches, specOf, statusOf, stringRecord } from './objects.js';
import { StoreController } from './store-controller.js';
import type { ClusterStore, KubeObject } from '../types.js';

/** Where one pod behind a Service really listens on this machine: one address, and a port per Service port name. */
export interface ServiceListeners {
  ip: string;
  /** Service port name -> the port actually bound; ports without a listener are left out of the Endpoints */
  ports: Record<string, number>;
  /** the pod (targetRef) */
  pod: string;
}

/** the annotation the real endpoints controller sets; here it also marks the Endpoints this controller owns */
const MANAGED_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

/**
 * The endpoints controller: for each Service with a selector, an Endpoints object with the address of each pod it
 * selects, ready ones in addresses and the others in notReadyAddresses (pods without an address are left out), and
 * the Service's ports resolved against the pods' container ports; empty subsets when it selects none. A Service
 * whose backend really runs in the sandbox (a collector) gets the address and ports it listens on.
 */
export class EndpointsController extends StoreController {
  constructor(
    store: ClusterStore,
    /** the pods that really serve a Service (collectors), when the sandbox runs them */
    private readonly listeners: (service: KubeObject) => ServiceListeners[] | undefined = () => undefined,
  ) {
    super(store);
  }

  protected reconcile(): void {
    const services = this.store.list('v1', 'Service');
    const wanted = new Set<string>();
    for (const service of services) {
      const selector = stringRecord(specOf(service).selector);
      if (Object.keys(selector).length === 0) continue;
      const namespace = service.metadata.namespace ?? 'default';
      wanted.add(`${namespace}/${service.metadata.name}`);
      const real = this.listeners(service);
      if (real !== undefined) {
        this.write(service, listenerSubsets(service, real));
        continue;
      }
      const backends = this.store
        .list('v1', 'Pod', namespace)
        .filter((pod) => selectorMatches(selector, pod.metadata.labels ?? {}) && podIP(pod) !== undefined);
      this.write(service, podSubsets(service, backends));
    }
    for (const endpoints of this.store.list('v1', 'Endpoints')) {
      const key = `${endpoints.metadata.namespace ?? 'default'}/${endpoints.metadata.name}`;
      if (!wanted.has(key) && endpoints.metadata.annotations?.[MANAGED_ANNOTATION] !== undefined) {
        this.store.remove('v1', 'Endpoints', endpoints.metadata.name, endpoints.metadata.namespace);
      }
    }
  }

  private write(service: KubeObject, subsets: Record<string, unknown>[]): void {
    const { name, namespace } = service.metadata;
    const existing = this.store.get('v1', 'Endpoints', name, namespace);
    if (
      existing !== undefined &&
      existing.metadata.annotations?.[MANAGED_ANNOTATION] !== undefined &&
      isDeepStrictEqual(existing.subsets ?? [], subsets)
    ) {
      return;
    }
    const labels = service.metadata.labels;
    this.store.put({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        ...(existing?.metadata ?? {}),
        name,
        namespace,
        ...(labels ? { labels } : {}),
        annotations: {
          ...(existing?.metadata.annotations ?? {}),
          [MANAGED_ANNOTATION]: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      },
      subsets,
    });
  }
}

/**
 * One subset per pod really serving (its address and the ports that have a listener): the sandbox's pods share an
 * address and differ in ports, which one subset (addresses × ports) cannot say.
 */
function listenerSubsets(service: KubeObject, pods: readonly ServiceListeners[]): Record<string, unknown>[] {
  const namespace = service.metadata.namespace;
  return pods.flatMap((pod) => {
    const ports = array(specOf(service).ports)
      .map(record)
      .flatMap((port) => {
        const bound = typeof port.name === 'string' ? pod.ports[port.name] : undefined;
        if (bound === undefined) return [];
        return [
          {
            name: port.name,
            port: bound,
            protocol: typeof port.protocol === 'string' ? port.protocol : 'TCP',
            ...(typeof port.appProtocol === 'string' ? { appProtocol: port.appProtocol } : {}),
          },
        ];
      });
    if (ports.length === 0) return [];
    return [{ addresses: [{ ip: pod.ip, targetRef: { kind: 'Pod', namespace, name: pod.pod } }], ports }];
  });
}

function podIP(pod: KubeObject): string | undefined {
  const ip = statusOf(pod).podIP;
  return typeof ip === 'string' && ip !== '' ? ip : undefined;
}

function podReady(pod: KubeObject): boolean {
  return array(statusOf(pod).conditions)
    .map(record)
    .some((condition) => condition.type === 'Ready' && condition.status === 'True');
}

/** EndpointAddress of a pod (k8s.io/api core/v1): its IP, node and a targetRef to it */
function podAddress(pod: KubeObject): Record<string, unknown> {
  const nodeName = record(pod.spec).nodeName;
  return {
    ip: podIP(pod),
    ...(typeof nodeName === 'string' ? { nodeName } : {}),
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      ...(pod.metadata.uid === undefined ? {} : { uid: pod.metadata.uid }),
    },
  };
}

/** one subset for the selected pods, ports resolved against the first pod's containers (named targetPorts) */
function podSubsets(service: KubeObject, pods: readonly KubeObject[]): Record<string, unknown>[] {
  if (pods.length === 0) return [];
  const sorted = [...pods].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const addresses = sorted.filter(podReady).map(podAddress);
  const notReadyAddresses = sorted.filter((pod) => !podReady(pod)).map(podAddress);
  const containers = array(record((sorted[0] as KubeObject).spec).containers).map(record);
  const ports = array(specOf(service).ports)
    .map(record)
    .map((port) => {
      const target = port.targetPort ?? port.port;
      const resolved = typeof target === 'string' ? namedContainerPort(containers, target) : target;
      return {
        ...(typeof port.name === 'string' ? { name: port.name } : {}),
        port: resolved ?? port.port,
        protocol: typeof port.protocol === 'string' ? port.protocol : 'TCP',
        ...(typeof port.appProtocol === 'string' ? { appProtocol: port.appProtocol } : {}),
      };
    });
  return [
    {
      ...(addresses.length === 0 ? {} : { addresses }),
      ...(notReadyAddresses.length === 0 ? {} : { notReadyAddresses }),
      ports,
    },
  ];
}

function namedContainerPort(containers: Record<string, unknown>[], name: string): number | undefined {
  for (const container of containers) {
    for (const port of array(container.ports).map(record)) {
      if (port.name === name && typeof port.containerPort === 'number') return port.containerPort;
    }
  }
  return undefined;
}
