import { queryService, type QueryAction } from '../protocols/query.js';
import type { AwsService } from '../protocols/service.js';
import type { XmlObject } from '../protocols/xml.js';
import type { IamEmulator, Role } from './emulator.js';
import { iamPermissions } from './permissions.js';
import { pageOf, policyActions, tagsOf, tagXml } from './policy-actions.js';

/** IAM over the query protocol (iam/2010-05-08): each action maps form parameters to IamEmulator and back to XML. */
export function iamService(iam: IamEmulator): AwsService {
  const actions: Record<string, QueryAction> = {
    CreateRole: (p) => ({
      Role: roleXml(
        iam.createRole({
          RoleName: p.required('RoleName'),
          AssumeRolePolicyDocument: p.required('AssumeRolePolicyDocument'),
          Path: p.optional('Path'),
          Description: p.optional('Description'),
          MaxSessionDuration: p.integer('MaxSessionDuration'),
          Tags: tagsOf(p),
        }),
        { withTags: true },
      ),
    }),
    GetRole: (p) => ({
      Role: { ...roleXml(iam.getRole(p.required('RoleName')), { withTags: true }), RoleLastUsed: {} },
    }),
    ListRoles: (p) => {
      const listing = iam.listRoles({ PathPrefix: p.optional('PathPrefix'), ...pageOf(p) });
      return {
        Roles: listing.items.map((role) => roleXml(role, { withTags: false })),
        IsTruncated: listing.IsTruncated,
        Marker: listing.Marker,
      };
    },
    UpdateAssumeRolePolicy: (p) => {
      iam.updateAssumeRolePolicy(p.required('RoleName'), p.required('PolicyDocument'));
      return undefined;
    },
    DeleteRole: (p) => {
      iam.deleteRole(p.required('RoleName'));
      return undefined;
    },
    TagRole: (p) => {
      iam.tagRole(p.required('RoleName'), tagsOf(p));
      return undefined;
    },
    AttachRolePolicy: (p) => {
      iam.attachRolePolicy(p.required('RoleName'), p.required('PolicyArn'));
      return undefined;
    },
    DetachRolePolicy: (p) => {
      iam.detachRolePolicy(p.required('RoleName'), p.required('PolicyArn'));
      return undefined;
    },
    ListAttachedRolePolicies: (p) => {
      const listing = iam.listAttachedRolePolicies(p.required('RoleName'), {
        PathPrefix: p.optional('PathPrefix'),
        ...pageOf(p),
      });
      return {
        AttachedPolicies: listing.items.map((policy) => ({ ...policy })),
        IsTruncated: listing.IsTruncated,
        Marker: listing.Marker,
      };
    },
    CreateOpenIDConnectProvider: (p) => {
      const tags = tagsOf(p);
      const arn = iam.createOpenIdConnectProvider({
        Url: p.required('Url'),
        ClientIDList: p.list('ClientIDList'),
        ThumbprintList: p.list('ThumbprintList'),
        Tags: tags,
      });
      return { OpenIDConnectProviderArn: arn, Tags: tags.map(tagXml) };
    },
    GetOpenIDConnectProvider: (p) => {
      const provider = iam.getOpenIdConnectProvider(p.required('OpenIDConnectProviderArn'));
      return {
        Url: provider.Url,
        ClientIDList: provider.ClientIDList,
        ThumbprintList: provider.ThumbprintList,
        CreateDate: provider.CreateDate,
        Tags: provider.Tags.map(tagXml),
      };
    },
    ListOpenIDConnectProviders: () => ({
      OpenIDConnectProviderList: iam.listOpenIdConnectProviders().map((Arn) => ({ Arn })),
    }),
    DeleteOpenIDConnectProvider: (p) => {
      iam.deleteOpenIdConnectProvider(p.required('OpenIDConnectProviderArn'));
      return undefined;
    },
  };
  return queryService({
    signingName: 'iam',
    faultService: 'iam',
    xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
    actions: { ...actions, ...policyActions(iam) },
    permissions: iamPermissions(iam),
  });
}

/** IAM answers policy documents URL-encoded (RFC 3986); clients decode them. */
function roleXml(role: Role, options: { withTags: boolean }): XmlObject {
  return {
    Path: role.Path,
    RoleName: role.RoleName,
    RoleId: role.RoleId,
    Arn: role.Arn,
    CreateDate: role.CreateDate,
    AssumeRolePolicyDocument: encodeURIComponent(role.AssumeRolePolicyDocument),
    Description: role.Description,
    MaxSessionDuration: role.MaxSessionDuration,
    Tags: options.withTags && role.Tags.length > 0 ? role.Tags.map(tagXml) : undefined,
  };
}
