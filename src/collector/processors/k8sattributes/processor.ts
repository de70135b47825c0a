/**
 * processor `k8sattributes` (opentelemetry-collector-contrib processor/k8sattributesprocessor): watches the pods
 * of the Kubernetes API (list and watch, like the prometheus receiver's discovery), finds the pod each item comes
 * from, and adds the pod's metadata to the item's resource where the attribute is not already set.
 *
 * The pod is found by the first `pod_association` whose sources all resolve: `connection` (the client address the
 * otlp receiver saw), or a `resource_attribute` (k8s.pod.ip, ip, host.name as an IP, k8s.pod.uid, k8s.pod.name,
 * k8s.namespace.name, k8s.pod.hostname). Without pod_association: k8s.pod.ip, then ip, then the connection, then
 * host.name when it is an IP (pod_association.go's extractPodIDNoAssociations). When the pod was found by its
 * connection, k8s.pod.ip is set too; `passthrough: true` sets only that and never calls the API.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { isIP } from 'node:net';
import type { ComponentContext, Consumer, ProcessorInstance, Signal } from '../../model.js';
import { kubeConfigFor } from '../../runtime/kube-client.js';
import { ThrottledLog } from '../../telemetry/logger.js';
import { updateResources, type AttributeMap } from '../resource-items.js';
import { identifierValue, podAttributes, podInfo, type PodInfo } from './pods.js';
import type { AssociationSource, K8sAttributesSettings } from './settings.js';

const RESTART_MS = 5_000;
const NO_ASSOCIATION: AssociationSource[][] = [
  [{ from: 'resource_attribute', name: 'k8s.pod.ip' }],
  [{ from: 'resource_attribute', name: 'ip' }],
  [{ from: 'connection' }],
  [{ from: 'resource_attribute', name: 'host.name' }],
];

interface Informer {
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): ReadonlyArray<KubernetesObject>;
}

function stringAttribute(attributes: AttributeMap, name: string): string | undefined {
  const value = attributes.get(name)?.stringValue;
  return value === undefined || value === '' ? undefined : value;
}

export class K8sAttributesProcessor<T> implements ProcessorInstance<T> {
  private informer: Informer | undefined;
  private stopped = false;
  private version = 0;
  private indexedVersion = -1;
  private readonly indexes = new Map<string, Map<string, PodInfo>>();
  private readonly throttled: ThrottledLog;
  private readonly node: string | undefined;

  constructor(
    private readonly context: ComponentContext,
    private readonly settings: K8sAttributesSettings,
    private readonly next: Consumer<T>,
    private readonly signal: Signal,
  ) {
    this.throttled = new ThrottledLog((message) => context.logger.warn(message));
    this.node =
      settings.node ?? (settings.nodeFromEnvVar === undefined ? undefined : context.env[settings.nodeFromEnvVar]);
  }

  async start(): Promise<void> {
    if (this.settings.passthrough || this.settings.authType === 'none') return;
    const client = await import('../../runtime/kube-api.js');
    const config = await kubeConfigFor(
      this.context.env,
      this.context.files,
      this.settings.authType,
      this.settings.context,
    );
    const core = config.makeApiClient(client.CoreV1Api);
    const namespace = this.settings.namespace;
    const path = namespace === undefined ? '/api/v1/pods' : `/api/v1/namespaces/${namespace}/pods`;
    const list = () =>
      namespace === undefined ? core.listPodForAllNamespaces() : core.listNamespacedPod({ namespace });
    const informer = client.makeInformer(config, path, list);
    const changed = () => (this.version += 1);
    informer.on('add', changed);
    informer.on('update', changed);
    informer.on('delete', changed);
    informer.on('error', (error: unknown) => {
      if (this.stopped) return;
      this.throttled.log(
        'watch',
        `processor ${this.context.id}: watch of ${path} failed: ${(error as Error).message ?? String(error)}; retrying`,
      );
      setTimeout(() => {
        if (!this.stopped) informer.start().catch(() => undefined);
      }, RESTART_MS).unref();
    });
    this.informer = informer;
    await informer.start().catch((error: unknown) => {
      this.throttled.log(
        'start',
        `processor ${this.context.id}: cannot list pods: ${(error as Error).message ?? String(error)}`,
      );
    });
    this.version += 1;
  }

  consume(items: T[]): void {
    this.next.consume(
      updateResources(this.signal, items, (attributes, client) => this.annotate(attributes, client)) as T[],
    );
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.informer?.stop().catch(() => undefined);
  }

  private annotate(attributes: AttributeMap, client: string | undefined): void {
    const associations = this.settings.associations.length > 0 ? this.settings.associations : NO_ASSOCIATION;
    for (const association of associations) {
      const values: string[] = [];
      for (const source of association) {
        const value = source.from === 'connection' ? client : stringAttribute(attributes, source.name ?? '');
        if (value === undefined || (source.name === 'host.name' && isIP(value) === 0)) break;
        values.push(value);
      }
      if (values.length < association.length) continue;
      // without pod_association every rule reads an IP and counts as a connection source (upstream does the same)
      const fromConnection = this.settings.associations.length === 0 || association[0]?.from === 'connection';
      if (fromConnection && values[0] !== undefined && !attributes.has('k8s.pod.ip')) {
        attributes.set('k8s.pod.ip', { stringValue: values[0] });
      }
      if (this.settings.passthrough) return;
      const pod = this.index(association).get(values.join('\u0000'));
      if (pod === undefined) return;
      const found = podAttributes(
        pod,
        this.settings.metadata,
        this.settings,
        stringAttribute(attributes, 'k8s.container.name'),
      );
      for (const [key, value] of Object.entries(found)) {
        if (!attributes.has(key)) attributes.set(key, { stringValue: value });
      }
      return;
    }
  }

  /** Pods by the values of an association's sources, rebuilt when the watch saw a change. */
  private index(association: AssociationSource[]): Map<string, PodInfo> {
    if (this.indexedVersion !== this.version) {
      this.indexes.clear();
      this.indexedVersion = this.version;
    }
    const key = JSON.stringify(association);
    let index = this.indexes.get(key);
    if (index !== undefined) return index;
    index = new Map();
    for (const object of this.informer?.list() ?? []) {
      const pod = podInfo(object);
      if (pod === undefined) continue;
      if (this.node !== undefined && pod.nodeName !== this.node) continue;
      if (this.settings.excludePods.some((pattern) => pattern.test(pod.name))) continue;
      const values = association.map((source) => identifierValue(pod, source));
      if (values.some((value) => value === undefined || value === '')) continue;
      index.set(values.join('\u0000'), pod);
    }
    this.indexes.set(key, index);
    return index;
  }
}
