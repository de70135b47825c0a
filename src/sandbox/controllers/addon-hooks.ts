import { ADDON_MANAGED_LABEL, addonOperatorObjects } from '../seed/addon-objects.js';
import { REQUIRED_ADDON_RBAC } from '../seed/addon-rbac.js';
import type { ClusterAddonHooks, ClusterStore, KubeObject } from '../types.js';
import { isDeploymentAvailable } from './objects.js';
import { COLLECTOR_API_VERSIONS, COLLECTOR_KIND } from './operator.js';

const CERT_MANAGER_COMPONENTS = [
  { role: 'controller', names: ['cert-manager'] },
  { role: 'cainjector', names: ['cainjector', 'cert-manager-cainjector'] },
  { role: 'webhook', names: ['webhook', 'cert-manager-webhook'] },
] as const;

/** What the EKS emulator asks of one cluster during the add-on lifecycle, answered from its store. */
export class StoreAddonHooks implements ClusterAddonHooks {
  constructor(private readonly store: ClusterStore) {}

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

  /** replaces what a previous version installed, keeping collectors */
  installAddon(version: string): void {
    const objects = addonOperatorObjects(version);
    const keys = new Set(objects.map(keyOf));
    for (const stale of this.installed()) if (!keys.has(keyOf(stale))) this.delete(stale);
    for (const object of objects) {
      const existing = this.find(object);
      this.store.put(
        existing === undefined
          ? object
          : { ...object, metadata: { ...existing.metadata, ...object.metadata }, status: existing.status },
      );
    }
  }

  removeAddon(): void {
    for (const apiVersion of COLLECTOR_API_VERSIONS) {
      for (const collector of this.store.list(apiVersion, COLLECTOR_KIND)) this.delete(collector);
    }
    const installed = this.installed();
    for (const object of installed) if (object.kind !== 'Namespace') this.delete(object);
    // the namespace is shared with the add-on RBAC manifest, which the user applied and EKS leaves alone
    for (const namespace of installed.filter((object) => object.kind === 'Namespace')) {
      const stillUsed = this.store.all().some((object) => object.metadata.namespace === namespace.metadata.name);
      if (!stillUsed) this.delete(namespace);
    }
  }

  private installed(): KubeObject[] {
    return this.store.all().filter((object) => object.metadata.labels?.[ADDON_MANAGED_LABEL] !== undefined);
  }

  private find(object: KubeObject): KubeObject | undefined {
    return this.store.get(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
  }

  private delete(object: KubeObject): void {
    this.store.remove(object.apiVersion, object.kind, object.metadata.name, object.metadata.namespace);
  }
}

function keyOf(object: KubeObject): string {
  return JSON.stringify([object.apiVersion, object.kind, object.metadata.namespace ?? '', object.metadata.name]);
}
