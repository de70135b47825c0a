import {
  CreateAddonCommand,
  CreatePodIdentityAssociationCommand,
  DeleteAddonCommand,
  DeletePodIdentityAssociationCommand,
  DescribeAddonCommand,
  DescribeAddonConfigurationCommand,
  DescribeClusterCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  UpdateAddonCommand,
  UpdatePodIdentityAssociationCommand,
  paginateDescribeAddonVersions,
  paginateListAddons,
  paginateListClusters,
  paginateListPodIdentityAssociations,
  type Addon,
  type PodIdentityAssociation,
} from '@aws-sdk/client-eks';
import type {
  AddonConfigurationInfo,
  AddonInfo,
  AddonStatus,
  AddonVersionInfo,
  ClusterInfo,
  CreateAddonInput,
  Eks,
  PodIdentityAssociationInfo,
  UpdateAddonInput,
} from '../../ports.js';
import { type AwsClientSettings, sdkCallOptions, sdkClientConfig } from './client-config.js';
import { awsErrorName, clusterNotFound, mapAwsError } from './errors.js';

const NOT_FOUND = 'ResourceNotFoundException';

export class SdkEks implements Eks {
  private readonly callOptions: { abortSignal?: AbortSignal };
  private readonly client: EKSClient;

  constructor(private readonly settings: AwsClientSettings) {
    this.callOptions = sdkCallOptions(settings);
    this.client = new EKSClient(sdkClientConfig(settings));
  }

  destroy(): void {
    this.client.destroy();
  }

  async listClusters(): Promise<string[]> {
    return this.call('ListClusters', undefined, async () => {
      const names: string[] = [];
      for await (const page of paginateListClusters({ client: this.client }, {}, this.callOptions))
        names.push(...(page.clusters ?? []));
      return names;
    });
  }

  async describeCluster(name: string): Promise<ClusterInfo | undefined> {
    try {
      const { cluster } = await this.client.send(new DescribeClusterCommand({ name }), this.callOptions);
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
      for await (const page of paginateDescribeAddonVersions({ client: this.client }, input, this.callOptions)) {
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
      const { addon } = await this.client.send(new DescribeAddonCommand({ clusterName, addonName }), this.callOptions);
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
        const { addon } = await this.client.send(new CreateAddonCommand({ ...input }), this.callOptions);
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
        await this.client.send(new UpdateAddonCommand({ ...input }), this.callOptions);
      },
      input.clusterName,
    );
  }

  async deleteAddon(clusterName: string, addonName: string, options?: { preserve?: boolean }): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteAddonCommand({ clusterName, addonName, ...(options?.preserve ? { preserve: true } : {}) }),
        this.callOptions,
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
        for await (const page of paginateListAddons({ client: this.client }, { clusterName }, this.callOptions)) {
          names.push(...(page.addons ?? []));
        }
        return names;
      },
      clusterName,
    );
  }

  async describeAddonConfiguration(
    addonName: string,
    addonVersion: string,
  ): Promise<AddonConfigurationInfo | undefined> {
    try {
      const answer = await this.client.send(
        new DescribeAddonConfigurationCommand({ addonName, addonVersion }),
        this.callOptions,
      );
      return {
        addonName: answer.addonName ?? addonName,
        addonVersion: answer.addonVersion ?? addonVersion,
        configurationSchema: answer.configurationSchema === '' ? undefined : answer.configurationSchema,
        podIdentityConfiguration: (answer.podIdentityConfiguration ?? []).map((entry) => ({
          serviceAccount: entry.serviceAccount ?? '',
          recommendedManagedPolicies: entry.recommendedManagedPolicies ?? [],
        })),
      };
    } catch (error) {
      if (awsErrorName(error) === NOT_FOUND) return undefined;
      throw mapAwsError(error, this.what('DescribeAddonConfiguration', `${addonName} ${addonVersion}`));
    }
  }

  /** List answers summaries without the role; each association is described (in parallel). */
  async listPodIdentityAssociations(
    clusterName: string,
    filter: { namespace?: string; serviceAccount?: string } = {},
  ): Promise<PodIdentityAssociationInfo[]> {
    const ids = await this.call(
      'ListPodIdentityAssociations',
      clusterName,
      async () => {
        const found: string[] = [];
        const input = { clusterName, ...filter };
        for await (const page of paginateListPodIdentityAssociations(
          { client: this.client },
          input,
          this.callOptions,
        )) {
          for (const summary of page.associations ?? []) if (summary.associationId) found.push(summary.associationId);
        }
        return found;
      },
      clusterName,
    );
    const described = await Promise.all(ids.map((id) => this.describePodIdentityAssociation(clusterName, id)));
    return described.filter((association): association is PodIdentityAssociationInfo => association !== undefined);
  }

  async describePodIdentityAssociation(
    clusterName: string,
    associationId: string,
  ): Promise<PodIdentityAssociationInfo | undefined> {
    try {
      const { association } = await this.client.send(
        new DescribePodIdentityAssociationCommand({ clusterName, associationId }),
        this.callOptions,
      );
      return association === undefined ? undefined : toAssociationInfo(association, clusterName);
    } catch (error) {
      if (awsErrorName(error) === NOT_FOUND) {
        if (isMissingCluster(error)) throw clusterNotFound(clusterName, this.settings.region, error);
        return undefined;
      }
      throw mapAwsError(error, this.what('DescribePodIdentityAssociation', `${clusterName}/${associationId}`));
    }
  }

  async createPodIdentityAssociation(input: {
    clusterName: string;
    namespace: string;
    serviceAccount: string;
    roleArn: string;
    tags?: Record<string, string>;
  }): Promise<PodIdentityAssociationInfo> {
    return this.call(
      'CreatePodIdentityAssociation',
      `${input.clusterName}/${input.namespace}/${input.serviceAccount}`,
      async () => {
        const { association } = await this.client.send(
          new CreatePodIdentityAssociationCommand({ ...input }),
          this.callOptions,
        );
        if (!association) throw new Error('CreatePodIdentityAssociation answered without an association');
        return toAssociationInfo(association, input.clusterName);
      },
      input.clusterName,
    );
  }

  async updatePodIdentityAssociation(input: {
    clusterName: string;
    associationId: string;
    roleArn: string;
  }): Promise<PodIdentityAssociationInfo> {
    return this.call(
      'UpdatePodIdentityAssociation',
      `${input.clusterName}/${input.associationId}`,
      async () => {
        const { association } = await this.client.send(
          new UpdatePodIdentityAssociationCommand({ ...input }),
          this.callOptions,
        );
        if (!association) throw new Error('UpdatePodIdentityAssociation answered without an association');
        return toAssociationInfo(association, input.clusterName);
      },
      input.clusterName,
    );
  }

  async deletePodIdentityAssociation(clusterName: string, associationId: string): Promise<boolean> {
    try {
      await this.client.send(new DeletePodIdentityAssociationCommand({ clusterName, associationId }), this.callOptions);
      return true;
    } catch (error) {
      if (awsErrorName(error) === NOT_FOUND) {
        if (isMissingCluster(error)) throw clusterNotFound(clusterName, this.settings.region, error);
        return false;
      }
      throw mapAwsError(error, this.what('DeletePodIdentityAssociation', `${clusterName}/${associationId}`));
    }
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
    podIdentityAssociations: addon.podIdentityAssociations ?? [],
    tags: addon.tags ?? {},
  };
}

function toAssociationInfo(association: PodIdentityAssociation, clusterName: string): PodIdentityAssociationInfo {
  return {
    associationId: association.associationId ?? '',
    associationArn: association.associationArn ?? '',
    clusterName: association.clusterName ?? clusterName,
    namespace: association.namespace ?? '',
    serviceAccount: association.serviceAccount ?? '',
    roleArn: association.roleArn ?? '',
    ownerArn: association.ownerArn,
    disableSessionTags: association.disableSessionTags ?? false,
    tags: association.tags ?? {},
  };
}
