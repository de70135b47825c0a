/**
 * Kubernetes service discovery for the prometheus receiver: list-and-watch (client-node informers) of the
 * objects a role needs, and after every change the role's full target list (debounced), as Prometheus' discovery
 * hands complete target groups to the scrape manager. A broken watch is restarted with backoff.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { CollectorFiles } from '../../../runtime/files.js';
import { loadInCluster, loadKubeconfigFile, SERVICE_ACCOUNT_DIR } from '../../../runtime/kube-client.js';
import type { Logger } from '../../../telemetry/logger.js';
import { ThrottledLog } from '../../../telemetry/logger.js';
import type { KubernetesRole, KubernetesSdSettings } from './sd-config.js';
import { endpointsTargets, nodeTargets, podTargets, serviceTargets, type LabelSet } from './targets.js';

const DEBOUNCE_MS = 100;
const RESTART_MS = 5_000;

interface Watched {
  resource: 'pods' | 'services' | 'endpoints' | 'nodes';
  namespace: string | undefined;
  informer: {
    start(): Promise<void>;
    stop(): Promise<void>;
    list(namespace?: string): ReadonlyArray<KubernetesObject>;
  };
}

/** The resources each role reads: endpoints needs its services and pods for their metadata. */
const RESOURCES: Record<KubernetesRole, Watched['resource'][]> = {
  pod: ['pods'],
  service: ['services'],
  endpoints: ['endpoints', 'services', 'pods'],
  node: ['nodes'],
};

const SELECTOR_ROLE: Record<Watched['resource'], KubernetesRole> = {
  pods: 'pod',
  services: 'service',
  endpoints: 'endpoints',
  nodes: 'node',
};

export class KubernetesDiscovery {
  private readonly watched: Watched[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly throttled: ThrottledLog;

  constructor(
    private readonly settings: KubernetesSdSettings,
    private readonly env: Record<string, string | undefined>,
    private readonly logger: Logger,
    private readonly onTargets: (targets: LabelSet[]) => void,
    /** how its files (bearer_token_file, ca_file, kubeconfig_file, the service account's) are read */
    private readonly files: CollectorFiles,
  ) {
    this.throttled = new ThrottledLog((message) => logger.warn(message));
  }

  async start(): Promise<void> {
    const client = await import('../../../runtime/kube-api.js');
    const kubeConfig = await this.kubeConfig(client.KubeConfig);
    const core = kubeConfig.makeApiClient(client.CoreV1Api);
    const namespaces = await this.namespaces();
    for (const resource of RESOURCES[this.settings.role]) {
      const selector = this.settings.labelSelectors[SELECTOR_ROLE[resource]];
      const scopes = resource === 'nodes' || namespaces.length === 0 ? [undefined] : namespaces;
      for (const namespace of scopes) {
        const path = namespace === undefined ? pathOf(resource) : `/api/v1/namespaces/${namespace}/${resource}`;
        const list = listFunction(core, resource, namespace, selector);
        const informer = client.makeInformer(kubeConfig, path, list, selector);
        const changed = () => this.schedule();
        informer.on('add', changed);
        informer.on('update', changed);
        informer.on('delete', changed);
        informer.on('error', (error: unknown) => {
          if (this.stopped) return;
          this.throttled.log(
            path,
            `kubernetes_sd (${this.settings.role}): watch of ${path} failed: ${describe(error)}; retrying`,
          );
          setTimeout(() => {
            if (!this.stopped) informer.start().catch(() => undefined);
          }, RESTART_MS).unref();
        });
        this.watched.push({ resource, namespace, informer });
      }
    }
    await Promise.all(
      this.watched.map((watched) =>
        watched.informer.start().catch((error: unknown) => {
          this.throttled.log(
            `start:${watched.resource}`,
            `kubernetes_sd (${this.settings.role}): cannot list ${watched.resource}: ${describe(error)}`,
          );
        }),
      ),
    );
    this.emit();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await Promise.all(this.watched.map((watched) => watched.informer.stop().catch(() => undefined)));
  }

  private schedule(): void {
    if (this.stopped || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emit();
    }, DEBOUNCE_MS);
  }

  private objects(resource: Watched['resource']): Record<string, unknown>[] {
    return this.watched
      .filter((watched) => watched.resource === resource)
      .flatMap((watched) => watched.informer.list() as unknown as Record<string, unknown>[]);
  }

  private emit(): void {
    if (this.stopped) return;
    const targets: LabelSet[] = [];
    switch (this.settings.role) {
      case 'node':
        for (const node of this.objects('nodes')) targets.push(...nodeTargets(node));
        break;
      case 'pod':
        for (const pod of this.objects('pods')) targets.push(...podTargets(pod));
        break;
      case 'service':
        for (const service of this.objects('services')) targets.push(...serviceTargets(service));
        break;
      case 'endpoints': {
        const index = (objects: Record<string, unknown>[]) => new Map(objects.map((object) => [keyOf(object), object]));
        const services = index(this.objects('services'));
        const pods = index(this.objects('pods'));
        for (const endpoints of this.objects('endpoints')) {
          targets.push(
            ...endpointsTargets(
              endpoints,
              (namespace, name) => services.get(`${namespace}/${name}`),
              (namespace, name) => pods.get(`${namespace}/${name}`),
            ),
          );
        }
        break;
      }
    }
    this.onTargets(targets);
  }

  private async namespaces(): Promise<string[]> {
    const names = [...this.settings.namespaces];
    if (this.settings.ownNamespace) {
      names.push((await this.files.readFile(`${SERVICE_ACCOUNT_DIR}/namespace`)).toString('utf8').trim());
    }
    return [...new Set(names)];
  }

  /** api_server, else kubeconfig_file, else in-cluster (the pod's service account), else $KUBECONFIG. */
  private async kubeConfig(KubeConfigClass: new () => KubeConfig): Promise<KubeConfig> {
    const config = new KubeConfigClass();
    const { apiServer, kubeconfigFile } = this.settings;
    if (apiServer !== undefined) {
      const token =
        this.settings.bearerTokenFile === undefined
          ? undefined
          : (await this.files.readFile(this.settings.bearerTokenFile)).toString('utf8').trim();
      const caData =
        this.settings.caFile === undefined
          ? undefined
          : (await this.files.readFile(this.settings.caFile)).toString('base64');
      config.loadFromOptions({
        clusters: [
          {
            name: 'sd',
            server: apiServer,
            skipTLSVerify: this.settings.insecureSkipVerify,
            ...(caData === undefined ? {} : { caData }),
          },
        ],
        users: [{ name: 'sd', ...(token === undefined ? {} : { token }) }],
        contexts: [{ name: 'sd', cluster: 'sd', user: 'sd' }],
        currentContext: 'sd',
      });
    } else if (kubeconfigFile !== undefined) {
      await loadKubeconfigFile(config, kubeconfigFile, this.files);
    } else if (this.env['KUBERNETES_SERVICE_HOST']) {
      await loadInCluster(config, this.env, this.files);
    } else if (this.env['KUBECONFIG']) {
      await loadKubeconfigFile(config, this.env['KUBECONFIG'].split(':')[0] ?? '', this.files);
    } else {
      throw new Error(
        'no Kubernetes API: set api_server or kubeconfig_file, run inside a cluster, or export KUBECONFIG',
      );
    }
    return config;
  }
}

function pathOf(resource: Watched['resource']): string {
  return `/api/v1/${resource}`;
}

function keyOf(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { namespace?: string; name?: string };
  return `${metadata.namespace ?? ''}/${metadata.name ?? ''}`;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'code' in error)
    return `HTTP ${String((error as { code: unknown }).code)}`;
  return String(error);
}

type CoreApi = InstanceType<typeof import('@kubernetes/client-node').CoreV1Api>;

function listFunction(
  core: CoreApi,
  resource: Watched['resource'],
  namespace: string | undefined,
  labelSelector: string | undefined,
) {
  const selector = labelSelector === undefined ? {} : { labelSelector };
  return (): Promise<{ items: KubernetesObject[]; metadata?: { resourceVersion?: string } }> => {
    switch (resource) {
      case 'pods':
        return namespace === undefined
          ? core.listPodForAllNamespaces(selector)
          : core.listNamespacedPod({ namespace, ...selector });
      case 'services':
        return namespace === undefined
          ? core.listServiceForAllNamespaces(selector)
          : core.listNamespacedService({ namespace, ...selector });
      case 'endpoints':
        return namespace === undefined
          ? core.listEndpointsForAllNamespaces(selector)
          : core.listNamespacedEndpoints({ namespace, ...selector });
      case 'nodes':
        return core.listNode(selector);
    }
  };
}
