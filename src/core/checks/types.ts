/**
 * The snapshot doctor's checks run over, and the shape of a check. Facts are gathered once (src/app/doctor/facts.ts);
 * checks are pure functions of facts + context.
 */
import type {
  AccessAttributes,
  AddonInfo,
  AmpWorkspaceInfo,
  AddonVersionInfo,
  CallerIdentity,
  ClusterInfo,
  KubeContextInfo,
  KubeObject,
  KubeVersion,
  OidcProviderInfo,
  PodIdentityAssociationInfo,
  PolicyDocument,
  RoleInfo,
  RolloutStatus,
} from '../../ports.js';
import type { IdentityMode } from '../identity/mode.js';
import type { Target } from '../targets.js';
import type { ALL_CHECKS } from './index.js';

/**
 * The id of one of doctor's checks (docs/checks.md), derived from the one list of them, ALL_CHECKS: naming a check
 * that does not exist (a misspelled `dependsOn`, hint or test id) is a compile error.
 */
export type CheckId = (typeof ALL_CHECKS)[number]['id'];

export interface FactError {
  code: string;
  message: string;
  hint?: string;
  /** the caller lacks permission to read it (Kubernetes 403 / AWS AccessDenied) */
  forbidden?: boolean;
}

/** A value that was loaded, or the error loading it got. */
export type Fact<T> = { ok: true; value: T } | { ok: false; error: FactError };

export interface AccessReview {
  attributes: AccessAttributes;
  allowed: boolean;
  reason?: string;
}

export interface DoctorFacts {
  identity: Fact<CallerIdentity>;
  /** undefined value: DescribeCluster said ResourceNotFound */
  cluster: Fact<ClusterInfo | undefined>;
  kubeContext: Fact<KubeContextInfo>;
  kubeVersion: Fact<KubeVersion>;
  accessReviews: Fact<AccessReview[]>;
  deployments: Fact<KubeObject[]>;
  crds: Fact<KubeObject[]>;
  validatingWebhooks: Fact<KubeObject[]>;
  mutatingWebhooks: Fact<KubeObject[]>;
  services: Fact<KubeObject[]>;
  endpoints: Fact<KubeObject[]>;
  clusterRoles: Fact<KubeObject[]>;
  clusterRoleBindings: Fact<KubeObject[]>;
  /** Roles and RoleBindings in the add-on RBAC namespace */
  addonRbacRoles: Fact<KubeObject[]>;
  addonRbacRoleBindings: Fact<KubeObject[]>;
  /** undefined value: the add-on is not installed */
  addon: Fact<AddonInfo | undefined>;
  /** every ADOT version DescribeAddonVersions lists (all Kubernetes versions) */
  addonVersions: Fact<AddonVersionInfo[]>;
  /** OpenTelemetryCollectors in the collector namespace */
  collectors: Fact<KubeObject[]>;
  /** ServiceAccounts in the collector namespace */
  serviceAccounts: Fact<KubeObject[]>;
  /** rollout of Deployment `<collector>-collector`; undefined value: no such Deployment */
  collectorRollout: Fact<RolloutStatus | undefined>;
  oidcProviderArns: Fact<string[]>;
  /** the provider whose ARN matches the cluster's issuer; undefined value: none */
  oidcProvider: Fact<OidcProviderInfo | undefined>;
  /** the role doctor examines (see collectorIdentity); undefined value: no such role */
  role: Fact<RoleInfo | undefined>;
  attachedPolicies: Fact<string[]>;
  /** the documents of the examined role's managed (default versions) and inline policies */
  policyDocuments: Fact<RolePolicyDocument[]>;
  /** Node objects (for Fargate-only clusters, where Pod Identity is not available) */
  nodes: Fact<KubeObject[]>;
  /** the eks-pod-identity-agent add-on; undefined value: not installed as an add-on */
  podIdentityAgentAddon: Fact<AddonInfo | undefined>;
  /** DaemonSets (the pod identity agent and daemonset-mode collectors run as ones) */
  daemonSets: Fact<KubeObject[]>;
  /** StatefulSets of the collector namespace (statefulset-mode collectors run as ones) */
  statefulSets: Fact<KubeObject[]>;
  /** Pod Identity associations of the collector namespace */
  podIdentityAssociations: Fact<PodIdentityAssociationInfo[]>;
  /** the AMP workspace the collector's remote write targets; undefined value: it exports to no AMP workspace */
  ampWorkspace: Fact<AmpWorkspaceFact | undefined>;
  /** the installed add-on's configurationValues and the schema of the version doctor checks; undefined: no values */
  addonConfiguration: Fact<AddonConfigurationFact | undefined>;
  /** the collectors the add-on deploys from its own configuration (--mode addon-config), and what they need */
  addonCollectors: Fact<AddonCollectorFacts>;
  /** sequential round trips on the critical path of gathering */
  roundTrips: number;
}

export interface AddonConfigurationFact {
  /** the version whose schema was read: an exact --addon-version, else the installed one */
  version: string;
  /** DescribeAddonConfiguration's schema; undefined: the version has none */
  schema: string | undefined;
}

export interface AddonCollectorFacts {
  /** OpenTelemetryCollectors in the add-on's namespace */
  collectors: KubeObject[];
  serviceAccounts: KubeObject[];
  associations: PodIdentityAssociationInfo[];
  /** the roles the add-on's collectors' service accounts name, by role name */
  roles: Record<string, AddonCollectorRole>;
  /** the AMP workspace each collector remote-writes to, by collector name (none: it writes to no workspace) */
  workspaces: Record<string, AmpWorkspaceFact>;
}

export interface AddonCollectorRole {
  /** undefined: no such role */
  role: RoleInfo | undefined;
  documents: RolePolicyDocument[];
}

export interface RolePolicyDocument {
  /** the managed policy's ARN, or the inline policy's name */
  name: string;
  kind: 'managed' | 'inline';
  document: PolicyDocument;
}

export interface AmpWorkspaceFact {
  /** what the exporter's endpoint names */
  workspaceId: string;
  endpointRegion: string;
  /** the sigv4auth extension's region, when it names one */
  signingRegion: string | undefined;
  /** DescribeWorkspace in the endpoint's region; undefined: no such workspace there */
  workspace: AmpWorkspaceInfo | undefined;
}

export interface DoctorContext {
  clusterName: string;
  pre: boolean;
  namespace: string;
  serviceAccount: string;
  collectorName: string;
  roleName: string;
  /** true when --role-name was given, so a service account naming another role is a finding */
  roleNameGiven: boolean;
  addonVersion: string | undefined;
  targets: Target[] | undefined;
  /** the identity the collector should have (install's choice, or doctor --identity); undefined: whatever is there */
  identity?: IdentityMode | undefined;
}

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckOutcome {
  status: CheckStatus;
  message: string;
  observed?: string;
  expected?: string;
  hint?: string;
  /**
   * with status skip: the check does not apply to this setup (an IRSA check when the collector uses EKS Pod
   * Identity, or the reverse), so its dependents still run; any other skip skips them
   */
  notApplicable?: boolean;
}

export type CheckCategory = 'aws' | 'kubernetes' | 'cert-manager' | 'addon' | 'identity' | 'iam' | 'collector';

/** What every check has, whatever its ids are typed as. */
interface CheckFields<Id extends string> {
  id: Id;
  category: CheckCategory;
  title: string;
  /** runs under --pre; otherwise skipped with "not installed yet (--pre)" */
  appliesToPre: boolean;
  /** can become ready by itself; --wait re-runs it */
  retryable: boolean;
  run(facts: DoctorFacts, context: DoctorContext): CheckOutcome;
}

/**
 * One of doctor's checks. Declare it annotated, `export const x: Check<'its.id'> = { id: 'its.id', … }`, and list it
 * in ALL_CHECKS: CheckId is derived from there, so a check's type must not be inferred from an initializer that names
 * other ids (`satisfies` would be: TypeScript reports the circularity).
 */
export interface Check<Id extends string = CheckId> extends CheckFields<Id> {
  /** ids of checks that must pass (or warn) first; a failed or skipped dependency skips this one */
  dependsOn: readonly CheckId[];
}

/** What the runner runs: a check over ids of any type (the runner's own tests run made-up ones). */
export interface RunnableCheck<Id extends string = string> extends CheckFields<Id> {
  dependsOn: readonly Id[];
}

export interface CheckResult<Id extends string = CheckId> extends CheckOutcome {
  id: Id;
  category: CheckCategory;
  title: string;
  durationMs: number;
}
