import { randomUUID } from 'node:crypto';
import { paginate } from '../protocols/pagination.js';
import {
  deleteConflict,
  entityAlreadyExists,
  invalidInput,
  limitExceeded,
  noSuchEntity,
  validationError,
} from './errors.js';
import { AWS_MANAGED_POLICIES, awsManagedPolicyArn, stableId } from './managed-policies.js';
import { MANAGED_POLICY_MAX, parseIdentityPolicy, policySize } from './policy-document.js';

export interface Tag {
  Key: string;
  Value: string;
}

/** A managed policy as GetPolicy describes it (AWS managed or customer managed). */
export interface ManagedPolicy {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  AttachmentCount: number;
  PermissionsBoundaryUsageCount: number;
  IsAttachable: boolean;
  Description?: string;
  CreateDate: Date;
  UpdateDate: Date;
  Tags: Tag[];
}

/** One version of a managed policy; Document is the JSON text as it was given. */
export interface PolicyVersion {
  Document: string;
  VersionId: string;
  IsDefaultVersion: boolean;
  CreateDate: Date;
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

interface StoredPolicy {
  awsManaged: boolean;
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  Description?: string;
  CreateDate: Date;
  UpdateDate: Date;
  Tags: Tag[];
  versions: PolicyVersion[];
  nextVersion: number;
}

export interface CreatePolicyInput {
  PolicyName: string;
  PolicyDocument: string;
  Path?: string;
  Description?: string;
  Tags?: Tag[];
}

export interface ListPoliciesInput extends PageInput {
  Scope?: string;
  OnlyAttached?: boolean;
  PathPrefix?: string;
  PolicyUsageFilter?: string;
}

/** iam/2010-05-08 model: policyNameType, policyPathType, policyVersionIdType, policyScopeType */
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const POLICY_PATH = /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/;
const VERSION_ID = /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/;
const POLICY_ARN = /^arn:aws:iam::(?:aws|\d{12}):policy\/.+$/;
/** "A managed policy can have up to five versions" (IAM User Guide, Versioning IAM policies) */
const MAX_VERSIONS = 5;

function modelViolation(value: string, member: string, constraint: string) {
  return validationError(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}

export function validatePolicyArn(policyArn: string): void {
  if (!POLICY_ARN.test(policyArn)) throw invalidInput(`ARN ${policyArn} is not valid.`);
}

export function isAwsManagedPolicyArn(policyArn: string): boolean {
  return policyArn.startsWith('arn:aws:iam::aws:policy/');
}

/**
 * The managed policies of one account: the AWS managed ones the sandbox knows (read-only) and customer managed
 * ones with up to five versions each. Attachment counts come from whoever attaches them (the roles).
 */
export class PolicyStore {
  private readonly policies = new Map<string, StoredPolicy>();

  constructor(
    private readonly account: string,
    private readonly attachmentCount: (policyArn: string) => number,
  ) {
    for (const record of AWS_MANAGED_POLICIES) {
      const arn = awsManagedPolicyArn(record);
      const updated = new Date(record.UpdateDate);
      this.policies.set(arn, {
        awsManaged: true,
        PolicyName: record.PolicyName,
        PolicyId: stableId('ANPA', arn),
        Arn: arn,
        Path: record.Path,
        Description: record.Description,
        CreateDate: new Date(record.CreateDate),
        UpdateDate: updated,
        Tags: [],
        versions: [
          {
            Document: JSON.stringify(record.Document),
            VersionId: record.DefaultVersionId,
            IsDefaultVersion: true,
            CreateDate: updated,
          },
        ],
        nextVersion: Number(record.DefaultVersionId.slice(1)) + 1,
      });
    }
  }

  create(input: CreatePolicyInput): ManagedPolicy {
    if (!POLICY_NAME.test(input.PolicyName)) {
      throw modelViolation(
        input.PolicyName,
        'policyName',
        'Member must satisfy regular expression pattern: [\\w+=,.@-]+',
      );
    }
    const path = input.Path ?? '/';
    if (!POLICY_PATH.test(path) || path.length > 512) {
      throw modelViolation(
        path,
        'path',
        'Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/',
      );
    }
    if (input.Description !== undefined && input.Description.length > 1000) {
      throw modelViolation(input.Description, 'description', 'Member must have length less than or equal to 1000');
    }
    const taken = [...this.policies.values()].some(
      (policy) => !policy.awsManaged && policy.PolicyName.toLowerCase() === input.PolicyName.toLowerCase(),
    );
    if (taken) {
      throw entityAlreadyExists(`A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
    }
    checkDocument(input.PolicyDocument);
    const now = new Date();
    const arn = `arn:aws:iam::${this.account}:policy${path}${input.PolicyName}`;
    this.policies.set(arn, {
      awsManaged: false,
      PolicyName: input.PolicyName,
      PolicyId: stableId('ANPA', `${arn}/${randomUUID()}`),
      Arn: arn,
      Path: path,
      ...(input.Description === undefined ? {} : { Description: input.Description }),
      CreateDate: now,
      UpdateDate: now,
      Tags: [...(input.Tags ?? [])],
      versions: [{ Document: input.PolicyDocument, VersionId: 'v1', IsDefaultVersion: true, CreateDate: now }],
      nextVersion: 2,
    });
    return this.get(arn);
  }

  get(policyArn: string): ManagedPolicy {
    return this.view(this.stored(policyArn, `Policy ${policyArn} was not found.`));
  }

  /** for AttachRolePolicy: the message IAM gives for a policy it cannot attach */
  requireAttachable(policyArn: string): void {
    this.stored(policyArn, `Policy ${policyArn} does not exist or is not attachable.`);
  }

  has(policyArn: string): boolean {
    return this.policies.has(policyArn);
  }

  getVersion(policyArn: string, versionId: string): PolicyVersion {
    return { ...this.version(this.stored(policyArn, `Policy ${policyArn} was not found.`), versionId) };
  }

  /** the document of the policy's default version (what IAM evaluates) */
  defaultDocument(policyArn: string): string | undefined {
    return this.policies.get(policyArn)?.versions.find((version) => version.IsDefaultVersion)?.Document;
  }

  list(input: ListPoliciesInput): Listing<ManagedPolicy> {
    const scope = input.Scope ?? 'All';
    if (!['All', 'AWS', 'Local'].includes(scope)) {
      throw modelViolation(scope, 'scope', 'Member must satisfy enum value set: [All, AWS, Local]');
    }
    const usage = input.PolicyUsageFilter;
    if (usage !== undefined && !['PermissionsPolicy', 'PermissionsBoundary'].includes(usage)) {
      throw modelViolation(
        usage,
        'policyUsageFilter',
        'Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]',
      );
    }
    const prefix = input.PathPrefix ?? '/';
    const policies = [...this.policies.values()]
      .filter((policy) => scope === 'All' || (scope === 'AWS') === policy.awsManaged)
      .filter((policy) => policy.Path.startsWith(prefix))
      .map((policy) => this.view(policy))
      .filter((policy) => !input.OnlyAttached || policy.AttachmentCount > 0)
      // the sandbox attaches no permissions boundaries
      .filter(() => usage !== 'PermissionsBoundary')
      .sort((a, b) => a.PolicyName.toLowerCase().localeCompare(b.PolicyName.toLowerCase()));
    return page(policies, input);
  }

  listVersions(policyArn: string, input: PageInput): Listing<Omit<PolicyVersion, 'Document'>> {
    const policy = this.stored(policyArn, `Policy ${policyArn} was not found.`);
    const versions = [...policy.versions]
      .reverse()
      .map(({ VersionId, IsDefaultVersion, CreateDate }) => ({ VersionId, IsDefaultVersion, CreateDate }));
    return page(versions, input);
  }

  createVersion(policyArn: string, document: string, setAsDefault: boolean): PolicyVersion {
    const policy = this.stored(policyArn, `Policy ${policyArn} was not found.`);
    checkDocument(document);
    if (policy.versions.length >= MAX_VERSIONS) {
      throw limitExceeded(
        'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
      );
    }
    const now = new Date();
    const version: PolicyVersion = {
      Document: document,
      VersionId: `v${policy.nextVersion}`,
      IsDefaultVersion: false,
      CreateDate: now,
    };
    policy.nextVersion += 1;
    policy.versions.push(version);
    if (setAsDefault) this.makeDefault(policy, version.VersionId, now);
    return { ...version };
  }

  setDefaultVersion(policyArn: string, versionId: string): void {
    const policy = this.stored(policyArn, `Policy ${policyArn} was not found.`);
    this.version(policy, versionId);
    this.makeDefault(policy, versionId, new Date());
  }

  deleteVersion(policyArn: string, versionId: string): void {
    const policy = this.stored(policyArn, `Policy ${policyArn} was not found.`);
    const version = this.version(policy, versionId);
    if (version.IsDefaultVersion) throw deleteConflict('Cannot delete the default version of a policy.');
    policy.versions = policy.versions.filter((candidate) => candidate !== version);
  }

  delete(policyArn: string): void {
    const policy = this.stored(policyArn, `Policy ${policyArn} was not found.`);
    if (this.attachmentCount(policyArn) > 0) throw deleteConflict('Cannot delete a policy attached to entities.');
    if (policy.versions.length > 1) {
      throw deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    this.policies.delete(policyArn);
  }

  private makeDefault(policy: StoredPolicy, versionId: string, when: Date): void {
    for (const version of policy.versions) version.IsDefaultVersion = version.VersionId === versionId;
    policy.UpdateDate = when;
  }

  private stored(policyArn: string, missing: string): StoredPolicy {
    validatePolicyArn(policyArn);
    const policy = this.policies.get(policyArn);
    if (policy === undefined) throw noSuchEntity(missing);
    return policy;
  }

  private version(policy: StoredPolicy, versionId: string): PolicyVersion {
    if (!VERSION_ID.test(versionId)) {
      throw modelViolation(
        versionId,
        'versionId',
        'Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?',
      );
    }
    const version = policy.versions.find((candidate) => candidate.VersionId === versionId);
    if (version === undefined) {
      throw noSuchEntity(`Policy ${policy.Arn} version ${versionId} does not exist or is not attachable.`);
    }
    return version;
  }

  private view(policy: StoredPolicy): ManagedPolicy {
    return {
      PolicyName: policy.PolicyName,
      PolicyId: policy.PolicyId,
      Arn: policy.Arn,
      Path: policy.Path,
      DefaultVersionId: policy.versions.find((version) => version.IsDefaultVersion)?.VersionId ?? 'v1',
      AttachmentCount: this.attachmentCount(policy.Arn),
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      ...(policy.Description === undefined ? {} : { Description: policy.Description }),
      CreateDate: policy.CreateDate,
      UpdateDate: policy.UpdateDate,
      Tags: policy.Tags.map((tag) => ({ ...tag })),
    };
  }
}

function checkDocument(document: string): void {
  parseIdentityPolicy(document);
  if (policySize(document) > MANAGED_POLICY_MAX) {
    throw limitExceeded(`Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX}`);
  }
}

export function page<T>(items: T[], input: PageInput): Listing<T> {
  const result = paginate(
    items,
    { limit: input.MaxItems, token: input.Marker, defaultLimit: 100, maxLimit: 1000 },
    (message) => validationError(message),
  );
  return { items: result.items, IsTruncated: result.next !== undefined, Marker: result.next };
}
