import { createHash, randomUUID } from 'node:crypto';
import type { ClusterAddonHooks, SeedAddon, SeedAddonCatalogEntry, SeedAddonHealth } from '../../types.js';
import { paginate, type Page } from '../protocols/pagination.js';
import { ADOT_ADDON_NAME, AddonCatalog, needsAddonRbac, type CatalogVersion } from './catalog.js';
import { configurationSchema, validateConfigurationValues } from './configuration.js';
import { invalidParameter, invalidRequest, resourceInUse, resourceNotFound } from './errors.js';

export interface EksTiming {
  addonCreateSeconds: number;
  addonDeleteSeconds: number;
  addonUpdateSeconds: number;
}

export interface EksEmulatorOptions {
  account: string;
  region: string;
  catalog: readonly SeedAddonCatalogEntry[];
  timing: EksTiming;
}

export interface EksClusterRegistration {
  name: string;
  /** EKS minor version, e.g. "1.22" */
  version: string;
  /** what the cluster's /version reports; kept for callers, EKS itself does not answer it */
  gitVersion?: string;
  status?: string;
  /** the Kubernetes API server URL */
  endpoint: string;
  oidcIssuer?: string;
  /** base64 PEM of the API server's CA, when it serves TLS */
  certificateAuthorityData?: string;
  hooks: ClusterAddonHooks;
  addons?: SeedAddon[];
}

export interface AddonIssue {
  code: string;
  message: string;
  resourceIds: string[];
}

/** An add-on as DescribeAddon answers it (timestamps as Dates; the wire layer encodes them). */
export interface AddonDescription {
  addonName: string;
  clusterName: string;
  status: string;
  addonVersion: string;
  health: { issues: AddonIssue[] };
  addonArn: string;
  createdAt: Date;
  modifiedAt: Date;
  serviceAccountRoleArn?: string;
  configurationValues?: string;
  tags: Record<string, string>;
}

export interface UpdateDescription {
  id: string;
  status: 'InProgress' | 'Failed' | 'Cancelled' | 'Successful';
  type: 'AddonUpdate';
  params: { type: string; value: string }[];
  createdAt: Date;
  errors: { errorCode: string; errorMessage: string; resourceIds: string[] }[];
}

export interface CreateAddonParams {
  addonName: string;
  addonVersion?: string;
  serviceAccountRoleArn?: string;
  resolveConflicts?: string;
  configurationValues?: string;
  tags?: Record<string, string>;
}

export interface UpdateAddonParams {
  addonVersion?: string;
  serviceAccountRoleArn?: string;
  resolveConflicts?: string;
  configurationValues?: string;
}

export interface PageRequest {
  maxResults?: number;
  nextToken?: string;
}

export interface AddonVersionsQuery extends PageRequest {
  addonName?: string;
  kubernetesVersion?: string;
  types?: string[];
  owners?: string[];
  publishers?: string[];
}

interface AddonState extends AddonDescription {
  pending: NodeJS.Timeout | undefined;
}

interface ClusterState {
  registration: EksClusterRegistration;
  arn: string;
  createdAt: Date;
  addons: Map<string, AddonState>;
  updates: Map<string, UpdateDescription & { addonName: string }>;
}

const RBAC_ACCESS_DENIED =
  'User "eks:addon-manager" cannot patch resource "roles" in API group "rbac.authorization.k8s.io" in the namespace "opentelemetry-operator-system"';
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/**
 * The EKS control plane as far as adot uses it: clusters registered by the sandbox and the ADOT add-on's
 * lifecycle. Create, update and delete take `timing` seconds each, on timers (0 = the next tick), and then act on
 * the cluster through its ClusterAddonHooks. Operations throw AwsServiceError with the codes EKS uses.
 */
export class EksEmulator {
  readonly account: string;
  readonly region: string;
  private readonly catalog: AddonCatalog;
  private readonly timing: EksTiming;
  private readonly clusters = new Map<string, ClusterState>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: EksEmulatorOptions) {
    this.account = options.account;
    this.region = options.region;
    this.catalog = new AddonCatalog(options.catalog);
    this.timing = options.timing;
  }

  addCluster(registration: EksClusterRegistration): void {
    if (this.clusters.has(registration.name)) throw new Error(`cluster ${registration.name} is already registered`);
    const cluster: ClusterState = {
      registration,
      arn: `arn:aws:eks:${this.region}:${this.account}:cluster/${registration.name}`,
      createdAt: new Date(),
      addons: new Map(),
      updates: new Map(),
    };
    for (const seeded of registration.addons ?? []) {
      cluster.addons.set(seeded.name, this.seededAddon(registration.name, seeded));
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
    const { registration } = cluster;
    const id = createHash('sha256').update(`${this.account}/${registration.name}`).digest('hex');
    return {
      name: registration.name,
      arn: cluster.arn,
      createdAt: cluster.createdAt,
      version: registration.version,
      endpoint: registration.endpoint,
      roleArn: `arn:aws:iam::${this.account}:role/${registration.name}-cluster-role`,
      resourcesVpcConfig: {
        subnetIds: [`subnet-${id.slice(0, 17)}`, `subnet-${id.slice(17, 34)}`],
        securityGroupIds: [],
        clusterSecurityGroupId: `sg-${id.slice(34, 51)}`,
        vpcId: `vpc-${id.slice(51, 64)}`,
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'],
      },
      kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
      logging: {
        clusterLogging: [
          { types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false },
        ],
      },
      identity: registration.oidcIssuer === undefined ? undefined : { oidc: { issuer: registration.oidcIssuer } },
      status: registration.status ?? 'ACTIVE',
      certificateAuthority:
        registration.certificateAuthorityData === undefined ? {} : { data: registration.certificateAuthorityData },
      platformVersion: 'eks.1',
      tags: {},
    };
  }

  /**
   * Pages count add-on versions rather than add-ons: the catalogue holds one add-on, and paging by version makes a
   * client that ignores nextToken visibly miss versions. Each page groups its versions under their add-on.
   */
  describeAddonVersions(query: AddonVersionsQuery): { addons: Record<string, unknown>[]; nextToken?: string } {
    const matchesAdot =
      (query.addonName === undefined || query.addonName === ADOT_ADDON_NAME) &&
      includesOrAbsent(query.types, 'observability') &&
      includesOrAbsent(query.owners, 'aws') &&
      includesOrAbsent(query.publishers, 'eks');
    const versions = matchesAdot ? this.catalog.list(query.kubernetesVersion) : [];
    const result = this.page<CatalogVersion>(versions, query);
    const addons =
      result.items.length === 0
        ? []
        : [
            {
              addonName: ADOT_ADDON_NAME,
              type: 'observability',
              addonVersions: result.items,
              publisher: 'eks',
              owner: 'aws',
            },
          ];
    return { addons, nextToken: result.next };
  }

  describeAddonConfiguration(addonName: string, addonVersion: string): Record<string, unknown> {
    if (addonName !== ADOT_ADDON_NAME || !this.catalog.has(addonVersion)) {
      throw resourceNotFound(`Addon ${addonName} with version ${addonVersion} not found.`, { addonName });
    }
    return {
      addonName,
      addonVersion,
      configurationSchema: configurationSchema(addonVersion),
      podIdentityConfiguration: [],
    };
  }

  listAddons(clusterName: string, page: PageRequest): { addons: string[]; nextToken?: string } {
    const result = this.page([...this.cluster(clusterName).addons.keys()].sort(), page);
    return { addons: result.items, nextToken: result.next };
  }

  describeAddon(clusterName: string, addonName: string): AddonDescription {
    return describe(this.addon(clusterName, addonName));
  }

  createAddon(clusterName: string, params: CreateAddonParams): AddonDescription {
    const cluster = this.cluster(clusterName);
    const { addonName } = params;
    const context = { clusterName, addonName };
    if (cluster.addons.has(addonName)) throw resourceInUse(`Addon already exists: ${addonName}`, context);
    if ((cluster.registration.status ?? 'ACTIVE') !== 'ACTIVE') {
      throw invalidRequest(`Cluster ${clusterName} is not in ACTIVE state`, context);
    }
    if (addonName !== ADOT_ADDON_NAME) {
      throw invalidParameter(`Addon ${addonName} specified is not supported`, context);
    }
    if (params.resolveConflicts !== undefined && !['NONE', 'OVERWRITE'].includes(params.resolveConflicts)) {
      throw invalidParameter(`ResolveConflicts ${params.resolveConflicts} is not supported on create`, context);
    }
    const version = this.resolveVersion(cluster, params.addonVersion, context);
    this.validateRole(params.serviceAccountRoleArn, context);
    if (params.configurationValues !== undefined) {
      validateConfigurationValues(version, params.configurationValues, clusterName, addonName);
    }
    const certManagerProblem = cluster.registration.hooks.certManagerProblem();
    if (certManagerProblem !== undefined) throw invalidParameter(certManagerProblem, context);

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
    cluster.addons.set(addonName, addon);
    this.after(addon, this.timing.addonCreateSeconds, () => {
      const issue = this.install(cluster, version);
      settle(addon, issue === undefined ? 'ACTIVE' : 'CREATE_FAILED', issue);
    });
    return describe(addon);
  }

  updateAddon(clusterName: string, addonName: string, params: UpdateAddonParams): UpdateDescription {
    const cluster = this.cluster(clusterName);
    const addon = this.addon(clusterName, addonName);
    const context = { clusterName, addonName };
    if (['CREATING', 'DELETING', 'UPDATING'].includes(addon.status)) {
      throw resourceInUse(`Addon ${addonName} cannot be updated while it is ${addon.status}`, context);
    }
    const version =
      params.addonVersion === undefined
        ? addon.addonVersion
        : this.resolveVersion(cluster, params.addonVersion, context);
    this.validateRole(params.serviceAccountRoleArn, context);
    if (params.configurationValues !== undefined) {
      validateConfigurationValues(version, params.configurationValues, clusterName, addonName);
    }
    const update: UpdateDescription & { addonName: string } = {
      id: randomUUID(),
      status: 'InProgress',
      type: 'AddonUpdate',
      params: updateParams(params),
      createdAt: new Date(),
      errors: [],
      addonName,
    };
    cluster.updates.set(update.id, update);
    if (params.serviceAccountRoleArn !== undefined)
      addon.serviceAccountRoleArn = emptyToUndefined(params.serviceAccountRoleArn);
    if (params.configurationValues !== undefined)
      addon.configurationValues = emptyToUndefined(params.configurationValues);
    addon.status = 'UPDATING';
    addon.modifiedAt = new Date();
    this.after(addon, this.timing.addonUpdateSeconds, () => {
      const issue = this.install(cluster, version);
      if (issue === undefined) addon.addonVersion = version;
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

  deleteAddon(clusterName: string, addonName: string, preserve: boolean): AddonDescription {
    const cluster = this.cluster(clusterName);
    const addon = this.addon(clusterName, addonName);
    if (addon.status !== 'DELETING') {
      addon.status = 'DELETING';
      addon.modifiedAt = new Date();
      this.after(addon, this.timing.addonDeleteSeconds, () => {
        cluster.addons.delete(addonName);
        if (!preserve) cluster.registration.hooks.removeAddon();
      });
    }
    return describe(addon);
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

  private resolveVersion(
    cluster: ClusterState,
    requested: string | undefined,
    context: { clusterName: string; addonName: string },
  ): string {
    const kubernetesVersion = cluster.registration.version;
    if (requested === undefined) {
      // with no version marked default, AWS support described the latest as the default:
      // https://github.com/terraform-aws-modules/terraform-aws-eks/issues/2731
      const fallback =
        this.catalog.defaultFor(kubernetesVersion) ?? this.catalog.list(kubernetesVersion)[0]?.addonVersion;
      if (fallback === undefined) {
        throw invalidParameter(
          `Addon ${context.addonName} has no version supported for Kubernetes version ${kubernetesVersion}`,
          context,
        );
      }
      return fallback;
    }
    if (!this.catalog.isCompatible(requested, kubernetesVersion)) {
      throw invalidParameter(
        `Addon version ${requested} of ${context.addonName} is not supported for Kubernetes version ${kubernetesVersion}`,
        context,
      );
    }
    return requested;
  }

  private validateRole(roleArn: string | undefined, context: { clusterName: string; addonName: string }): void {
    if (roleArn !== undefined && roleArn !== '' && !ROLE_ARN_PATTERN.test(roleArn)) {
      throw invalidParameter(`ServiceAccountRoleArn ${roleArn} is not a valid IAM role ARN`, context);
    }
  }

  /** the RBAC rule of versions <= v0.62.1, then the hook; returns the health issue on failure */
  private install(cluster: ClusterState, version: string): AddonIssue | undefined {
    const { hooks } = cluster.registration;
    if (needsAddonRbac(version) && !hooks.hasAddonRbac()) {
      return { code: 'AccessDenied', message: RBAC_ACCESS_DENIED, resourceIds: [] };
    }
    try {
      hooks.installAddon(version);
    } catch (error) {
      // a failing cluster must not take the endpoint down from inside a timer; EKS reports such failures as health
      return {
        code: 'InternalFailure',
        message: error instanceof Error ? error.message : String(error),
        resourceIds: [],
      };
    }
    return undefined;
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

function settle(addon: AddonState, status: string, issue: AddonIssue | undefined): void {
  addon.status = status;
  addon.health = { issues: issue === undefined ? [] : [issue] };
  addon.modifiedAt = new Date();
}

function describe(addon: AddonState): AddonDescription {
  const { pending: _pending, ...description } = addon;
  return structuredClone(description);
}

function describeUpdate(update: UpdateDescription & { addonName: string }): UpdateDescription {
  const { addonName: _addonName, ...description } = update;
  return structuredClone(description);
}

function updateParams(params: UpdateAddonParams): { type: string; value: string }[] {
  const entries: [string, string | undefined][] = [
    ['AddonVersion', params.addonVersion],
    ['ServiceAccountRoleArn', params.serviceAccountRoleArn],
    ['ResolveConflicts', params.resolveConflicts],
    ['ConfigurationValues', params.configurationValues],
  ];
  return entries.flatMap(([type, value]) => (value === undefined ? [] : [{ type, value }]));
}

function toIssue(health: SeedAddonHealth): AddonIssue {
  return { code: health.code, message: health.message, resourceIds: health.resourceIds ?? [] };
}

function includesOrAbsent(values: string[] | undefined, value: string): boolean {
  return values === undefined || values.length === 0 || values.includes(value);
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
