/**
 * The narrow interfaces the application needs. Adapters in src/adapters implement them over the AWS SDK v3 and
 * @kubernetes/client-node; src/system.ts is the only place that builds them. Methods return `undefined` for
 * "not found" where absence is an expected answer, and throw AdotError (src/core/errors.ts) for everything else.
 */

// ---------- EKS ----------
export type AddonStatus =
  'CREATING' | 'ACTIVE' | 'CREATE_FAILED' | 'UPDATING' | 'DELETING' | 'DELETE_FAILED' | 'DEGRADED' | 'UPDATE_FAILED';

export interface ClusterInfo {
  name: string;
  arn: string;
  /** EKS minor version, e.g. "1.22" */
  version: string;
  status: string;
  /** the Kubernetes API endpoint */
  endpoint: string;
  /** identity.oidc.issuer, e.g. https://oidc.eks.us-east-1.amazonaws.com/id/0123… */
  oidcIssuer: string | undefined;
}

/** An EKS Pod Identity association: pods of this namespace/service account get the role's credentials. */
export interface PodIdentityAssociationInfo {
  associationId: string;
  associationArn: string;
  clusterName: string;
  namespace: string;
  serviceAccount: string;
  roleArn: string;
  /** the add-on that owns it, when an add-on created it (podIdentityAssociations of CreateAddon) */
  ownerArn: string | undefined;
  /** EKS passes no session tags (kubernetes-namespace, …) when true */
  disableSessionTags: boolean;
  tags: Record<string, string>;
}

export interface AddonConfigurationInfo {
  addonName: string;
  addonVersion: string;
  /** the JSON schema of configurationValues, as text; undefined when the version takes none */
  configurationSchema: string | undefined;
  /** the service accounts of the add-on that can use Pod Identity, and the managed policies AWS recommends */
  podIdentityConfiguration: { serviceAccount: string; recommendedManagedPolicies: string[] }[];
}

export interface AddonVersionInfo {
  addonVersion: string;
  architecture: string[];
  compatibilities: { clusterVersion: string; defaultVersion: boolean }[];
  requiresConfiguration: boolean;
}

export interface AddonHealthIssue {
  code: string;
  message: string;
  resourceIds: string[];
}

export interface AddonInfo {
  addonName: string;
  addonVersion: string;
  status: AddonStatus;
  health: AddonHealthIssue[];
  serviceAccountRoleArn: string | undefined;
  configurationValues: string | undefined;
  createdAt: Date | undefined;
  modifiedAt: Date | undefined;
  /** ARNs of the Pod Identity associations the add-on owns */
  podIdentityAssociations: string[];
  /** the add-on's tags (adot tags what it creates: MANAGED_BY_TAG) */
  tags?: Record<string, string>;
}

export interface AddonPodIdentityAssociation {
  serviceAccount: string;
  roleArn: string;
}

export interface CreateAddonInput {
  clusterName: string;
  addonName: string;
  addonVersion?: string;
  serviceAccountRoleArn?: string;
  resolveConflicts?: 'NONE' | 'OVERWRITE';
  configurationValues?: string;
  podIdentityAssociations?: AddonPodIdentityAssociation[];
  tags?: Record<string, string>;
}

export interface UpdateAddonInput {
  clusterName: string;
  addonName: string;
  addonVersion?: string;
  serviceAccountRoleArn?: string;
  resolveConflicts?: 'NONE' | 'OVERWRITE' | 'PRESERVE';
  configurationValues?: string;
  podIdentityAssociations?: AddonPodIdentityAssociation[];
}

export interface Eks {
  listClusters(): Promise<string[]>;
  describeCluster(name: string): Promise<ClusterInfo | undefined>;
  /** every page of DescribeAddonVersions for one add-on, optionally filtered by Kubernetes version */
  describeAddonVersions(addonName: string, kubernetesVersion?: string): Promise<AddonVersionInfo[]>;
  describeAddon(clusterName: string, addonName: string): Promise<AddonInfo | undefined>;
  createAddon(input: CreateAddonInput): Promise<AddonInfo>;
  updateAddon(input: UpdateAddonInput): Promise<void>;
  /** false when the add-on did not exist */
  deleteAddon(clusterName: string, addonName: string, options?: { preserve?: boolean }): Promise<boolean>;
  listAddons(clusterName: string): Promise<string[]>;
  /** undefined when the add-on or version is unknown */
  describeAddonConfiguration(addonName: string, addonVersion: string): Promise<AddonConfigurationInfo | undefined>;
  /** every association of the cluster (optionally of one namespace / service account), described */
  listPodIdentityAssociations(
    clusterName: string,
    filter?: { namespace?: string; serviceAccount?: string },
  ): Promise<PodIdentityAssociationInfo[]>;
  describePodIdentityAssociation(
    clusterName: string,
    associationId: string,
  ): Promise<PodIdentityAssociationInfo | undefined>;
  createPodIdentityAssociation(input: {
    clusterName: string;
    namespace: string;
    serviceAccount: string;
    roleArn: string;
    tags?: Record<string, string>;
  }): Promise<PodIdentityAssociationInfo>;
  updatePodIdentityAssociation(input: {
    clusterName: string;
    associationId: string;
    roleArn: string;
  }): Promise<PodIdentityAssociationInfo>;
  /** false when it did not exist */
  deletePodIdentityAssociation(clusterName: string, associationId: string): Promise<boolean>;
}

// ---------- IAM ----------
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Record<string, string | string[]>;
  Action: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  Resource?: string | string[];
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export interface RoleInfo {
  name: string;
  arn: string;
  /** decoded (URL-decoded, JSON-parsed) trust policy */
  assumeRolePolicyDocument: PolicyDocument;
}

export interface OidcProviderInfo {
  arn: string;
  /** without the scheme, as IAM returns it: oidc.eks.REGION.amazonaws.com/id/ID */
  url: string;
  clientIds: string[];
  thumbprints: string[];
}

export interface Iam {
  getRole(roleName: string): Promise<RoleInfo | undefined>;
  createRole(input: {
    roleName: string;
    assumeRolePolicyDocument: PolicyDocument;
    description?: string;
    tags?: Record<string, string>;
  }): Promise<RoleInfo>;
  updateAssumeRolePolicy(roleName: string, document: PolicyDocument): Promise<void>;
  /** false when the role did not exist */
  deleteRole(roleName: string): Promise<boolean>;
  listAttachedRolePolicies(roleName: string): Promise<string[]>;
  attachRolePolicy(roleName: string, policyArn: string): Promise<void>;
  detachRolePolicy(roleName: string, policyArn: string): Promise<void>;
  listOpenIdConnectProviders(): Promise<string[]>;
  getOpenIdConnectProvider(arn: string): Promise<OidcProviderInfo | undefined>;
  createOpenIdConnectProvider(input: { url: string; clientIds: string[]; thumbprints?: string[] }): Promise<string>;
  deleteOpenIdConnectProvider(arn: string): Promise<boolean>;
  /** names of the role's inline policies */
  listRolePolicies(roleName: string): Promise<string[]>;
  /** an inline policy's document (decoded); undefined when absent */
  getRolePolicy(roleName: string, policyName: string): Promise<PolicyDocument | undefined>;
  /** a managed policy's default version (decoded); undefined when the policy does not exist */
  getManagedPolicy(policyArn: string): Promise<ManagedPolicyInfo | undefined>;
}

export interface ManagedPolicyInfo {
  arn: string;
  name: string;
  versionId: string;
  document: PolicyDocument;
}

// ---------- Amazon Managed Service for Prometheus ----------
export type AmpWorkspaceStatus = 'CREATING' | 'ACTIVE' | 'UPDATING' | 'DELETING' | 'CREATION_FAILED';

export interface AmpWorkspaceInfo {
  workspaceId: string;
  alias: string | undefined;
  arn: string;
  status: AmpWorkspaceStatus | string;
  /** https://aps-workspaces.REGION.amazonaws.com/workspaces/ws-…/ */
  prometheusEndpoint: string | undefined;
}

/** Each call names its region: an AMP workspace lives in one, which may not be the cluster's. */
export interface Amp {
  listWorkspaces(region: string, alias?: string): Promise<AmpWorkspaceInfo[]>;
  /** undefined when no workspace has that id in that region */
  describeWorkspace(region: string, workspaceId: string): Promise<AmpWorkspaceInfo | undefined>;
  createWorkspace(region: string, alias: string, tags?: Record<string, string>): Promise<AmpWorkspaceInfo>;
}

// ---------- STS ----------
export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface Sts {
  getCallerIdentity(): Promise<CallerIdentity>;
}

// ---------- Kubernetes ----------
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface KubeRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface KubeContextInfo {
  contextName: string;
  clusterName: string;
  server: string;
}

export interface KubeVersion {
  gitVersion: string;
  major: string;
  minor: string;
}

export interface AccessAttributes {
  verb: string;
  group?: string;
  resource: string;
  namespace?: string;
  name?: string;
}

export interface RolloutStatus {
  /** observed generation caught up, updated == desired, available == desired */
  complete: boolean;
  desired: number;
  updated: number;
  ready: number;
  available: number;
  /** condition messages when not complete, for errors and doctor */
  message: string;
}

export interface Kube {
  /** the context in use (from --kubeconfig / KUBECONFIG / --context) */
  context(): KubeContextInfo;
  version(): Promise<KubeVersion>;
  get(ref: KubeRef): Promise<KubeObject | undefined>;
  list(
    apiVersion: string,
    kind: string,
    options?: { namespace?: string; labelSelector?: string },
  ): Promise<KubeObject[]>;
  /** server-side apply with fieldManager "adot" */
  apply(object: KubeObject, options?: { force?: boolean; dryRun?: boolean }): Promise<KubeObject>;
  /** false when it did not exist */
  delete(ref: KubeRef): Promise<boolean>;
  canI(attributes: AccessAttributes): Promise<{ allowed: boolean; reason?: string }>;
  rolloutStatus(namespace: string, deploymentName: string): Promise<RolloutStatus | undefined>;
}

// ---------- time, interaction, output ----------
export interface Clock {
  now(): number;
  /** resolves after ms; rejects with AdotError kind "interrupted" when the signal aborts */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
  checked?: boolean;
}

/**
 * Asks a person. Each question names the flag (and environment variable) that answers it, so that when the
 * session is not interactive the prompter throws a usage error naming them instead of prompting.
 */
export interface Prompter {
  readonly interactive: boolean;
  confirm(question: { message: string; flag: string; default?: boolean }): Promise<boolean>;
  select<T>(question: { message: string; flag: string; env?: string; choices: Choice<T>[]; default?: T }): Promise<T>;
  checkbox<T>(question: { message: string; flag: string; choices: Choice<T>[] }): Promise<T[]>;
  input(question: {
    message: string;
    flag: string;
    env?: string;
    default?: string;
    validate?: (value: string) => true | string;
  }): Promise<string>;
}

export type OutputFormat = 'text' | 'json' | 'yaml' | 'short';

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  /** ended with something to look at */
  warn(text?: string): void;
  /** ended without doing anything, on purpose (a neutral, dim mark) */
  skip(text?: string): void;
  stop(): void;
}

/**
 * The one IO host: the result goes to stdout (a JSON/YAML document or the text report), everything else
 * (progress, spinners, warnings, errors) to stderr.
 */
export interface Output {
  readonly format: OutputFormat;
  readonly color: boolean;
  /** write the command's result on stdout: `document` for json/yaml, `text()` for text/short */
  result(document: unknown, text: () => string): void;
  /** raw text to stdout (manifests) */
  stdout(text: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  verbose(message: string): void;
  spinner(text: string): Spinner;
  /** runs a prompt: any spinner is paused (its line cleared) while it is open, and resumed after */
  whilePrompting<T>(ask: () => Promise<T>): Promise<T>;
}
