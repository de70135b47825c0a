import type {
  AccessAttributes,
  Kube,
  KubeContextInfo,
  KubeObject,
  KubeRef,
  KubeVersion,
  RolloutStatus,
} from '../../ports.js';
import { describeKubeconfigContext, type KubeconfigSource } from './kubeconfig.js';

/**
 * A Kube that loads @kubernetes/client-node (about half a second) on its first API call, so that commands which
 * never talk to Kubernetes do not pay for it. context() reads the kubeconfig itself to stay synchronous.
 */
export class LazyKube implements Kube {
  private loaded: Promise<Kube> | undefined;

  constructor(
    private readonly source: KubeconfigSource,
    private readonly contextName: string | undefined,
    private readonly load: () => Promise<Kube>,
  ) {}

  context(): KubeContextInfo {
    return describeKubeconfigContext(this.source, this.contextName);
  }

  async version(): Promise<KubeVersion> {
    return (await this.kube()).version();
  }

  async get(ref: KubeRef): Promise<KubeObject | undefined> {
    return (await this.kube()).get(ref);
  }

  async list(
    apiVersion: string,
    kind: string,
    options?: { namespace?: string; labelSelector?: string },
  ): Promise<KubeObject[]> {
    return (await this.kube()).list(apiVersion, kind, options);
  }

  async apply(object: KubeObject, options?: { force?: boolean; dryRun?: boolean }): Promise<KubeObject> {
    return (await this.kube()).apply(object, options);
  }

  async delete(ref: KubeRef): Promise<boolean> {
    return (await this.kube()).delete(ref);
  }

  async canI(attributes: AccessAttributes): Promise<{ allowed: boolean; reason?: string }> {
    return (await this.kube()).canI(attributes);
  }

  async rolloutStatus(namespace: string, deploymentName: string): Promise<RolloutStatus | undefined> {
    return (await this.kube()).rolloutStatus(namespace, deploymentName);
  }

  /** the kubeconfig is checked first (context(): an empty file, a missing user), so its errors say what is wrong */
  private kube(): Promise<Kube> {
    this.loaded ??= Promise.resolve().then(() => {
      this.context();
      return this.load();
    });
    return this.loaded;
  }
}
