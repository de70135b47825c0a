import {
  AmpClient,
  CreateWorkspaceCommand,
  DescribeWorkspaceCommand,
  paginateListWorkspaces,
  type WorkspaceDescription,
  type WorkspaceSummary,
} from '@aws-sdk/client-amp';
import type { Amp, AmpWorkspaceInfo } from '../../ports.js';
import { type AwsClientSettings, sdkCallOptions, sdkClientConfig } from './client-config.js';
import { awsErrorName, mapAwsError } from './errors.js';

/** Amazon Managed Service for Prometheus's control plane, one client per region (workspaces are regional). */
export class SdkAmp implements Amp {
  private readonly callOptions: { abortSignal?: AbortSignal };
  private readonly clients = new Map<string, AmpClient>();

  constructor(private readonly settings: AwsClientSettings) {
    this.callOptions = sdkCallOptions(settings);
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }

  /** ListWorkspaces filters by alias prefix (AMP API reference); the exact alias is matched here. */
  async listWorkspaces(region: string, alias?: string): Promise<AmpWorkspaceInfo[]> {
    return this.call('ListWorkspaces', region, alias, async () => {
      const found: AmpWorkspaceInfo[] = [];
      const input = alias === undefined ? {} : { alias };
      for await (const page of paginateListWorkspaces({ client: this.client(region) }, input, this.callOptions)) {
        for (const summary of page.workspaces ?? []) {
          if (alias === undefined || summary.alias === alias) found.push(toWorkspaceInfo(summary));
        }
      }
      return found;
    });
  }

  async describeWorkspace(region: string, workspaceId: string): Promise<AmpWorkspaceInfo | undefined> {
    try {
      const { workspace } = await this.client(region).send(
        new DescribeWorkspaceCommand({ workspaceId }),
        this.callOptions,
      );
      return workspace === undefined ? undefined : toWorkspaceInfo(workspace);
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') return undefined;
      throw mapAwsError(error, { service: 'aps', operation: 'DescribeWorkspace', resource: workspaceId, region });
    }
  }

  async createWorkspace(region: string, alias: string, tags?: Record<string, string>): Promise<AmpWorkspaceInfo> {
    return this.call('CreateWorkspace', region, alias, async () => {
      const answer = await this.client(region).send(
        new CreateWorkspaceCommand({ alias, ...(tags === undefined ? {} : { tags }) }),
        this.callOptions,
      );
      return {
        workspaceId: answer.workspaceId ?? '',
        alias,
        arn: answer.arn ?? '',
        status: answer.status?.statusCode ?? 'CREATING',
        prometheusEndpoint: undefined,
      };
    });
  }

  private client(region: string): AmpClient {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = new AmpClient(sdkClientConfig({ ...this.settings, region }));
      this.clients.set(region, client);
    }
    return client;
  }

  private async call<T>(
    operation: string,
    region: string,
    resource: string | undefined,
    body: () => Promise<T>,
  ): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw mapAwsError(error, { service: 'aps', operation, region, ...(resource === undefined ? {} : { resource }) });
    }
  }
}

function toWorkspaceInfo(workspace: WorkspaceSummary | WorkspaceDescription): AmpWorkspaceInfo {
  return {
    workspaceId: workspace.workspaceId ?? '',
    alias: workspace.alias,
    arn: workspace.arn ?? '',
    status: workspace.status?.statusCode ?? 'ACTIVE',
    prometheusEndpoint: 'prometheusEndpoint' in workspace ? workspace.prometheusEndpoint : undefined,
  };
}
