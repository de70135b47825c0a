import {
  CreateAddonCommand,
  DeleteAddonCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  EKSClient,
  UpdateAddonCommand,
  paginateDescribeAddonVersions,
  paginateListAddons,
  paginateListClusters,
  type Addon,
} from '@aws-sdk/client-eks';
import type {
  AddonInfo,
  AddonStatus,
  AddonVersionInfo,
  ClusterInfo,
  CreateAddonInput,
  Eks,
  UpdateAddonInput,
} from '../../ports.js';
import { type AwsClientSettings, sdkClientConfig } from './client-config.js';
import { awsErrorName, clusterNotFound, mapAwsError } from './errors.js';

const NOT_FOUND = 'ResourceNotFoundException';

export class SdkEks implements Eks {
  private readonly client: EKSClient;

  constructor(private readonly settings: AwsClientSettings) {
    this.client = new EKSClient(sdkClientConfig(settings));
  }

  destroy(): void {
    this.client.destroy();
  }

  async listClusters(): Promise<string[]> {
    return this.call('ListClusters', undefined, async () => {
      const names: string[] = [];
      for await (const page of paginateListClusters({ client: this.client }, {})) names.push(...(page.clusters ?? []));
      return names;
    });
  }

  async describeCluster(name: string): Promise<ClusterInfo | undefined> {
    try {
      const { cluster } = await this.client.send(new DescribeClusterCommand({ name }));
      if (!cluster) return undefined;
      return {
        name: cluster.name ?? name,
        arn: cluster.arn ?? '',
        version: cluster.version ?? '',
        status: cluster.status ?? '',
        endpoint: cluster.endpoint ?? '',
        oidcIssuer: cluster.identity?.oidc?.issuer,
      };
    } catch (error) {
      if (awsErrorName(error) === NOT_FOUND) return undefined;
      throw mapAwsError(error, this.what('DescribeCluster', name));
    }
  }

  async describeAddonVersions(addonName: string, kubernetesVersion?: string): Promise<AddonVersionInfo[]> {
    return this.call('DescribeAddonVersions', addonName, async () => {
      const versions: AddonVersionInfo[] = [];
      const input = { addonName, ...(kubernetesVersion === undefined ? {} : { kubernetesVersion }) };
      for await (const page of paginateDescribeAddonVersions({ client: this.client }, input)) {
        for (const addon of page.addons ?? []) {
          if (addon.addonName !== undefined && addon.addonName !== addonName) continue;
          for (const version of addon.addonVersions ?? []) {
            versions.push({
              addonVersion: version.addonVersion ?? '',
              architecture: version.architecture ?? [],
              compatibilities: (version.compatibilities ?? []).map((compatibility) => ({
                clusterVersion: compatibility.clusterVersion ?? '',
                defaultVersion: compatibility.defaultVersion ?? false,
              })),
              requiresConfiguration: version.requiresConfiguration ?? false,
            });
          }
        }
      }
      return versions;
    });
  }

  async describeAddon(clusterName: string, addonName: string): Promise<AddonInfo | undefined> {
    try {
      const { addon } = await this.client.send(new DescribeAddonCommand({ clusterName, addonName }));
      return addon ? toAddonInfo(addon, addonName) : undefined;
    } catch (error) {
      if (awsErrorName(error) === NOT_FOUND) {
        if (isMissingCluster(error)) throw clusterNotFound(clusterName, this.settings.region, error);
        return undefined;
      }
      throw mapAwsError(error, this.what('DescribeAddon', `${clusterName}/${addonName}`));
    }
  }

  async createAddon(input: CreateAddonInput): Promise<AddonInfo> {
    return this.call(
      'CreateAddon',
      `${input.clusterName}/${input.addonName}`,
      async () => {
        const { addon } = await this.client.send(new CreateAddonCommand({ ...input }));
        if (!addon) throw new Error('CreateAddon answered without an addon');
        return toAddonInfo(addon, input.addonName);
      },
      input.clusterName,
    );
  }

  async updateAddon(input: UpdateAddonInput): Promise<void> {
    await this.call(
      'UpdateAddon',
      `${input.clusterName}/${input.addonName}`,
      async () => {
        await this.client.send(new UpdateAddonCommand({ ...input }));
      },
      input.clusterName,
    );
  }

  async deleteAddon(clusterName: string, addonName: string, options?: { preserve?: boolean }): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteAddonCommand({ clusterName, addonName, ...(options?.preserve ? { preserve: true } : {}) }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === NOT_FOUND) {
        if (isMissingCluster(error)) throw clusterNotFound(clusterName, this.settings.region, error);
        return false;
      }
      throw mapAwsError(error, this.what('DeleteAddon', `${clusterName}/${addonName}`));
    }
  }

  async listAddons(clusterName: string): Promise<string[]> {
    return this.call(
      'ListAddons',
      clusterName,
      async () => {
        const names: string[] = [];
        for await (const page of paginateListAddons({ client: this.client }, { clusterName })) {
          names.push(...(page.addons ?? []));
        }
        return names;
      },
      clusterName,
    );
  }

  /** runs one SDK call; a ResourceNotFoundException about a cluster becomes ClusterNotFound */
  private async call<T>(
    operation: string,
    resource: string | undefined,
    body: () => Promise<T>,
    cluster?: string,
  ): Promise<T> {
    try {
      return await body();
    } catch (error) {
      if (cluster !== undefined && awsErrorName(error) === NOT_FOUND && isMissingCluster(error)) {
        throw clusterNotFound(cluster, this.settings.region, error);
      }
      throw mapAwsError(error, this.what(operation, resource));
    }
  }

  private what(operation: string, resource: string | undefined): Parameters<typeof mapAwsError>[1] {
    return {
      service: 'eks',
      operation,
      ...(resource === undefined ? {} : { resource }),
      ...(this.settings.region === undefined ? {} : { region: this.settings.region }),
    };
  }
}

/** EKS answers ResourceNotFoundException both for a missing cluster and a missing add-on; the message tells which. */
function isMissingCluster(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return /no cluster found/i.test(message);
}

function toAddonInfo(addon: Addon, addonName: string): AddonInfo {
  return {
    addonName: addon.addonName ?? addonName,
    addonVersion: addon.addonVersion ?? '',
    status: (addon.status ?? 'CREATING') as AddonStatus,
    health: (addon.health?.issues ?? []).map((issue) => ({
      code: issue.code ?? '',
      message: issue.message ?? '',
      resourceIds: issue.resourceIds ?? [],
    })),
    serviceAccountRoleArn: addon.serviceAccountRoleArn,
    configurationValues: addon.configurationValues,
    createdAt: addon.createdAt,
    modifiedAt: addon.modifiedAt,
  };
}
