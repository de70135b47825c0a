import { removeWithDependents } from '../kube/gc.js';
import { addonCollectorObjects, addonOperatorObjectsWith } from '../seed/addon-collectors/index.js';
import { POD_IDENTITY_AGENT_ADDON } from '../seed/addon-namespaces.js';
import { ADDON_MANAGED_LABEL, addonOperatorObjects } from '../seed/addon-objects.js';
import { REQUIRED_ADDON_RBAC } from '../seed/addon-rbac.js';
import { podIdentityAgentObjects } from '../seed/pod-identity-agent-objects.js';
import type { AddonInstallSettings, ClusterAddonHooks, ClusterStore, KubeObject } from '../types.js';
import { eksApplied } from './eks-apply.js';
import { isDeploymentAvailable } from './objects.js';
import { COLLECTOR_API_VERSIONS, COLLECTOR_KIND } from './operator.js';

const CERT_MANAGER_COMPONENTS = [
  { role: 'controller', names: ['cert-manager'] },
  { role: 'cainjector', names: ['cainjector', 'cert-manager-cainjector'] },
  { role: 'webhook', names: ['webhook', 'cert-manager-webhook'] },
] as const;

export interface ClusterAddonHooksContext {
  clusterName: string;
  region: string;
  /** the add-on's collectors' metrics batch timeout instead of the docs' 60 s (behaviour.addonCollectorBatchSeconds) */
  metricsBatchSeconds?: number;
}

/** The hooks of every add-on the sandbox installs, by add-on name, for one cluster's store. */
export function clusterAddonHooks(
  store: ClusterStore,
  context: ClusterAddonHooksContext,
): Record<string, ClusterAddonHooks> {
  return {
    adot: new StoreAddonHooks(store, context),
    [POD_IDENTITY_AGENT_ADDON]: new ManagedObjectsHooks(store, POD_IDENTITY_AGENT_ADDON, (version) =>
      podIdentityAgentObjects(version, context),
    ),
  };
}

/**
 * Installs and removes the objects of one add-on, found again by the label EKS puts on what it manages
 * (ADDON_MANAGED_LABEL = the add-on's name), so add-ons never touch each other's objects.
 */
export class ManagedObjectsHooks implements ClusterAddonHooks {
  constructor(
    protected readonly store: ClusterStore,
    private readonly addonName: string,
    private readonly objectsOf: (version: string) => KubeObject[],
  ) {}

  installAddon(version: string, _settings?: AddonInstallSettings): void {
    this.replaceInstalled(this.objectsOf(version));
  }

  /**
   * Makes `objects` what the add-on has installed: what a previous install left and is no longer wanted goes, the
   * rest is stored through `write` (by default replacing each object, keeping its status).
   */
  protected replaceInstalled(
    objects: readonly KubeObject[],
    write = (object: KubeObject) => this.replaceObject(object),
  ): void {
    const keys = new Set(objects.map(keyOf));
    for (const stale of this.installed()) if (!keys.has(keyOf(stale))) this.delete(stale);
    for (const object of objects) write(object);
  }

  protected replaceObject(object: KubeObject): void {
    const existing = this.find(object);
    this.store.put(
      existing === undefined
        ? object
        : { ...object, metadata: { ...existing.metadata, ...object.metadata }, status: existing.status },
    );
  }

  removeAddon(): void {
    const installed = this.installed();
    for (const object of installed) if (object.kind !== 'Namespace') this.delete(object);
    // a namespace may hold what others put there (the add-on RBAC manifest the user applied), which EKS leaves alone
    for (const namespace of installed.filter((object) => object.kind === 'Namespace')) {
      const stillUsed = this.store.all().some((object) => object.metadata.namespace === namespace.metadata.name);
      if (!stillUsed) this.delete(namespace);
    }
  }

  private installed(): KubeObject[] {
    return this.store.all().filter((object) => object.metadata.labels?.[ADDON_MANAGED_LABEL] === this.addonName);
  }

  private find(object: KubeObject): KubeObject | undefined {
    return this.store.get(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
  }

  /** deleted as through the API: the garbage collector takes its dependents along (a Deployment's pods) */
  protected delete(object: KubeObject): void {
    const stored = this.find(object);
    if (stored !== undefined) removeWithDependents(this.store, stored, 'Background');
  }
}

/**
 * The ADOT add-on's hooks: its operator objects, the collectors its configuration asks for (applied as EKS applies,
 * resolveConflicts settling what the user changed on them), and the cluster facts its rules read (cert-manager,
 * add-on RBAC).
 */
export class StoreAddonHooks extends ManagedObjectsHooks {
  constructor(
    store: ClusterStore,
    private readonly context: ClusterAddonHooksContext,
    private readonly now: () => Date = () => new Date(),
  ) {
    super(store, 'adot', addonOperatorObjects);
  }

  override installAddon(version: string, settings: AddonInstallSettings = {}): void {
    const collectors = addonCollectorObjects(version, settings, this.context);
    const applied = eksApplied(this.store, collectors, settings.resolveConflicts, this.now());
    const keys = new Set(applied.map(keyOf));
    const operator = addonOperatorObjectsWith(version, settings.configurationValues);
    this.replaceInstalled([...operator, ...applied], (object) => {
      if (keys.has(keyOf(object))) this.store.put(object);
      else this.replaceObject(object);
    });
  }

  /** cert-manager's three Deployments, in any namespace, found by label as EKS's pre-flight would, and Available */
  certManagerProblem(): string | undefined {
    const deployments = this.store.list('apps/v1', 'Deployment');
    const problems: string[] = [];
    for (const component of CERT_MANAGER_COMPONENTS) {
      const found = deployments.find((deployment) => {
        const labels = deployment.metadata.labels ?? {};
        const app = labels['app.kubernetes.io/name'] ?? labels.app;
        return app !== undefined && (component.names as readonly string[]).includes(app);
      });
      if (found === undefined) problems.push(`no cert-manager ${component.role} Deployment`);
      else if (!isDeploymentAvailable(found)) {
        problems.push(
          `cert-manager ${component.role} Deployment ${found.metadata.namespace}/${found.metadata.name} is not Available`,
        );
      }
    }
    if (problems.length === 0) return undefined;
    return `cert-manager is required by the ADOT add-on and is not ready in the cluster: ${problems.join('; ')}`;
  }

  hasAddonRbac(): boolean {
    return REQUIRED_ADDON_RBAC.every(
      ({ apiVersion, kind, name, namespace }) => this.store.get(apiVersion, kind, name, namespace) !== undefined,
    );
  }

  /** the operator's collectors go with it */
  override removeAddon(): void {
    for (const apiVersion of COLLECTOR_API_VERSIONS) {
      for (const collector of this.store.list(apiVersion, COLLECTOR_KIND)) this.delete(collector);
    }
    super.removeAddon();
  }
}

function keyOf(object: KubeObject): string {
  return JSON.stringify([object.apiVersion, object.kind, object.metadata.namespace ?? '', object.metadata.name]);
}
