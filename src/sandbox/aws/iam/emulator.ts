import { randomUUID } from 'node:crypto';
import type { Seed } from '../../types.js';
import { paginate } from '../protocols/pagination.js';
import { deleteConflict, entityAlreadyExists, invalidInput, noSuchEntity, validationError } from './errors.js';
import { managedPolicies, stableId, type ManagedPolicy } from './managed-policies.js';
import { parsePolicyDocument } from './policy-document.js';

export interface Tag {
  Key: string;
  Value: string;
}

/** A role with IAM's field names; AssumeRolePolicyDocument is kept as the JSON text it was given. */
export interface Role {
  Path: string;
  RoleName: string;
  RoleId: string;
  Arn: string;
  CreateDate: Date;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  Tags: Tag[];
}

export interface OpenIdConnectProvider {
  Arn: string;
  /** without the scheme, as IAM returns it */
  Url: string;
  ClientIDList: string[];
  ThumbprintList: string[];
  CreateDate: Date;
  Tags: Tag[];
}

export interface AttachedPolicy {
  PolicyName: string;
  PolicyArn: string;
}

export interface CreateRoleInput {
  RoleName: string;
  AssumeRolePolicyDocument: string;
  Path?: string;
  Description?: string;
  MaxSessionDuration?: number;
  Tags?: Tag[];
}

export interface PageInput {
  Marker?: string;
  MaxItems?: number;
}

export interface Listing<T> {
  items: T[];
  IsTruncated: boolean;
  Marker?: string;
}

interface RoleState extends Role {
  attached: string[];
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const PATH = /^\/(?:[\x21-\x7e]*\/)?$/;
const POLICY_ARN = /^arn:aws:iam::(?:aws|\d{12}):policy\/.+$/;
const OIDC_PROVIDER_ARN = /^arn:aws:iam::\d{12}:oidc-provider\/.+$/;
const THUMBPRINT = /^[0-9a-fA-F]{40}$/;
/** The thumbprint IAM records for oidc.eks.*.amazonaws.com issuers when none is given (their root CA). */
const EKS_OIDC_THUMBPRINT = '9e99a48a9960b14926bb7f3b02e22da2b0ab7280';

/**
 * IAM as adot uses it: roles with trust policies and attached AWS managed policies, and OpenID Connect providers.
 * Methods take and return IAM's own field names and throw AwsServiceError with IAM's codes and messages.
 */
export class IamEmulator {
  readonly account: string;
  private readonly roles = new Map<string, RoleState>();
  private readonly providers = new Map<string, OpenIdConnectProvider>();

  constructor(options: { account: string }) {
    this.account = options.account;
  }

  /** preloads OIDC providers and roles (with their attached policies) from a seed */
  seed(iam: Seed['iam']): void {
    for (const provider of iam?.oidcProviders ?? []) {
      this.createOpenIdConnectProvider({
        Url: provider.url,
        ClientIDList: provider.clientIds ?? [],
        ThumbprintList: provider.thumbprints,
      });
    }
    for (const role of iam?.roles ?? []) {
      const document = role.assumeRolePolicyDocument;
      this.createRole({
        RoleName: role.name,
        AssumeRolePolicyDocument:
          typeof document === 'string'
            ? document
            : JSON.stringify(document ?? { Version: '2012-10-17', Statement: [] }),
        Description: role.description,
      });
      for (const policyArn of role.attachedPolicies ?? []) this.attachRolePolicy(role.name, policyArn);
    }
  }

  createRole(input: CreateRoleInput): Role {
    validateRoleName(input.RoleName);
    const path = input.Path ?? '/';
    if (!PATH.test(path) || path.length > 512) {
      throw validationError(
        `The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`,
      );
    }
    if (
      input.MaxSessionDuration !== undefined &&
      (input.MaxSessionDuration < 3600 || input.MaxSessionDuration > 43200)
    ) {
      throw validationError(
        `1 validation error detected: Value '${input.MaxSessionDuration}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`,
      );
    }
    if (this.roles.has(input.RoleName.toLowerCase())) {
      throw entityAlreadyExists(`Role with name ${input.RoleName} already exists.`);
    }
    parsePolicyDocument(input.AssumeRolePolicyDocument);
    const role: RoleState = {
      Path: path,
      RoleName: input.RoleName,
      RoleId: stableId('AROA', randomUUID()),
      Arn: `arn:aws:iam::${this.account}:role${path}${input.RoleName}`,
      CreateDate: new Date(),
      AssumeRolePolicyDocument: input.AssumeRolePolicyDocument,
      Description: input.Description,
      MaxSessionDuration: input.MaxSessionDuration ?? 3600,
      Tags: mergeTags([], input.Tags ?? []),
      attached: [],
    };
    this.roles.set(role.RoleName.toLowerCase(), role);
    return publicRole(role);
  }

  getRole(roleName: string): Role {
    return publicRole(this.role(roleName));
  }

  /** the role an ARN names, or undefined */
  findRoleByArn(arn: string): Role | undefined {
    const role = [...this.roles.values()].find((candidate) => candidate.Arn === arn);
    return role === undefined ? undefined : publicRole(role);
  }

  listRoles(input: PageInput & { PathPrefix?: string }): Listing<Role> {
    const prefix = input.PathPrefix ?? '/';
    const roles = [...this.roles.values()]
      .filter((role) => role.Path.startsWith(prefix))
      .sort((a, b) => a.RoleName.toLowerCase().localeCompare(b.RoleName.toLowerCase()))
      .map(publicRole);
    return page(roles, input);
  }

  updateAssumeRolePolicy(roleName: string, document: string): void {
    const role = this.role(roleName);
    parsePolicyDocument(document);
    role.AssumeRolePolicyDocument = document;
  }

  deleteRole(roleName: string): void {
    const role = this.role(roleName);
    if (role.attached.length > 0) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    this.roles.delete(role.RoleName.toLowerCase());
  }

  tagRole(roleName: string, tags: Tag[]): void {
    const role = this.role(roleName);
    role.Tags = mergeTags(role.Tags, tags);
  }

  attachRolePolicy(roleName: string, policyArn: string): void {
    const role = this.role(roleName);
    this.policy(policyArn);
    if (!role.attached.includes(policyArn)) role.attached.push(policyArn);
  }

  detachRolePolicy(roleName: string, policyArn: string): void {
    const role = this.role(roleName);
    validatePolicyArn(policyArn);
    if (!role.attached.includes(policyArn)) throw noSuchEntity(`Policy ${policyArn} was not found.`);
    role.attached = role.attached.filter((arn) => arn !== policyArn);
  }

  listAttachedRolePolicies(roleName: string, input: PageInput & { PathPrefix?: string }): Listing<AttachedPolicy> {
    const role = this.role(roleName);
    const prefix = input.PathPrefix ?? '/';
    const attached = role.attached
      .map((arn) => this.policy(arn))
      .filter((policy) => policy.Path.startsWith(prefix))
      .map((policy) => ({ PolicyName: policy.PolicyName, PolicyArn: policy.Arn }));
    return page(attached, input);
  }

  getPolicy(policyArn: string): ManagedPolicy & { AttachmentCount: number; PermissionsBoundaryUsageCount: number } {
    const policy = this.policy(policyArn);
    const attachments = [...this.roles.values()].filter((role) => role.attached.includes(policyArn)).length;
    return { ...policy, AttachmentCount: attachments, PermissionsBoundaryUsageCount: 0 };
  }

  createOpenIdConnectProvider(input: {
    Url: string;
    ClientIDList: string[];
    ThumbprintList?: string[];
    Tags?: Tag[];
  }): string {
    const url =
      /^https:\/\/[^\s/]+/i.test(input.Url) && input.Url.length <= 255
        ? input.Url.replace(/^https:\/\//i, '')
        : undefined;
    if (url === undefined) throw invalidInput('Invalid Openid Connect Provider Url');
    const thumbprints = input.ThumbprintList ?? [];
    if (thumbprints.length > 5) throw invalidInput('Thumbprint list must contain fewer than 5 entries.');
    const badThumbprint = thumbprints.find((thumbprint) => !THUMBPRINT.test(thumbprint));
    if (badThumbprint !== undefined)
      throw validationError(`Thumbprint ${badThumbprint} must be 40 hexadecimal characters`);
    const arn = `arn:aws:iam::${this.account}:oidc-provider/${url}`;
    if (this.providers.has(arn)) throw entityAlreadyExists(`Provider with url ${input.Url} already exists.`);
    this.providers.set(arn, {
      Arn: arn,
      Url: url,
      ClientIDList: [...new Set(input.ClientIDList)],
      ThumbprintList: thumbprints.length > 0 ? [...thumbprints] : defaultThumbprints(url),
      CreateDate: new Date(),
      Tags: mergeTags([], input.Tags ?? []),
    });
    return arn;
  }

  getOpenIdConnectProvider(arn: string): OpenIdConnectProvider {
    return structuredClone(this.provider(arn));
  }

  listOpenIdConnectProviders(): string[] {
    return [...this.providers.keys()].sort();
  }

  deleteOpenIdConnectProvider(arn: string): void {
    this.provider(arn);
    this.providers.delete(arn);
  }

  private role(roleName: string): RoleState {
    validateRoleName(roleName);
    const role = this.roles.get(roleName.toLowerCase());
    if (role === undefined) throw noSuchEntity(`The role with name ${roleName} cannot be found.`);
    return role;
  }

  private policy(policyArn: string): ManagedPolicy {
    validatePolicyArn(policyArn);
    const policy = managedPolicies.get(policyArn);
    if (policy === undefined) throw noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`);
    return policy;
  }

  private provider(arn: string): OpenIdConnectProvider {
    if (!OIDC_PROVIDER_ARN.test(arn)) throw invalidInput(`ARN ${arn} is not valid.`);
    const provider = this.providers.get(arn);
    if (provider === undefined) throw noSuchEntity(`OpenIDConnect Provider not found for arn ${arn}`);
    return provider;
  }
}

function validateRoleName(roleName: string): void {
  if (!ROLE_NAME.test(roleName)) {
    throw validationError(
      `1 validation error detected: Value '${roleName}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
}

function validatePolicyArn(policyArn: string): void {
  if (!POLICY_ARN.test(policyArn)) throw invalidInput(`ARN ${policyArn} is not valid.`);
}

function defaultThumbprints(url: string): string[] {
  return /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\//.test(url) ? [EKS_OIDC_THUMBPRINT] : [];
}

function mergeTags(current: Tag[], added: Tag[]): Tag[] {
  const merged = new Map(current.map((tag) => [tag.Key, tag.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

function publicRole(role: RoleState): Role {
  const { attached: _attached, ...rest } = role;
  return structuredClone(rest);
}

function page<T>(items: T[], input: PageInput): Listing<T> {
  const result = paginate(
    items,
    { limit: input.MaxItems, token: input.Marker, defaultLimit: 100, maxLimit: 1000 },
    (message) => validationError(message),
  );
  return { items: result.items, IsTruncated: result.next !== undefined, Marker: result.next };
}
