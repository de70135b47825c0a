import {
  AuthorizationV1Api,
  createConfiguration,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  ServerConfiguration,
  VersionApi,
  type Configuration,
  type KubernetesObject,
  type ResponseContext,
  type V1APIResource,
} from '@kubernetes/client-node';
import type {
  AccessAttributes,
  Clock,
  Kube,
  KubeContextInfo,
  KubeObject,
  KubeRef,
  KubeVersion,
  RolloutStatus,
} from '../../ports.js';
import { FIELD_MANAGER } from '../../core/plan/ownership.js';
import { httpStatusOf, isUnknownKind, mapKubeError, unknownKindError } from './errors.js';
import type { KubeconfigSource } from './kubeconfig.js';
import { KeepAliveAuthentication } from './keep-alive.js';
import { nodeHttpLibrary } from './node-http-library.js';
import { withRetry } from './retry.js';
import { rolloutStatusOf } from '../../core/rollout.js';

export { FIELD_MANAGER };

/**
 * The generic object client, keeping the wire form of answers: client-node's generated deserializer turns
 * timestamps into Date objects and renames fields such as `x-kubernetes-*`, while our ports speak plain JSON.
 */
class WireObjectApi extends KubernetesObjectApi {
  static create(configuration: Configuration, kc: KubeConfig): WireObjectApi {
    const client = new WireObjectApi(configuration);
    client.setDefaultNamespace(kc);
    return client;
  }

  /** group/versions whose discovery document is being fetched, by apiVersion */
  private readonly discovering = new Map<string, Promise<unknown>>();

  /**
   * client-node caches a group/version's discovery document once it has it, but calls made before it arrives each
   * fetch their own: doctor's first wave asked for /api/v1 five times and /apis/apps/v1 four (21 discovery requests
   * for 8 group/versions, each on a TLS connection of its own). Concurrent calls now wait for the one in flight and
   * then read client-node's cache; a kind it does not list is fetched again, as client-node does. When the shared
   * request fails, each waiter makes its own, so that its error names its kind.
   */
  protected override async resource(
    apiVersion: string,
    kind: string,
    options?: Configuration,
  ): Promise<V1APIResource | undefined> {
    const inFlight = this.discovering.get(apiVersion);
    if (inFlight !== undefined) {
      await inFlight.catch(() => undefined);
      return super.resource(apiVersion, kind, options);
    }
    const discovery = super.resource(apiVersion, kind, options);
    this.discovering.set(apiVersion, discovery);
    try {
      return await discovery;
    } finally {
      this.discovering.delete(apiVersion);
    }
  }

  protected override async processResponse<T extends KubernetesObject>(
    response: ResponseContext,
    type?: string,
  ): Promise<T> {
    const ok = response.httpStatusCode >= 200 && response.httpStatusCode <= 299;
    if (!ok) return super.processResponse(response, type);
    return JSON.parse(await response.body.text()) as T;
  }
}

/** Builds a KubeConfig from the source, merging a KUBECONFIG list the way kubectl does (first definition wins). */
export function loadKubeConfig(source: KubeconfigSource, context?: string): KubeConfig {
  const kc = new KubeConfig();
  if ('text' in source) {
    kc.loadFromString(source.text);
  } else {
    const loaded = source.paths.map((path) => {
      const one = new KubeConfig();
      one.loadFromFile(path);
      return one;
    });
    const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
      const seen = new Map<string, T>();
      for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
      return [...seen.values()];
    };
    kc.loadFromOptions({
      clusters: firstByName(loaded.map((one) => one.clusters)),
      users: firstByName(loaded.map((one) => one.users)),
      contexts: firstByName(loaded.map((one) => one.contexts)),
      currentContext: loaded.map((one) => one.currentContext).find((name) => !!name) ?? '',
    });
  }
  if (context !== undefined) kc.setCurrentContext(context);
  return kc;
}

export interface ClientNodeKubeOptions {
  kubeConfig: KubeConfig;
  clock: Clock;
  signal?: AbortSignal;
  /** --cluster, for hints */
  clusterName?: string;
}

export class ClientNodeKube implements Kube {
  private readonly objects: KubernetesObjectApi;
  private readonly authorization: AuthorizationV1Api;
  private readonly versionApi: VersionApi;

  private readonly authentication: KeepAliveAuthentication;

  constructor(private readonly options: ClientNodeKubeOptions) {
    const kc = options.kubeConfig;
    this.authentication = new KeepAliveAuthentication(kc);
    // what kc.makeApiClient builds, with the kubeconfig's authentication over keep-alive connections, sent with
    // node:https (node-http-library.ts)
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('No active cluster!');
    const configuration: Configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: this.authentication },
      httpApi: nodeHttpLibrary(),
    });
    this.objects = WireObjectApi.create(configuration, kc);
    this.authorization = new AuthorizationV1Api(configuration);
    this.versionApi = new VersionApi(configuration);
  }

  /** closes its connections */
  destroy(): void {
    this.authentication.destroy();
  }

  context(): KubeContextInfo {
    const kc = this.options.kubeConfig;
    const contextName = kc.getCurrentContext();
    const clusterName = kc.getContextObject(contextName)?.cluster ?? '';
    return { contextName, clusterName, server: kc.getCluster(clusterName)?.server ?? '' };
  }

  async version(): Promise<KubeVersion> {
    const info = await this.call('get /version', () => this.versionApi.getCode());
    return { gitVersion: info.gitVersion, major: info.major, minor: info.minor };
  }

  async get(ref: KubeRef): Promise<KubeObject | undefined> {
    const object = await this.call(
      `get ${describe(ref)}`,
      () => this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: metadataOf(ref) }),
      absent,
    );
    return object === undefined ? undefined : wire(object);
  }

  async list(
    apiVersion: string,
    kind: string,
    options: { namespace?: string; labelSelector?: string } = {},
  ): Promise<KubeObject[]> {
    const answer = await this.call(
      `list ${apiVersion} ${kind}`,
      () =>
        this.objects.list(
          apiVersion,
          kind,
          options.namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          options.labelSelector,
        ),
      isUnknownKind,
    );
    // a List's items omit apiVersion and kind
    return (answer?.items ?? []).map((item) => ({ ...wire(item), apiVersion, kind }));
  }

  async apply(object: KubeObject, options: { force?: boolean; dryRun?: boolean } = {}): Promise<KubeObject> {
    const ref: KubeRef = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name: object.metadata.name,
      ...nsOf(object.metadata.namespace),
    };
    const applied = await this.call(
      `apply ${describe(ref)}`,
      () =>
        this.objects.patch(
          object as unknown as KubernetesObject,
          undefined,
          options.dryRun ? 'All' : undefined,
          FIELD_MANAGER,
          options.force ?? true,
          PatchStrategy.ServerSideApply,
        ),
      isUnknownKind,
    );
    if (applied === undefined) throw unknownKindError(object.apiVersion, object.kind);
    return wire(applied);
  }

  async delete(ref: KubeRef): Promise<boolean> {
    const answer = await this.call(
      `delete ${describe(ref)}`,
      () => this.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: metadataOf(ref) }),
      absent,
    );
    return answer !== undefined;
  }

  async canI(attributes: AccessAttributes): Promise<{ allowed: boolean; reason?: string }> {
    const review = await this.call(`create SelfSubjectAccessReview (${attributes.verb} ${attributes.resource})`, () =>
      this.authorization.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { ...attributes } },
        },
      }),
    );
    const reason = review.status?.reason;
    return { allowed: review.status?.allowed ?? false, ...(reason ? { reason } : {}) };
  }

  async rolloutStatus(namespace: string, deploymentName: string): Promise<RolloutStatus | undefined> {
    // through the generic client: client-node's AppsV1Api is ~230 kB of code that every command using Kubernetes
    // would load for this one call
    const deployment = await this.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: deploymentName });
    return deployment === undefined ? undefined : rolloutStatusOf(deploymentName, deployment);
  }

  /**
   * One API call, retried on transient failures; failures become AdotErrors (the original kept as cause), except
   * those `isAbsent` recognises as "not there", which answer undefined.
   */
  private async call<T>(what: string, request: () => Promise<T>): Promise<T>;
  private async call<T>(
    what: string,
    request: () => Promise<T>,
    isAbsent: (error: unknown) => boolean,
  ): Promise<T | undefined>;
  private async call<T>(
    what: string,
    request: () => Promise<T>,
    isAbsent?: (error: unknown) => boolean,
  ): Promise<T | undefined> {
    try {
      return await withRetry(request, {
        clock: this.options.clock,
        ...(this.options.signal === undefined ? {} : { signal: this.options.signal }),
      });
    } catch (error) {
      if (isAbsent?.(error)) return undefined;
      const context = this.context();
      throw mapKubeError(error, {
        what,
        contextName: context.contextName,
        clusterName: this.options.clusterName ?? eksClusterName(context.clusterName),
        server: context.server,
      });
    }
  }
}

function absent(error: unknown): boolean {
  return httpStatusOf(error) === 404 || isUnknownKind(error);
}

/** WireObjectApi already answers plain JSON; this only restates the type. */
function wire(object: KubernetesObject): KubeObject {
  return object as unknown as KubeObject;
}

function metadataOf(ref: KubeRef): { name: string; namespace?: string } {
  return { name: ref.name, ...nsOf(ref.namespace) };
}

function nsOf(namespace: string | undefined): { namespace?: string } {
  return namespace === undefined ? {} : { namespace };
}

function describe(ref: KubeRef): string {
  return `${ref.apiVersion} ${ref.kind} ${ref.namespace === undefined ? '' : `${ref.namespace}/`}${ref.name}`;
}

/** `aws eks update-kubeconfig` names clusters by ARN: arn:aws:eks:REGION:ACCT:cluster/NAME */
function eksClusterName(kubeconfigCluster: string): string | undefined {
  const match = /:cluster\/(.+)$/.exec(kubeconfigCluster);
  return match?.[1] ?? (kubeconfigCluster === '' ? undefined : kubeconfigCluster);
}
