/**
 * aws.credentials and eks.cluster: who we are, and whether the cluster exists, is ACTIVE and is the one the
 * kubeconfig context talks to.
 */
import { hintFor, pass, withFact } from './helpers.js';
import type { Check } from './types.js';

export const awsCredentials: Check<'aws.credentials'> = {
  id: 'aws.credentials',
  category: 'aws',
  title: 'AWS credentials resolve to an identity',
  appliesToPre: true,
  retryable: false,
  dependsOn: [],
  run(facts) {
    if (!facts.identity.ok) {
      return {
        status: 'fail',
        message: `GetCallerIdentity failed: ${facts.identity.error.message}`,
        expected: 'a caller identity',
        hint: hintFor(this.id, facts.identity.error.hint ?? 'aws sts get-caller-identity (or aws sso login)'),
      };
    }
    const identity = facts.identity.value;
    return pass(`authenticated as ${identity.arn} (account ${identity.account})`, { observed: identity.arn });
  },
};

/** https://HOST[:443]/ and https://host compare equal */
export function normalizeEndpoint(url: string): string {
  let text = url.trim().toLowerCase().replace(/\/+$/, '');
  text = text.replace(/^(https:\/\/[^/]+):443$/, '$1');
  return text;
}

export const eksCluster: Check<'eks.cluster'> = {
  id: 'eks.cluster',
  category: 'aws',
  title: 'EKS cluster exists, is ACTIVE and matches the kubeconfig context',
  appliesToPre: true,
  retryable: true,
  dependsOn: ['aws.credentials'],
  run(facts, context) {
    return withFact(this.id, `EKS cluster ${context.clusterName}`, facts.cluster, (cluster) => {
      if (cluster === undefined) {
        return {
          status: 'fail',
          message: `cluster ${context.clusterName} not found`,
          observed: 'not found',
          expected: context.clusterName,
          hint: hintFor(this.id, 'aws eks list-clusters, then pass --cluster (or ADOT_CLUSTER)'),
        };
      }
      if (cluster.status !== 'ACTIVE') {
        const settling = cluster.status === 'CREATING' || cluster.status === 'UPDATING';
        return {
          status: settling ? 'warn' : 'fail',
          message: `cluster ${cluster.name} is ${cluster.status}`,
          observed: cluster.status,
          expected: 'ACTIVE',
          hint: hintFor(this.id, `aws eks wait cluster-active --name ${cluster.name}`),
        };
      }
      if (!facts.kubeContext.ok) {
        return {
          status: 'fail',
          message: `cluster ${cluster.name} is ACTIVE but no kubeconfig context is usable: ${facts.kubeContext.error.message}`,
          expected: cluster.endpoint,
          hint: hintFor(this.id, `aws eks update-kubeconfig --name ${cluster.name}`),
        };
      }
      const server = facts.kubeContext.value.server;
      if (normalizeEndpoint(server) !== normalizeEndpoint(cluster.endpoint)) {
        return {
          status: 'fail',
          message: `kubeconfig context ${facts.kubeContext.value.contextName} points at another cluster`,
          observed: server,
          expected: cluster.endpoint,
          hint: hintFor(this.id, `aws eks update-kubeconfig --name ${cluster.name} (or pass --context)`),
        };
      }
      return pass(
        `cluster ${cluster.name} is ACTIVE (Kubernetes ${cluster.version}); context ${facts.kubeContext.value.contextName} matches its endpoint`,
        {
          observed: `${cluster.status} ${cluster.endpoint}`,
        },
      );
    });
  },
};
