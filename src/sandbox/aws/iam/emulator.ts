import { randomUUID } from 'node:crypto';
import type { PolicySource } from '../../../core/iam/index.js';
import type { Seed } from '../../types.js';
import { deleteConflict, entityAlreadyExists, limitExceeded, noSuchEntity, validationError } from './errors.js';
import { stableId } from './managed-policies.js';
import {
  page,
  PolicyStore,
  validatePolicyArn,
  type CreatePolicyInput,
  type ListPoliciesInput,
  type Listing,
  type ManagedPolicy,
  type PageInput,
  type PolicyVersion,
  type Tag,
} from './policies.js';
import { OidcProviders, type CreateOidcProviderInput, type OpenIdConnectProvider } from './oidc-providers.js';
import { parseIdentityPolicy, parsePolicyDocument, policySize, ROLE_INLINE_POLICIES_MAX } from './policy-document.js';

export type {
  CreatePolicyInput,
  ListPoliciesInput,
  Listing,
  ManagedPolicy,
  OpenIdConnectProvider,
  PageInput,
  PolicyVersion,
  Tag,
};

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

interface RoleState extends Role {
  attached: string[];
  /** inline policies by name, in the order they were first put */
  inline: Map<string, string>;
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const INLINE_POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const PATH = /^\/(?:[\x21-\x7e]*\/)?$/;

/**
 * IAM as adot and the sandbox's authorization use it: roles with trust policies, attached managed policies (AWS
 * and customer managed, with versions) and inline policies, and OpenID Connect providers. Methods take and return
 * IAM's own field names and throw AwsServiceError with IAM's codes and messages.
 */
export class IamEmulator {
  readonly account: string;
  private readonly roles = new Map<string, RoleState>();
  private readonly providers: OidcProviders;
  private readonly policies: PolicyStore;
  /** parsed policy documents by their text: authorization evaluates the same documents on every request */
  private readonly parsedDocuments = new Map<string, unknown>();

  constructor(options: { account: string }) {
    this.account = options.account;
    this.providers = new OidcProviders(options.account);
    this.policies = new PolicyStore(
      options.account,
      (policyArn) => [...this.roles.values()].filter((role) => role.attached.includes(policyArn)).length,
    );
  }

  /** preloads OIDC providers, customer managed policies and roles (with their policies) from a seed */
  seed(iam: Seed['iam']): void {
    for (const provider of iam?.oidcProviders ?? []) {
      this.createOpenIdConnectProvider({
        Url: provider.url,
        ClientIDList: provider.clientIds ?? [],
        ThumbprintList: provider.thumbprints,
      });
    }
    for (const policy of iam?.policies ?? []) {
      this.createPolicy({
        PolicyName: policy.name,
        PolicyDocument: documentText(policy.document),
        Path: policy.path,
        Description: policy.description,
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
      for (const [name, document] of Object.entries(role.inlinePolicies ?? {})) {
        this.putRolePolicy(role.name, name, documentText(document));
      }
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
      inline: new Map(),
    };
    this.roles.set(role.RoleName.toLowerCase(), role);
    return publicRole(role);
  }

  getRole(roleName: string): Role {
    return publicRole(this.role(roleName));
  }

  /** the ARN of the role of that name (names are not case sensitive), or undefined */
  findRoleArn(roleName: string): string | undefined {
    return this.roles.get(roleName.toLowerCase())?.Arn;
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
    if (role.inline.size > 0) throw deleteConflict('Cannot delete entity, must delete policies first.');
    this.roles.delete(role.RoleName.toLowerCase());
  }

  tagRole(roleName: string, tags: Tag[]): void {
    const role = this.role(roleName);
    role.Tags = mergeTags(role.Tags, tags);
  }

  attachRolePolicy(roleName: string, policyArn: string): void {
    const role = this.role(roleName);
    this.policies.requireAttachable(policyArn);
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
      .map((arn) => this.policies.get(arn))
      .filter((policy) => policy.Path.startsWith(prefix))
      .map((policy) => ({ PolicyName: policy.PolicyName, PolicyArn: policy.Arn }));
    return page(attached, input);
  }

  // ---------- managed policies ----------

  createPolicy(input: CreatePolicyInput): ManagedPolicy {
    return this.policies.create(input);
  }

  getPolicy(policyArn: string): ManagedPolicy {
    return this.policies.get(policyArn);
  }

  getPolicyVersion(policyArn: string, versionId: string): PolicyVersion {
    return this.policies.getVersion(policyArn, versionId);
  }

  listPolicies(input: ListPoliciesInput): Listing<ManagedPolicy> {
    return this.policies.list(input);
  }

  listPolicyVersions(policyArn: string, input: PageInput): Listing<Omit<PolicyVersion, 'Document'>> {
    return this.policies.listVersions(policyArn, input);
  }

  createPolicyVersion(policyArn: string, document: string, setAsDefault: boolean): PolicyVersion {
    return this.policies.createVersion(policyArn, document, setAsDefault);
  }

  setDefaultPolicyVersion(policyArn: string, versionId: string): void {
    this.policies.setDefaultVersion(policyArn, versionId);
  }

  deletePolicyVersion(policyArn: string, versionId: string): void {
    this.policies.deleteVersion(policyArn, versionId);
  }

  deletePolicy(policyArn: string): void {
    this.policies.delete(policyArn);
  }

  // ---------- inline role policies ----------

  putRolePolicy(roleName: string, policyName: string, document: string): void {
    const role = this.role(roleName);
    validateInlinePolicyName(policyName);
    parseIdentityPolicy(document);
    const others = [...role.inline].filter(([name]) => name !== policyName).map(([, text]) => policySize(text));
    if (others.reduce((sum, size) => sum + size, policySize(document)) > ROLE_INLINE_POLICIES_MAX) {
      throw limitExceeded(
        `Maximum policy size of ${ROLE_INLINE_POLICIES_MAX} bytes exceeded for role ${role.RoleName}`,
      );
    }
    role.inline.set(policyName, document);
  }

  getRolePolicy(
    roleName: string,
    policyName: string,
  ): { RoleName: string; PolicyName: string; PolicyDocument: string } {
    const role = this.role(roleName);
    validateInlinePolicyName(policyName);
    const document = role.inline.get(policyName);
    if (document === undefined) throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
    return { RoleName: role.RoleName, PolicyName: policyName, PolicyDocument: document };
  }

  listRolePolicies(roleName: string, input: PageInput): Listing<string> {
    return page([...this.role(roleName).inline.keys()], input);
  }

  deleteRolePolicy(roleName: string, policyName: string): void {
    const role = this.role(roleName);
    validateInlinePolicyName(policyName);
    if (!role.inline.delete(policyName)) {
      throw noSuchEntity(`The role policy with name ${policyName} cannot be found.`);
    }
  }

  /**
   * The identity-based policies IAM evaluates for a session of the role: the default version of every attached
   * managed policy and every inline policy. Empty when the role no longer exists.
   */
  identityPolicies(roleArn: string): PolicySource[] {
    const role = [...this.roles.values()].find((candidate) => candidate.Arn === roleArn);
    if (role === undefined) return [];
    return [
      ...role.attached.map((arn) => ({ name: arn, document: this.parsed(this.policies.defaultDocument(arn) ?? '') })),
      ...[...role.inline].map(([name, document]) => ({
        name: `${role.RoleName} inline policy ${name}`,
        document: this.parsed(document),
      })),
    ];
  }

  createOpenIdConnectProvider(input: CreateOidcProviderInput): string {
    return this.providers.create(input);
  }

  getOpenIdConnectProvider(arn: string): OpenIdConnectProvider {
    return this.providers.get(arn);
  }

  listOpenIdConnectProviders(): string[] {
    return this.providers.list();
  }

  deleteOpenIdConnectProvider(arn: string): void {
    this.providers.delete(arn);
  }

  private parsed(text: string): unknown {
    let document = this.parsedDocuments.get(text);
    if (document === undefined) {
      try {
        document = JSON.parse(text) as unknown;
      } catch {
        // stored documents were validated; this only keeps the evaluator's own error for anything else
        return text;
      }
      if (this.parsedDocuments.size >= 1000) this.parsedDocuments.clear();
      this.parsedDocuments.set(text, document);
    }
    return document;
  }

  private role(roleName: string): RoleState {
    validateRoleName(roleName);
    const role = this.roles.get(roleName.toLowerCase());
    if (role === undefined) throw noSuchEntity(`The role with name ${roleName} cannot be found.`);
    return role;
  }
}

function validateRoleName(roleName: string): void {
  if (!ROLE_NAME.test(roleName)) {
    throw validationError(
      `1 validation error detected: Value '${roleName}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
}

function validateInlinePolicyName(policyName: string): void {
  if (!INLINE_POLICY_NAME.test(policyName)) {
    throw validationError(
      `1 validation error detected: Value '${policyName}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
}

function documentText(document: unknown): string {
  return typeof document === 'string' ? document : JSON.stringify(document ?? { Version: '2012-10-17', Statement: [] });
}

function mergeTags(current: Tag[], added: Tag[]): Tag[] {
  const merged = new Map(current.map((tag) => [tag.Key, tag.Value]));
  for (const tag of added) merged.set(tag.Key, tag.Value);
  return [...merged].map(([Key, Value]) => ({ Key, Value }));
}

function publicRole(role: RoleState): Role {
  const { attached: _attached, inline: _inline, ...rest } = role;
  return structuredClone(rest);
}
