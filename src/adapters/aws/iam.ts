import {
  AttachRolePolicyCommand,
  CreateOpenIDConnectProviderCommand,
  CreateRoleCommand,
  DeleteOpenIDConnectProviderCommand,
  DeleteRoleCommand,
  DetachRolePolicyCommand,
  GetOpenIDConnectProviderCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListOpenIDConnectProvidersCommand,
  UpdateAssumeRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  type Role,
} from '@aws-sdk/client-iam';
import type { Iam, ManagedPolicyInfo, OidcProviderInfo, PolicyDocument, RoleInfo } from '../../ports.js';
import { type AwsClientSettings, sdkCallOptions, sdkClientConfig } from './client-config.js';
import { awsErrorName, mapAwsError } from './errors.js';

// the query protocol's code is NoSuchEntity; SDK v3 names the exception class NoSuchEntityException
const NOT_FOUND = 'NoSuchEntityException';

export class SdkIam implements Iam {
  private readonly callOptions: { abortSignal?: AbortSignal };
  private readonly client: IAMClient;

  constructor(settings: AwsClientSettings) {
    this.callOptions = sdkCallOptions(settings);
    this.client = new IAMClient(sdkClientConfig(settings));
  }

  destroy(): void {
    this.client.destroy();
  }

  async getRole(roleName: string): Promise<RoleInfo | undefined> {
    const role = await this.orUndefined('GetRole', roleName, async () => {
      const answer = await this.client.send(new GetRoleCommand({ RoleName: roleName }), this.callOptions);
      return answer.Role;
    });
    return role === undefined ? undefined : toRoleInfo(role, roleName);
  }

  async createRole(input: {
    roleName: string;
    assumeRolePolicyDocument: PolicyDocument;
    description?: string;
    tags?: Record<string, string>;
  }): Promise<RoleInfo> {
    return this.call('CreateRole', input.roleName, async () => {
      const { Role: role } = await this.client.send(
        new CreateRoleCommand({
          RoleName: input.roleName,
          AssumeRolePolicyDocument: JSON.stringify(input.assumeRolePolicyDocument),
          ...(input.description === undefined ? {} : { Description: input.description }),
          ...(input.tags === undefined
            ? {}
            : { Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })) }),
        }),
        this.callOptions,
      );
      if (!role) throw new Error('CreateRole answered without a role');
      return toRoleInfo(role, input.roleName);
    });
  }

  async updateAssumeRolePolicy(roleName: string, document: PolicyDocument): Promise<void> {
    await this.call('UpdateAssumeRolePolicy', roleName, () =>
      this.client.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(document) }),
        this.callOptions,
      ),
    );
  }

  /** Detaches the role's managed policies first, as IAM refuses to delete a role that still has them. */
  async deleteRole(roleName: string): Promise<boolean> {
    const attached = await this.orUndefined('ListAttachedRolePolicies', roleName, () =>
      this.listAttachedRolePolicies(roleName),
    );
    if (attached === undefined) return false;
    for (const policyArn of attached) await this.detachRolePolicy(roleName, policyArn);
    const deleted = await this.orUndefined('DeleteRole', roleName, async () => {
      await this.client.send(new DeleteRoleCommand({ RoleName: roleName }), this.callOptions);
      return true;
    });
    return deleted ?? false;
  }

  async listAttachedRolePolicies(roleName: string): Promise<string[]> {
    return this.call('ListAttachedRolePolicies', roleName, async () => {
      const arns: string[] = [];
      for await (const page of paginateListAttachedRolePolicies(
        { client: this.client },
        { RoleName: roleName },
        this.callOptions,
      )) {
        for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn);
      }
      return arns;
    });
  }

  async attachRolePolicy(roleName: string, policyArn: string): Promise<void> {
    await this.call('AttachRolePolicy', `${roleName} ${policyArn}`, () =>
      this.client.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }), this.callOptions),
    );
  }

  async detachRolePolicy(roleName: string, policyArn: string): Promise<void> {
    await this.call('DetachRolePolicy', `${roleName} ${policyArn}`, () =>
      this.client.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn }), this.callOptions),
    );
  }

  async listOpenIdConnectProviders(): Promise<string[]> {
    return this.call('ListOpenIDConnectProviders', undefined, async () => {
      const answer = await this.client.send(new ListOpenIDConnectProvidersCommand({}), this.callOptions);
      return (answer.OpenIDConnectProviderList ?? []).flatMap((entry) => (entry.Arn ? [entry.Arn] : []));
    });
  }

  async getOpenIdConnectProvider(arn: string): Promise<OidcProviderInfo | undefined> {
    return this.orUndefined('GetOpenIDConnectProvider', arn, async () => {
      const answer = await this.client.send(
        new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
        this.callOptions,
      );
      return {
        arn,
        url: (answer.Url ?? '').replace(/^https:\/\//, ''),
        clientIds: answer.ClientIDList ?? [],
        thumbprints: answer.ThumbprintList ?? [],
      };
    });
  }

  async createOpenIdConnectProvider(input: {
    url: string;
    clientIds: string[];
    thumbprints?: string[];
  }): Promise<string> {
    return this.call('CreateOpenIDConnectProvider', input.url, async () => {
      const answer = await this.client.send(
        new CreateOpenIDConnectProviderCommand({
          Url: input.url.startsWith('https://') ? input.url : `https://${input.url}`,
          ClientIDList: input.clientIds,
          ...(input.thumbprints === undefined ? {} : { ThumbprintList: input.thumbprints }),
        }),
        this.callOptions,
      );
      if (!answer.OpenIDConnectProviderArn) throw new Error('CreateOpenIDConnectProvider answered without an ARN');
      return answer.OpenIDConnectProviderArn;
    });
  }

  async deleteOpenIdConnectProvider(arn: string): Promise<boolean> {
    const deleted = await this.orUndefined('DeleteOpenIDConnectProvider', arn, async () => {
      await this.client.send(
        new DeleteOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn }),
        this.callOptions,
      );
      return true;
    });
    return deleted ?? false;
  }

  async listRolePolicies(roleName: string): Promise<string[]> {
    return this.call('ListRolePolicies', roleName, async () => {
      const names: string[] = [];
      for await (const page of paginateListRolePolicies(
        { client: this.client },
        { RoleName: roleName },
        this.callOptions,
      )) {
        names.push(...(page.PolicyNames ?? []));
      }
      return names;
    });
  }

  async getRolePolicy(roleName: string, policyName: string): Promise<PolicyDocument | undefined> {
    return this.orUndefined('GetRolePolicy', `${roleName} ${policyName}`, async () => {
      const answer = await this.client.send(
        new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }),
        this.callOptions,
      );
      return decodePolicy(answer.PolicyDocument);
    });
  }

  /** GetPolicy for the default version id, then GetPolicyVersion for its document. */
  async getManagedPolicy(policyArn: string): Promise<ManagedPolicyInfo | undefined> {
    return this.orUndefined('GetPolicy', policyArn, async () => {
      const { Policy: policy } = await this.client.send(
        new GetPolicyCommand({ PolicyArn: policyArn }),
        this.callOptions,
      );
      const versionId = policy?.DefaultVersionId ?? 'v1';
      const { PolicyVersion: version } = await this.client.send(
        new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }),
        this.callOptions,
      );
      return {
        arn: policyArn,
        name: policy?.PolicyName ?? policyArn.slice(policyArn.lastIndexOf('/') + 1),
        versionId,
        document: decodePolicy(version?.Document),
      };
    });
  }

  private async call<T>(operation: string, resource: string | undefined, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw mapAwsError(error, { service: 'iam', operation, ...(resource === undefined ? {} : { resource }) });
    }
  }

  /** NoSuchEntity is an expected answer: undefined */
  private async orUndefined<T>(operation: string, resource: string, body: () => Promise<T>): Promise<T | undefined> {
    try {
      return await body();
    } catch (error) {
      if (isNoSuchEntity(error)) return undefined;
      throw mapAwsError(error, { service: 'iam', operation, resource });
    }
  }
}

/** also through an AdotError that wraps it (a call made through another method of this adapter) */
function isNoSuchEntity(error: unknown): boolean {
  const cause = error instanceof Error ? (error as { cause?: unknown }).cause : undefined;
  return [error, cause].some((candidate) => [NOT_FOUND, 'NoSuchEntity'].includes(awsErrorName(candidate)));
}

function toRoleInfo(role: Role, roleName: string): RoleInfo {
  return {
    name: role.RoleName ?? roleName,
    arn: role.Arn ?? '',
    assumeRolePolicyDocument: decodePolicy(role.AssumeRolePolicyDocument),
  };
}

/** IAM returns policy documents URL-encoded. */
export function decodePolicy(encoded: string | undefined): PolicyDocument {
  if (encoded === undefined || encoded === '') return { Version: '2012-10-17', Statement: [] };
  const text = encoded.trimStart().startsWith('{') ? encoded : decodeURIComponent(encoded);
  return JSON.parse(text) as PolicyDocument;
}
