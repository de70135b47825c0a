import { createHash } from 'node:crypto';

/** An AWS managed policy as GetPolicy describes it (attachment counts are added by the emulator). */
export interface ManagedPolicy {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  DefaultVersionId: string;
  IsAttachable: boolean;
  Description: string;
  CreateDate: Date;
  UpdateDate: Date;
}

/** [name, path, description, created, last updated] of the AWS managed policies adot and its users attach. */
const known: [string, string, string, string, string][] = [
  [
    'AWSXRayDaemonWriteAccess',
    '/',
    "Allow the AWS X-Ray Daemon to relay raw trace segments data to the service's API and retrieve sampling data (rules, targets, etc.) to be used by the X-Ray SDK.",
    '2018-08-28T23:00:33Z',
    '2024-06-20T17:23:08Z',
  ],
  [
    'AmazonPrometheusRemoteWriteAccess',
    '/',
    'Grants write only access to AWS Managed Prometheus workspaces',
    '2020-12-15T22:02:56Z',
    '2020-12-15T22:02:56Z',
  ],
  [
    'CloudWatchAgentServerPolicy',
    '/',
    'Permissions required to use AmazonCloudWatchAgent on servers',
    '2017-08-31T00:08:04Z',
    '2023-04-24T19:57:39Z',
  ],
  [
    'AmazonEKSClusterPolicy',
    '/',
    'This policy provides Kubernetes the permissions it requires to manage resources on your behalf.',
    '2018-05-27T21:06:14Z',
    '2024-04-10T20:21:04Z',
  ],
  [
    'AmazonEKSWorkerNodePolicy',
    '/',
    'This policy allows Amazon EKS worker nodes to connect to Amazon EKS Clusters.',
    '2018-05-27T21:09:01Z',
    '2024-07-09T16:04:18Z',
  ],
  [
    'AmazonEC2ContainerRegistryReadOnly',
    '/',
    'Provides read-only access to Amazon EC2 Container Registry repositories.',
    '2015-10-21T20:42:15Z',
    '2019-12-05T19:19:08Z',
  ],
  [
    'ReadOnlyAccess',
    '/',
    'Provides read-only access to AWS services and resources.',
    '2015-02-06T18:39:48Z',
    '2025-01-02T17:24:41Z',
  ],
  [
    'AdministratorAccess',
    '/',
    'Provides full access to AWS services and resources.',
    '2015-02-06T18:39:46Z',
    '2015-02-06T18:39:46Z',
  ],
  [
    'AmazonSSMManagedInstanceCore',
    '/',
    'The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.',
    '2019-03-15T17:22:12Z',
    '2023-03-15T17:22:12Z',
  ],
  [
    'AmazonEKS_CNI_Policy',
    '/',
    'This policy provides the Amazon VPC CNI Plugin (amazon-vpc-cni-k8s) the permissions it requires to modify the IP address configuration on your EKS worker nodes.',
    '2018-05-27T21:07:42Z',
    '2021-05-17T20:23:58Z',
  ],
];

export const managedPolicies: ReadonlyMap<string, ManagedPolicy> = new Map(
  known.map(([name, path, description, created, updated]) => {
    const arn = `arn:aws:iam::aws:policy${path}${name}`;
    return [
      arn,
      {
        PolicyName: name,
        PolicyId: stableId('ANPA', arn),
        Arn: arn,
        Path: path,
        DefaultVersionId: 'v1',
        IsAttachable: true,
        Description: description,
        CreateDate: new Date(created),
        UpdateDate: new Date(updated),
      },
    ];
  }),
);

/** An IAM-style unique id (prefix + 17 upper-case alphanumerics) derived from a string, stable across runs. */
export function stableId(prefix: string, from: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(from).digest();
  let id = prefix;
  for (let index = 0; index < 17; index += 1) id += alphabet[(digest[index] ?? 0) % alphabet.length];
  return id;
}
