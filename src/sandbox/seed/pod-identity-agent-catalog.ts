import type { SeedAddonCatalogEntry } from '../types.js';

/**
 * The built-in answer of DescribeAddonVersions for addonName eks-pod-identity-agent: a modest set of released
 * builds with the Kubernetes versions each is known to support. EKS publishes no version table for this add-on, so
 * each row names its public evidence. Lower bounds are 1.24, the first Kubernetes version EKS Pod Identity supports
 * (https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html#pod-id-cluster-versions); 1.22 and 1.23
 * get no version, as on EKS. Upper bounds are the newest Kubernetes version a public source shows the build on.
 */
interface AgentRelease {
  version: string;
  from: string;
  to: string;
  /**
   * the agent image tag the build runs, where public; EKS does not publish the mapping, so other builds use their
   * own add-on version as a stand-in tag
   */
  imageTag?: string;
}

const RELEASES: readonly AgentRelease[] = [
  // the user guide's own example (pod-id-agent-setup.html); listed for 1.29 with v1.1.0 and v1.2.0 in a
  // DescribeAddonVersions dump of early 2024 (v1.2.0 the default there)
  { version: 'v1.0.0-eksbuild.1', from: '1.24', to: '1.29' },
  { version: 'v1.1.0-eksbuild.1', from: '1.24', to: '1.29' },
  // https://github.com/aws/amazon-vpc-cni-k8s/issues/2780 (February 2024: "the latest … version")
  { version: 'v1.2.0-eksbuild.1', from: '1.24', to: '1.29' },
  // aws-quickstart/cdk-eks-blueprints lib/addons/eks-pod-identity-agent/index.ts: 1.26-1.31 -> v1.3.2-eksbuild.2,
  // later 1.31 -> v1.3.4-eksbuild.1 and 1.32-1.34 -> v1.3.10-eksbuild.2
  { version: 'v1.3.2-eksbuild.2', from: '1.24', to: '1.31' },
  { version: 'v1.3.4-eksbuild.1', from: '1.24', to: '1.31' },
  { version: 'v1.3.10-eksbuild.2', from: '1.24', to: '1.34' },
  // the default a Kubernetes 1.36 cluster resolved to in September 2026 (a public deployment record), running
  // 602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/eks-pod-identity-agent:v0.1.37 (a public pin of that build)
  { version: 'v1.3.10-eksbuild.3', from: '1.24', to: '1.36', imageTag: 'v0.1.37' },
];

function minorRange(from: string, to: string): string[] {
  const first = Number(from.split('.')[1]);
  const last = Number(to.split('.')[1]);
  return Array.from({ length: last - first + 1 }, (_, index) => `1.${first + index}`);
}

/** newest first; the newest compatible build is the default for each Kubernetes version (the emulator's rule) */
export function podIdentityAgentCatalog(): SeedAddonCatalogEntry[] {
  return [...RELEASES].reverse().map((release) => ({
    version: release.version,
    clusterVersions: minorRange(release.from, release.to),
    // the chart schedules the agent on amd64 and arm64 nodes (charts/eks-pod-identity-agent/values.yaml)
    architecture: ['amd64', 'arm64'],
    requiresConfiguration: false,
  }));
}

export function podIdentityAgentImageTag(addonVersion: string): string {
  return RELEASES.find((release) => release.version === addonVersion)?.imageTag ?? addonVersion;
}
