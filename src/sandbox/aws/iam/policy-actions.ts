import type { QueryAction, QueryParams } from '../protocols/query.js';
import type { AwsRequest } from '../protocols/request.js';
import type { XmlObject } from '../protocols/xml.js';
import type { IamEmulator, ManagedPolicy, PolicyVersion, Tag } from './emulator.js';
import { accessDenied } from './errors.js';
import { isAwsManagedPolicyArn } from './policies.js';

/**
 * IAM's managed policy and inline role policy actions over the query protocol (iam/2010-05-08). Policy documents
 * go out URL-encoded (RFC 3986), as IAM returns them (GetPolicyVersion, GetRolePolicy).
 */
export function policyActions(iam: IamEmulator): Record<string, QueryAction> {
  /** an account cannot change AWS managed policies (IAM User Guide, "AWS managed policies") */
  const customerManaged = (p: QueryParams, request: AwsRequest, action: string): string => {
    const arn = p.required('PolicyArn');
    if (isAwsManagedPolicyArn(arn)) {
      // AWS does not document the answer; the sandbox refuses as for any resource outside the caller's account
      throw accessDenied(
        `User: ${request.caller?.arn ?? 'anonymous'} is not authorized to perform: iam:${action} on resource: policy ${arn}`,
      );
    }
    return arn;
  };
  return {
    CreatePolicy: (p) => ({
      Policy: policyXml(
        iam.createPolicy({
          PolicyName: p.required('PolicyName'),
          PolicyDocument: p.required('PolicyDocument'),
          Path: p.optional('Path'),
          Description: p.optional('Description'),
          Tags: tagsOf(p),
        }),
        { description: false, tags: true },
      ),
    }),
    GetPolicy: (p) => ({
      Policy: policyXml(iam.getPolicy(p.required('PolicyArn')), { description: true, tags: true }),
    }),
    GetPolicyVersion: (p) => ({
      PolicyVersion: versionXml(iam.getPolicyVersion(p.required('PolicyArn'), p.required('VersionId'))),
    }),
    ListPolicies: (p) => {
      const listing = iam.listPolicies({
        Scope: p.optional('Scope'),
        OnlyAttached: p.optional('OnlyAttached') === 'true',
        PathPrefix: p.optional('PathPrefix'),
        PolicyUsageFilter: p.optional('PolicyUsageFilter'),
        ...pageOf(p),
      });
      return {
        Policies: listing.items.map((policy) => policyXml(policy, { description: false, tags: false })),
        IsTruncated: listing.IsTruncated,
        Marker: listing.Marker,
      };
    },
    ListPolicyVersions: (p) => {
      const listing = iam.listPolicyVersions(p.required('PolicyArn'), pageOf(p));
      return {
        Versions: listing.items.map((version) => versionXml(version)),
        IsTruncated: listing.IsTruncated,
        Marker: listing.Marker,
      };
    },
    CreatePolicyVersion: (p, request) => {
      const arn = customerManaged(p, request, 'CreatePolicyVersion');
      const version = iam.createPolicyVersion(arn, p.required('PolicyDocument'), p.optional('SetAsDefault') === 'true');
      const { Document: _document, ...withoutDocument } = version;
      return { PolicyVersion: versionXml(withoutDocument) };
    },
    SetDefaultPolicyVersion: (p, request) => {
      iam.setDefaultPolicyVersion(customerManaged(p, request, 'SetDefaultPolicyVersion'), p.required('VersionId'));
      return undefined;
    },
    DeletePolicyVersion: (p, request) => {
      iam.deletePolicyVersion(customerManaged(p, request, 'DeletePolicyVersion'), p.required('VersionId'));
      return undefined;
    },
    DeletePolicy: (p, request) => {
      iam.deletePolicy(customerManaged(p, request, 'DeletePolicy'));
      return undefined;
    },
    PutRolePolicy: (p) => {
      iam.putRolePolicy(p.required('RoleName'), p.required('PolicyName'), p.required('PolicyDocument'));
      return undefined;
    },
    GetRolePolicy: (p) => {
      const found = iam.getRolePolicy(p.required('RoleName'), p.required('PolicyName'));
      return {
        RoleName: found.RoleName,
        PolicyName: found.PolicyName,
        PolicyDocument: encodeURIComponent(found.PolicyDocument),
      };
    },
    ListRolePolicies: (p) => {
      const listing = iam.listRolePolicies(p.required('RoleName'), pageOf(p));
      return { PolicyNames: listing.items, IsTruncated: listing.IsTruncated, Marker: listing.Marker };
    },
    DeleteRolePolicy: (p) => {
      iam.deleteRolePolicy(p.required('RoleName'), p.required('PolicyName'));
      return undefined;
    },
  };
}

function policyXml(policy: ManagedPolicy, include: { description: boolean; tags: boolean }): XmlObject {
  return {
    PolicyName: policy.PolicyName,
    PolicyId: policy.PolicyId,
    Arn: policy.Arn,
    Path: policy.Path,
    DefaultVersionId: policy.DefaultVersionId,
    AttachmentCount: policy.AttachmentCount,
    PermissionsBoundaryUsageCount: policy.PermissionsBoundaryUsageCount,
    IsAttachable: policy.IsAttachable,
    Description: include.description ? policy.Description : undefined,
    CreateDate: policy.CreateDate,
    UpdateDate: policy.UpdateDate,
    Tags: include.tags && policy.Tags.length > 0 ? policy.Tags.map(tagXml) : undefined,
  };
}

function versionXml(version: Partial<PolicyVersion> & Omit<PolicyVersion, 'Document'>): XmlObject {
  return {
    Document: version.Document === undefined ? undefined : encodeURIComponent(version.Document),
    VersionId: version.VersionId,
    IsDefaultVersion: version.IsDefaultVersion,
    CreateDate: version.CreateDate,
  };
}

export function tagXml(tag: Tag): XmlObject {
  return { Key: tag.Key, Value: tag.Value };
}

export function tagsOf(p: QueryParams): Tag[] {
  return p.structList('Tags', ['Key', 'Value']).map((tag) => ({ Key: tag.Key ?? '', Value: tag.Value ?? '' }));
}

export function pageOf(p: QueryParams): { Marker?: string; MaxItems?: number } {
  return { Marker: p.optional('Marker'), MaxItems: p.integer('MaxItems') };
}
