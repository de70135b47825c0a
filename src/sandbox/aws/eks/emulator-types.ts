import type { ClusterAddonHooks, SeedAddon, SeedAddonCatalogEntry, SeedPodIdentityAssociation } from '../../types.js';
import type { AddonDefinition } from './addon-definitions.js';
import type { AddonAssociationRequest } from './addon-pod-identity.js';
import type { RoleDirectory } from './pod-identity.js';

/** The shapes the EKS emulator takes and answers (timestamps as Dates; the wire layer encodes them). */
export interface EksTiming {
  addonCreateSeconds: number;
  addonDeleteSeconds: number;
  addonUpdateSeconds: number;
}

export interface EksEmulatorOptions {
  account: string;
  region: string;
  /** the ADOT add-on's versions (the seed's addonCatalog or the built-in one) */
  catalog: readonly SeedAddonCatalogEntry[];
  /** the other add-ons EKS offers (default: the EKS Pod Identity Agent with its built-in versions) */
  addons?: readonly AddonDefinition[];
  timing: EksTiming;
  /** the roles pod identity associations name are looked up here (the sandbox's IAM); default: no role exists */
  roles?: RoleDirectory;
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
  /** what each add-on's lifecycle does to the cluster, by add-on name; an add-on without hooks changes nothing */
  addonHooks: Readonly<Record<string, ClusterAddonHooks>>;
  addons?: SeedAddon[];
  podIdentityAssociations?: SeedPodIdentityAssociation[];
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
  /** ARNs of the pod identity associations the add-on owns (absent when none) */
  podIdentityAssociations?: string[];
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
  podIdentityAssociations?: AddonAssociationRequest[];
}

export interface UpdateAddonParams {
  addonVersion?: string;
  serviceAccountRoleArn?: string;
  resolveConflicts?: string;
  configurationValues?: string;
  /** undefined: no change; []: the add-on's associations are deleted */
  podIdentityAssociations?: AddonAssociationRequest[];
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
