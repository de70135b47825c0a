import { createHash } from 'node:crypto';

export interface DescribedCluster {
  account: string;
  name: string;
  arn: string;
  createdAt: Date;
  version: string;
  endpoint: string;
  oidcIssuer?: string;
  status?: string;
  certificateAuthorityData?: string;
}

/** DescribeCluster's `cluster`, with IDs derived from the account and name so they stay the same across runs. */
export function describeClusterDocument(cluster: DescribedCluster): Record<string, unknown> {
  const id = createHash('sha256').update(`${cluster.account}/${cluster.name}`).digest('hex');
  return {
    name: cluster.name,
    arn: cluster.arn,
    createdAt: cluster.createdAt,
    version: cluster.version,
    endpoint: cluster.endpoint,
    roleArn: `arn:aws:iam::${cluster.account}:role/${cluster.name}-cluster-role`,
    resourcesVpcConfig: {
      subnetIds: [`subnet-${id.slice(0, 17)}`, `subnet-${id.slice(17, 34)}`],
      securityGroupIds: [],
      clusterSecurityGroupId: `sg-${id.slice(34, 51)}`,
      vpcId: `vpc-${id.slice(51, 64)}`,
      endpointPublicAccess: true,
      endpointPrivateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '10.100.0.0/16', ipFamily: 'ipv4' },
    logging: {
      clusterLogging: [{ types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false }],
    },
    identity: cluster.oidcIssuer === undefined ? undefined : { oidc: { issuer: cluster.oidcIssuer } },
    status: cluster.status ?? 'ACTIVE',
    certificateAuthority:
      cluster.certificateAuthorityData === undefined ? {} : { data: cluster.certificateAuthorityData },
    platformVersion: 'eks.1',
    tags: {},
  };
}
