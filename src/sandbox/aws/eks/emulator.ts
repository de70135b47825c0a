/**
 * The EKS API's state machine for clusters, add-ons, updates and Pod Identity associations. Over ~400 lines because
 * each method is one EKS operation, kept together as the service model lists them; shapes, validation and add-on
 * definitions live in their own files (addon-*.ts, cluster-description.ts, configuration.ts, errors.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ClusterAddonHooks, SeedAddon } from '../../types.js';
import { paginate, type Page } from '../protocols/pagination.js';
import { adotAddonDefinition, podIdentityAgentAddonDefinition, type AddonDefinition } from './addon-definitions.js';
import { applyAddonAssociations, validateAddonAssociations } from './addon-pod-identity.js';
import {
  describe,
  describeUpdate,
  emptyToUndefined,
  installSettings,
  settle,
  toIssue,
  updateParams,
  type AddonState,
} from './addon-state.js';
import {
  installAddon,
  resolveAddonVersion,
  validateResolveConflicts,
  validateServiceAccountRoleArn,
  validateUpdateConfiguration,
} from './addon-lifecycle.js';
import { groupedByAddon, selectedVersions } from './addon-versions.js';
import { describeClusterDocument } from './cluster-description.js';
import type {
  AddonDescription,
  AddonVersionsQuery,
  CreateAddonParams,
  EksClusterRegistration,
  EksEmulatorOptions,
  EksTiming,
  PageRequest,
  UpdateAddonParams,
  UpdateDescription,
} from './emulator-types.js';
import { validateConfigurationValues } from './configuration.js';
import { invalidParameter, invalidRequest, resourceInUse, resourceNotFound } from './errors.js';
import {
  PodIdentityAssociations,
  type CreateAssociationParams,
  type PodIdentityAssociation,
  type PodIdentityAssociationSummary,
  type RoleDirectory,
  type UpdateAssociationParams,
} from './pod-identity.js';

export type * from './emulator-types.js';

interface ClusterState {
  registration: EksClusterRegistration;
  arn: string;
  createdAt: Date;
  addons: Map<string, AddonState>;
  updates: Map<string, UpdateDescription & { addonName: string }>;
  associations: PodIdentityAssociations;
}

type Where = { clusterName: string; addonName: string };

/**
 * The EKS control plane as far as adot uses it: clusters registered by the sandbox, the lifecycle of the add-ons
 * it knows (ADOT and the EKS Pod Identity Agent, each with its catalogue), and EKS Pod Identity associations.
 * Create, update and delete of an add-on take `timing` seconds each, on timers (0 = the next tick), and then act
 * on the cluster through that add-on's ClusterAddonHooks. Operations throw AwsServiceError with the codes EKS uses.
 */
export class EksEmulator {
  readonly account: string;
  readonly region: string;
  private readonly definitions: Map<string, AddonDefinition>;
  private readonly timing: EksTiming;
  private readonly roles: RoleDirectory;
  private readonly clusters = new Map<string, ClusterState>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: EksEmulatorOptions) {
    this.account = options.account;
    this.region = options.region;
    const definitions = [
      adotAddonDefinition(options.catalog),
      ...(options.addons ?? [podIdentityAgentAddonDefinition()]),
    ];
    this.definitions = new Map(definitions.map((definition) => [definition.name, definition]));
    this.timing = options.timing;
    this.roles = options.roles ?? { findRoleByArn: () => undefined };
  }

  addCluster(registration: EksClusterRegistration): void {
    if (this.clusters.has(registration.name)) throw new Error(`cluster ${registration.name} is already registered`);
    const cluster: ClusterState = {
      registration,
      arn: `arn:aws:eks:${this.region}:${this.account}:cluster/${registration.name}`,
      createdAt: new Date(),
      addons: new Map(),
      updates: new Map(),
      associations: new PodIdentityAssociations({
        account: this.account,
        region: this.region,
        clusterName: registration.name,
        roles: this.roles,
      }),
    };
    for (const seeded of registration.podIdentityAssociations ?? []) cluster.associations.seed(seeded);
    for (const seeded of registration.addons ?? []) {
      const addon = this.seededAddon(registration.name, seeded);
      const namespace = this.definitions.get(seeded.name)?.namespace;
      for (const association of seeded.podIdentityAssociations ?? []) {
        if (namespace === undefined) continue;
        cluster.associations.seed({ ...association, namespace }, addon.addonArn);
      }
      cluster.addons.set(seeded.name, addon);
    }
    this.clusters.set(registration.name, cluster);
  }

  /** stops every pending add-on transition */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  listClusters(page: PageRequest): { clusters: string[]; nextToken?: string } {
    const result = this.page([...this.clusters.keys()].sort(), page);
    return { clusters: result.items, nextToken: result.next };
  }

  describeCluster(name: string): Record<string, unknown> {
    const cluster = this.cluster(name);
    return describeClusterDocument({
      ...cluster.registration,
      account: this.account,
      arn: cluster.arn,
      createdAt: cluster.createdAt,
    });
  }

  /**
   * Every add-on the filters select (addonName, and types, owners and publishers each matching any of their
   * values), sorted by name. Pages count add-on versions rather than add-ons, so a client that ignores nextToken
   * visibly misses versions; each page groups its versions under their add-on.
   */
  describeAddonVersions(query: AddonVersionsQuery): { addons: Record<string, unknown>[]; nextToken?: string } {
    const versions = selectedVersions([...this.definitions.values()], query);
    const result = this.page(versions, query);
    return { addons: groupedByAddon(result.items), nextToken: result.next };
  }

  describeAddonConfiguration(addonName: string, addonVersion: string): Record<string, unknown> {
    const definition = this.definitions.get(addonName);
    if (definition === undefined || !definition.catalog.has(addonVersion)) {
      throw resourceNotFound(`Addon ${addonName} with version ${addonVersion} not found.`, { addonName });
    }
    return {
      addonName,
      addonVersion,
      configurationSchema: definition.configurationSchema(addonVersion),
      podIdentityConfiguration: definition.podIdentityConfiguration(addonVersion),
    };
  }

  listAddons(clusterName: string, page: PageRequest): { addons: string[]; nextToken?: string } {
    const result = this.page([...this.cluster(clusterName).addons.keys()].sort(), page);
    return { addons: result.items, nextToken: result.next };
  }

  describeAddon(clusterName: string, addonName: string): AddonDescription {
    return this.describeAddonState(this.cluster(clusterName), this.addon(clusterName, addonName));
  }

  createAddon(clusterName: string, params: CreateAddonParams): AddonDescription {
    const cluster = this.cluster(clusterName);
    const { addonName } = params;
    const where = { clusterName, addonName };
    if (cluster.addons.has(addonName)) throw resourceInUse(`Addon already exists: ${addonName}`, where);
    if ((cluster.registration.status ?? 'ACTIVE') !== 'ACTIVE') {
      throw invalidRequest(`Cluster ${clusterName} is not in ACTIVE state`, where);
    }
    const definition = this.definitions.get(addonName);
    if (definition === undefined) throw invalidParameter(`Addon ${addonName} specified is not supported`, where);
    validateResolveConflicts(params.resolveConflicts, where);
    const version = resolveAddonVersion(definition, cluster.registration.version, params.addonVersion, where);
    validateServiceAccountRoleArn(params.serviceAccountRoleArn, where);
    if (params.configurationValues !== undefined) {
      validateConfigurationValues(definition.configurationSchema(version), params.configurationValues, where);
    }
    if (definition.requiresCertManager) {
      const certManagerProblem = this.hooksOf(cluster, addonName)?.certManagerProblem?.();
      if (certManagerProblem !== undefined) throw invalidParameter(certManagerProblem, where);
    }
    const requested = params.podIdentityAssociations ?? [];
    validateAddonAssociations(requested, { definition, version, store: cluster.associations, where });

    const now = new Date();
    const addon: AddonState = {
      addonName,
      clusterName,
      status: 'CREATING',
      addonVersion: version,
      health: { issues: [] },
      addonArn: this.addonArn(clusterName, addonName),
      createdAt: now,
      modifiedAt: now,
      serviceAccountRoleArn: emptyToUndefined(params.serviceAccountRoleArn),
      configurationValues: emptyToUndefined(params.configurationValues),
      tags: { ...params.tags },
      pending: undefined,
    };
    applyAddonAssociations(requested, {
      namespace: definition.namespace,
      ownerArn: addon.addonArn,
      store: cluster.associations,
    });
    cluster.addons.set(addonName, addon);
    this.after(addon, this.timing.addonCreateSeconds, () => {
      const settings = installSettings(addon, params.resolveConflicts);
      const issue = installAddon(definition, this.hooksOf(cluster, definition.name), version, settings);
      settle(addon, issue === undefined ? 'ACTIVE' : 'CREATE_FAILED', issue);
    });
    return this.describeAddonState(cluster, addon);
  }

  updateAddon(clusterName: string, addonName: string, params: UpdateAddonParams): UpdateDescription {
    const cluster = this.cluster(clusterName);
    const addon = this.addon(clusterName, addonName);
    const where = { clusterName, addonName };
    if (['CREATING', 'DELETING', 'UPDATING'].includes(addon.status)) {
      throw resourceInUse(`Addon ${addonName} cannot be updated while it is ${addon.status}`, where);
    }
    const definition = this.definitionOf(addonName, where);
    const version =
      params.addonVersion === undefined
        ? addon.addonVersion
        : resolveAddonVersion(definition, cluster.registration.version, params.addonVersion, where);
    validateResolveConflicts(params.resolveConflicts, where);
    validateServiceAccountRoleArn(params.serviceAccountRoleArn, where);
    validateUpdateConfiguration(definition, { addon, version, values: params.configurationValues }, where);
    if (params.podIdentityAssociations !== undefined) {
      validateAddonAssociations(params.podIdentityAssociations, {
        definition,
        version,
        ownerArn: addon.addonArn,
        store: cluster.associations,
        where,
      });
    }
    const update: UpdateDescription & { addonName: string } = {
      id: randomUUID(),
      status: 'InProgress',
      type: 'AddonUpdate',
      params: updateParams(params, definition.namespace),
      createdAt: new Date(),
      errors: [],
      addonName,
    };
    cluster.updates.set(update.id, update);
    const previousValues = addon.configurationValues;
    if (params.serviceAccountRoleArn !== undefined)
      addon.serviceAccountRoleArn = emptyToUndefined(params.serviceAccountRoleArn);
    if (params.configurationValues !== undefined)
      addon.configurationValues = emptyToUndefined(params.configurationValues);
    if (params.podIdentityAssociations !== undefined) {
      applyAddonAssociations(params.podIdentityAssociations, {
        namespace: definition.namespace,
        ownerArn: addon.addonArn,
        store: cluster.associations,
      });
    }
    addon.status = 'UPDATING';
    addon.modifiedAt = new Date();
    this.after(addon, this.timing.addonUpdateSeconds, () => {
      const settings = installSettings(addon, params.resolveConflicts);
      const issue = installAddon(definition, this.hooksOf(cluster, definition.name), version, settings);
      // a failed update leaves the add-on's version and configuration as the cluster still has them
      if (issue === undefined) addon.addonVersion = version;
      else addon.configurationValues = previousValues;
      settle(addon, issue === undefined ? 'ACTIVE' : 'UPDATE_FAILED', issue);
      update.status = issue === undefined ? 'Successful' : 'Failed';
      if (issue !== undefined)
        update.errors = [{ errorCode: issue.code, errorMessage: issue.message, resourceIds: issue.resourceIds }];
    });
    return describeUpdate(update);
  }

  describeUpdate(clusterName: string, updateId: string, addonName?: string): UpdateDescription {
    const update = this.cluster(clusterName).updates.get(updateId);
    if (update === undefined || (addonName !== undefined && update.addonName !== addonName)) {
      throw resourceNotFound(`No update found for ID: ${updateId}`, { clusterName, addonName });
    }
    return describeUpdate(update);
  }

  /**
   * DELETING for addonDeleteSeconds, then gone with its objects and the pod identity associations it owns; with
   * preserve both stay ("If you specify the --preserve option … the associations are preserved",
   * https://docs.aws.amazon.com/eks/latest/userguide/removing-an-add-on.html), no longer owned by anything.
   */
  deleteAddon(clusterName: string, addonName: string, preserve: boolean): AddonDescription {
    const cluster = this.cluster(clusterName);
    const addon = this.addon(clusterName, addonName);
    if (addon.status !== 'DELETING') {
      addon.status = 'DELETING';
      addon.modifiedAt = new Date();
      this.after(addon, this.timing.addonDeleteSeconds, () => {
        cluster.addons.delete(addonName);
        for (const owned of cluster.associations.ownedBy(addon.addonArn)) {
          if (preserve) cluster.associations.disown(owned.associationId);
          else cluster.associations.delete(owned.associationId);
        }
        if (!preserve) this.hooksOf(cluster, addonName)?.removeAddon();
      });
    }
    return this.describeAddonState(cluster, addon);
  }

  // ---------- EKS Pod Identity associations ----------

  createPodIdentityAssociation(clusterName: string, params: CreateAssociationParams): PodIdentityAssociation {
    const cluster = this.cluster(clusterName);
    if ((cluster.registration.status ?? 'ACTIVE') !== 'ACTIVE') {
      // as CreateAddon answers; EKS's wording for associations is not public
      throw invalidRequest(`Cluster ${clusterName} is not in ACTIVE state`, { clusterName });
    }
    return cluster.associations.create(params);
  }

  listPodIdentityAssociations(
    clusterName: string,
    query: PageRequest & { namespace?: string; serviceAccount?: string },
  ): { associations: PodIdentityAssociationSummary[]; nextToken?: string } {
    const all = this.cluster(clusterName).associations.list(query);
    const result = this.page(all, query);
    return { associations: result.items, nextToken: result.next };
  }

  describePodIdentityAssociation(clusterName: string, associationId: string): PodIdentityAssociation {
    return this.cluster(clusterName).associations.describe(associationId);
  }

  updatePodIdentityAssociation(
    clusterName: string,
    associationId: string,
    params: UpdateAssociationParams,
  ): PodIdentityAssociation {
    return this.cluster(clusterName).associations.update(associationId, params);
  }

  deletePodIdentityAssociation(clusterName: string, associationId: string): PodIdentityAssociation {
    return this.cluster(clusterName).associations.delete(associationId);
  }

  /** the association of a namespace and service account (what EKS Auth and the pod webhook look up), if any */
  podIdentityAssociationFor(
    clusterName: string,
    namespace: string,
    serviceAccount: string,
  ): PodIdentityAssociation | undefined {
    const association = this.clusters.get(clusterName)?.associations.find(namespace, serviceAccount);
    return association === undefined ? undefined : structuredClone(association);
  }

  /** the facts of a cluster other services need (its ARN, OIDC issuer, status), or undefined when unknown */
  clusterFacts(clusterName: string): { arn: string; oidcIssuer?: string; status: string } | undefined {
    const cluster = this.clusters.get(clusterName);
    if (cluster === undefined) return undefined;
    const { oidcIssuer, status } = cluster.registration;
    return { arn: cluster.arn, ...(oidcIssuer === undefined ? {} : { oidcIssuer }), status: status ?? 'ACTIVE' };
  }

  private cluster(name: string): ClusterState {
    const cluster = this.clusters.get(name);
    if (cluster === undefined) throw resourceNotFound(`No cluster found for name: ${name}.`, { clusterName: name });
    return cluster;
  }

  private addon(clusterName: string, addonName: string): AddonState {
    const addon = this.cluster(clusterName).addons.get(addonName);
    if (addon === undefined) {
      throw resourceNotFound(`No addon: ${addonName} found in cluster: ${clusterName}`, { clusterName, addonName });
    }
    return addon;
  }

  private definitionOf(addonName: string, where: Where): AddonDefinition {
    const definition = this.definitions.get(addonName);
    if (definition === undefined) throw invalidParameter(`Addon ${addonName} specified is not supported`, where);
    return definition;
  }

  private hooksOf(cluster: ClusterState, addonName: string): ClusterAddonHooks | undefined {
    return cluster.registration.addonHooks[addonName];
  }

  private describeAddonState(cluster: ClusterState, addon: AddonState): AddonDescription {
    const description = describe(addon);
    const owned = cluster.associations.ownedBy(addon.addonArn).map((association) => association.associationArn);
    return owned.length === 0 ? description : { ...description, podIdentityAssociations: owned };
  }

  private after(addon: AddonState, seconds: number, action: () => void): void {
    if (addon.pending !== undefined) this.cancel(addon.pending);
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        addon.pending = undefined;
        action();
      },
      Math.max(0, seconds * 1000),
    );
    this.timers.add(timer);
    addon.pending = timer;
  }

  private cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  private page<T>(items: readonly T[], request: PageRequest): Page<T> {
    return paginate(
      items,
      { limit: request.maxResults, token: request.nextToken, defaultLimit: 100, maxLimit: 100 },
      (message) => invalidParameter(message),
    );
  }

  private addonArn(clusterName: string, addonName: string): string {
    return `arn:aws:eks:${this.region}:${this.account}:addon/${clusterName}/${addonName}/${randomUUID()}`;
  }

  private seededAddon(clusterName: string, seeded: SeedAddon): AddonState {
    const now = new Date();
    return {
      addonName: seeded.name,
      clusterName,
      status: seeded.status ?? 'ACTIVE',
      addonVersion: seeded.version,
      health: { issues: (seeded.health ?? []).map(toIssue) },
      addonArn: this.addonArn(clusterName, seeded.name),
      createdAt: now,
      modifiedAt: now,
      serviceAccountRoleArn: seeded.serviceAccountRoleArn,
      configurationValues: seeded.configurationValues,
      tags: {},
      pending: undefined,
    };
  }
}
