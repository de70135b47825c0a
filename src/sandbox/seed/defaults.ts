import { createHash } from 'node:crypto';
import type { Seed, SeedCluster } from '../types.js';
import { newestSupportedKubernetes } from './catalog.js';

export const SEED_DEFAULTS = {
  account: '123456789012',
  region: 'us-east-1',
  clusterName: 'demo',
  /** like the default scenario: the newest Kubernetes version the built-in catalogue has an ADOT version for */
  clusterVersion: newestSupportedKubernetes(),
  clusterStatus: 'ACTIVE',
  addonCreateSeconds: 3,
  addonDeleteSeconds: 1,
  addonUpdateSeconds: 2,
  rolloutSeconds: 1,
  /** nodes of a cluster that names none: two, as in eksctl's default node group (eksctl DefaultNodeCount) */
  nodeCount: 2,
  computeType: 'ec2',
  workspaceCreateSeconds: 1,
} as const;

/** gitVersions EKS reported for the last patch of each minor; other minors get a derived one of the same shape */
const EKS_GIT_VERSIONS: Record<string, string> = {
  '1.18': 'v1.18.20-eks-c9f1ce',
  '1.19': 'v1.19.16-eks-25803e',
  '1.20': 'v1.20.15-eks-fb459a0',
  '1.21': 'v1.21.14-eks-fb459a0',
  '1.22': 'v1.22.17-eks-48e63af',
  '1.23': 'v1.23.17-eks-8ccc7ba',
  '1.24': 'v1.24.17-eks-8ccc7ba',
  '1.25': 'v1.25.16-eks-8ccc7ba',
  '1.26': 'v1.26.15-eks-adc7111',
  '1.27': 'v1.27.16-eks-2d5f260',
  '1.28': 'v1.28.15-eks-2d5f260',
  '1.29': 'v1.29.15-eks-0d5c5d4',
  '1.30': 'v1.30.14-eks-931bdca',
  '1.31': 'v1.31.10-eks-931bdca',
  '1.32': 'v1.32.6-eks-931bdca',
  '1.33': 'v1.33.2-eks-931bdca',
};

function hexOf(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function gitVersionFor(minorVersion: string): string {
  return EKS_GIT_VERSIONS[minorVersion] ?? `v${minorVersion}.0-eks-${hexOf(minorVersion).slice(0, 7)}`;
}

export function oidcIssuerFor(region: string, clusterName: string): string {
  return `https://oidc.eks.${region}.amazonaws.com/id/${hexOf(clusterName).slice(0, 32).toUpperCase()}`;
}

/** Fills every default of docs/sandbox.md "Seed file"; idempotent, never mutates its argument. */
export function applySeedDefaults(seed: Seed): Seed {
  const region = seed.region ?? SEED_DEFAULTS.region;
  const clusters: SeedCluster[] = (seed.clusters ?? [{ name: SEED_DEFAULTS.clusterName }]).map((cluster) => {
    const version = cluster.version ?? SEED_DEFAULTS.clusterVersion;
    return {
      ...cluster,
      version,
      gitVersion: cluster.gitVersion ?? gitVersionFor(version),
      status: cluster.status ?? SEED_DEFAULTS.clusterStatus,
      oidcIssuer: cluster.oidcIssuer ?? oidcIssuerFor(region, cluster.name),
      presets: cluster.presets ?? [],
      addons: cluster.addons ?? [],
      objects: cluster.objects ?? [],
      nodes: cluster.nodes ?? SEED_DEFAULTS.nodeCount,
      computeType: cluster.computeType ?? SEED_DEFAULTS.computeType,
      podIdentityAssociations: cluster.podIdentityAssociations ?? [],
    };
  });
  const behaviour = seed.behaviour ?? {};
  return {
    ...seed,
    account: seed.account ?? SEED_DEFAULTS.account,
    region,
    behaviour: {
      ...behaviour,
      addonCreateSeconds: behaviour.addonCreateSeconds ?? SEED_DEFAULTS.addonCreateSeconds,
      addonDeleteSeconds: behaviour.addonDeleteSeconds ?? SEED_DEFAULTS.addonDeleteSeconds,
      addonUpdateSeconds: behaviour.addonUpdateSeconds ?? SEED_DEFAULTS.addonUpdateSeconds,
      rolloutSeconds: behaviour.rolloutSeconds ?? SEED_DEFAULTS.rolloutSeconds,
      workspaceCreateSeconds: behaviour.workspaceCreateSeconds ?? SEED_DEFAULTS.workspaceCreateSeconds,
      faults: behaviour.faults ?? [],
    },
    clusters,
    iam: {
      oidcProviders: seed.iam?.oidcProviders ?? [],
      policies: seed.iam?.policies ?? [],
      roles: seed.iam?.roles ?? [],
    },
    amp: { workspaces: seed.amp?.workspaces ?? [] },
  };
}
