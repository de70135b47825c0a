import type { IamEmulator } from '../aws/iam/emulator.js';
import type { Seed } from '../types.js';
import { SEED_DEFAULTS } from './defaults.js';

/**
 * The IAM role of the clusters' EC2 nodes, as the EKS User Guide creates it ("Amazon EKS node IAM role",
 * https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html): AmazonEKSNodeRole, trusted by
 * ec2.amazonaws.com, with AmazonEKSWorkerNodePolicy (which grants eks-auth:AssumeRoleForPodIdentity, what the EKS Pod
 * Identity agent calls with the node's credentials), AmazonEC2ContainerRegistryReadOnly and AmazonEKS_CNI_Policy.
 * Made at start when a cluster has EC2 nodes and the seed does not define a role of that name.
 */
export const NODE_ROLE_NAME = 'AmazonEKSNodeRole';
const NODE_ROLE_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
  'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
];
const NODE_ROLE_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export function hasEc2Nodes(seed: Seed): boolean {
  return (seed.clusters ?? []).some((cluster) => {
    const nodes = cluster.nodes ?? SEED_DEFAULTS.nodeCount;
    const count = typeof nodes === 'number' ? nodes : nodes.length;
    return (cluster.computeType ?? SEED_DEFAULTS.computeType) === 'ec2' && count > 0;
  });
}

/** creates the node role unless the seed has one of that name; its ARN */
export function ensureNodeRole(iam: IamEmulator, seed: Seed): string | undefined {
  if (!hasEc2Nodes(seed)) return undefined;
  if ((seed.iam?.roles ?? []).some((role) => role.name === NODE_ROLE_NAME)) return iam.findRoleArn(NODE_ROLE_NAME);
  iam.createRole({
    RoleName: NODE_ROLE_NAME,
    AssumeRolePolicyDocument: JSON.stringify(NODE_ROLE_TRUST),
    Description: 'Amazon EKS - Node role',
  });
  for (const policyArn of NODE_ROLE_POLICIES) iam.attachRolePolicy(NODE_ROLE_NAME, policyArn);
  return iam.findRoleArn(NODE_ROLE_NAME);
}
