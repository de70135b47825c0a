/**
 * Shared shapes of the sandbox. The seed (YAML, docs/sandbox.md "Seed file") is declared once in src/sandbox/seed,
 * which checks it and gives its types (re-exported here); the AWS emulator (src/sandbox/aws), the Kubernetes API
 * server (src/sandbox/kube) and the controllers (src/sandbox/controllers) meet only through the interfaces below.
 */
import type { KubeObject } from '../ports.js';
import type { SeedFault } from './seed/seed-schema.js';

export type { KubeObject } from '../ports.js';

// ---------- seed ----------
// the seed's types are inferred from its one declaration, src/sandbox/seed/seed-schema.ts
export type {
  Seed,
  SeedAddon,
  SeedAddonCatalogEntry,
  SeedAddonHealth,
  SeedAddonPodIdentityAssociation,
  SeedAmpWorkspace,
  SeedBehaviour,
  SeedCluster,
  SeedComputeType,
  SeedFault,
  SeedIamPolicy,
  SeedIamRole,
  SeedNode,
  SeedOidcProvider,
  SeedPodIdentityAssociation,
} from './seed/seed-schema.js';

// ---------- Kubernetes object store (one per emulated cluster) ----------
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/**
 * Every object of one emulated cluster, keyed by API group + kind + namespace + name: as in etcd, an object exists
 * once whatever version it was written in and keeps the apiVersion it was encoded in (a custom resource's storage
 * version when written through the API server; the API server converts it to the version a request names). The
 * version in `apiVersion` arguments only names the group. The API server serves the store over HTTP; controllers
 * read and write it directly. put() assigns uid, resourceVersion, creationTimestamp and generation (bumped when
 * anything but metadata/status changes) and notifies watchers; objects returned are copies.
 */
export interface ClusterStore {
  /** the object of that group/kind, in the version it is stored in */
  get(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined;
  /** every object of that group/kind (all namespaces unless one is given), in the versions they are stored in */
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** every object in the store */
  all(): KubeObject[];
  /** create or replace; returns the stored copy */
  put(object: KubeObject): KubeObject;
  /** returns the removed object, or undefined when absent */
  remove(apiVersion: string, kind: string, name: string, namespace?: string): KubeObject | undefined;
  /** listener called synchronously after every change; returns an unsubscribe function */
  watch(listener: (event: WatchEvent) => void): () => void;
}

// ---------- coupling between EKS add-on lifecycle and a cluster ----------
/** What CreateAddon/UpdateAddon ask of an install besides the version (the add-on's state after the request). */
export interface AddonInstallSettings {
  /** the add-on's configurationValues, already validated against the version's schema */
  configurationValues?: string;
  serviceAccountRoleArn?: string;
  /** the request's resolveConflicts (NONE, OVERWRITE or PRESERVE); absent is taken as NONE */
  resolveConflicts?: string;
}

/** A failed install as EKS reports it: the add-on's health issue (code, message, resourceIds). */
export class AddonHealthError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly resourceIds: string[] = [],
  ) {
    super(message);
    this.name = 'AddonHealthError';
  }
}

/**
 * What the EKS emulator asks of a cluster while it runs one add-on's lifecycle (implemented in controllers/); a
 * cluster has one set per add-on name. The rules (which add-on needs cert-manager, which version the add-on RBAC)
 * are the emulator's; the hooks answer facts about the cluster and change it.
 */
export interface ClusterAddonHooks {
  /**
   * install the objects of that add-on version (ADOT: namespace, CRDs, operator …, and the collectors its
   * configuration asks for; the agent: its DaemonSet). Throws AddonHealthError for a failure EKS reports as a health
   * issue (e.g. ConfigurationConflict).
   */
  installAddon(version: string, settings?: AddonInstallSettings): void;
  /** remove what installAddon created */
  removeAddon(): void;
  /** asked for add-ons that need cert-manager: undefined when it is usable, else why not (CreateAddon is refused) */
  certManagerProblem?(): string | undefined;
  /** asked for versions that need the add-on RBAC manifest: true when the eks:addon-manager roles are present */
  hasAddonRbac?(): boolean;
}

// ---------- AWS errors and faults ----------
/** An error the AWS emulator answers with, in the protocol's own shape (restJson1, query XML, awsJson1.1). */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AwsServiceError';
  }
}

export interface FaultTarget {
  service: SeedFault['service'];
  operation?: string;
  verb?: string;
  resource?: string;
}
