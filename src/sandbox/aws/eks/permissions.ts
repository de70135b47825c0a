import type { RequiredPermission } from '../protocols/authorization.js';
import type { EksEmulator } from './emulator.js';

const ADDON_OPERATIONS = new Set(['DescribeAddon', 'UpdateAddon', 'DeleteAddon']);

/**
 * The permission an EKS operation needs: `eks:<Operation>` on the add-on (DescribeAddon, UpdateAddon,
 * DeleteAddon), on the cluster the path names (DescribeCluster, ListAddons, CreateAddon, DescribeUpdate and any
 * other cluster-scoped route), or on `*` (ListClusters, DescribeAddonVersions, DescribeAddonConfiguration), per the
 * Service Authorization Reference for Amazon EKS
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelastickubernetesservice.html).
 * Not checked: the iam:PassRole CreateAddon/UpdateAddon also need for a serviceAccountRoleArn.
 */
export function eksPermissions(
  eks: EksEmulator,
  operation: string,
  labels: Record<string, string>,
  region: string,
): RequiredPermission[] {
  const action = `eks:${operation}`;
  const cluster = labels.name;
  if (cluster === undefined) return [{ action, resource: '*' }];
  const addon = labels.addonName;
  if (addon !== undefined && ADDON_OPERATIONS.has(operation)) {
    return [{ action, resource: addonArn(eks, cluster, addon, region) }];
  }
  return [{ action, resource: `arn:aws:eks:${region}:${eks.account}:cluster/${cluster}` }];
}

/** the add-on's ARN (it ends in an id EKS assigns), or the pattern of its ARNs when it does not exist */
function addonArn(eks: EksEmulator, cluster: string, addon: string, region: string): string {
  try {
    return eks.describeAddon(cluster, addon).addonArn;
  } catch {
    return `arn:aws:eks:${region}:${eks.account}:addon/${cluster}/${addon}/*`;
  }
}
