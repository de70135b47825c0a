import { usageError } from '../core/errors.js';
import { EksEmulator, IamEmulator, startAwsServer, type AwsServer } from './aws/index.js';
import { startClusterControllers, StoreAddonHooks, type ClusterControllers } from './controllers/index.js';
import { FaultInjector } from './faults.js';
import { baseClusterObjects } from './kube/bootstrap.js';
import { renderKubeconfig } from './kube/kubeconfig.js';
import { startKubeApiServer, type KubeApiServer } from './kube/server.js';
import { createClusterStore } from './kube/store.js';
import { builtinAddonCatalog } from './seed/catalog.js';
import { clusterStartObjects } from './seed/cluster-objects.js';
import { applySeedDefaults, SEED_DEFAULTS } from './seed/defaults.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY, SANDBOX_TOKEN, SANDBOX_USER } from './seed/identity.js';
import { parseSeed } from './seed/parse.js';
import { DEFAULT_SCENARIO, scenarioSeed } from './seed/scenarios.js';
import type { ClusterStore, Seed, SeedCluster } from './types.js';

export interface SandboxCluster {
  name: string;
  /** the cluster's Kubernetes API server URL */
  server: string;
}

export interface RunningSandbox {
  awsEndpoint: string;
  region: string;
  account: string;
  accessKeyId: string;
  secretAccessKey: string;
  clusters: SandboxCluster[];
  defaultCluster: string;
  /** a kubeconfig with one context per cluster, the default cluster current */
  kubeconfig(): string;
  /** AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION (and AWS_DEFAULT_REGION), KUBECONFIG, ADOT_CLUSTER */
  env(kubeconfigPath: string): Record<string, string>;
  /** the object store of one cluster (throws for an unknown name) */
  store(cluster: string): ClusterStore;
  eks: EksEmulator;
  iam: IamEmulator;
  /** every AWS request served so far */
  awsRequests: AwsServer['requests'];
  stop(): Promise<void>;
}

export interface StartSandboxOptions {
  seed: Seed;
  /** loopback address to listen on (default 127.0.0.1) */
  host?: string;
  /** port of the AWS endpoint (default: any free port) */
  awsPort?: number;
}

interface StartedCluster {
  seed: SeedCluster;
  store: ClusterStore;
  server: KubeApiServer;
  controllers: ClusterControllers;
}

/** Starts the emulated AWS endpoint and one Kubernetes API server per seeded cluster, settled and ready to serve. */
export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const seed = applySeedDefaults(options.seed);
  const host = options.host ?? '127.0.0.1';
  const account = seed.account ?? SEED_DEFAULTS.account;
  const region = seed.region ?? SEED_DEFAULTS.region;
  const behaviour = seed.behaviour ?? {};
  const faults = new FaultInjector(behaviour.faults ?? [], behaviour.randomSeed);
  const eks = new EksEmulator({
    account,
    region,
    catalog: seed.addonCatalog ?? builtinAddonCatalog(),
    timing: {
      addonCreateSeconds: behaviour.addonCreateSeconds ?? SEED_DEFAULTS.addonCreateSeconds,
      addonDeleteSeconds: behaviour.addonDeleteSeconds ?? SEED_DEFAULTS.addonDeleteSeconds,
      addonUpdateSeconds: behaviour.addonUpdateSeconds ?? SEED_DEFAULTS.addonUpdateSeconds,
    },
  });
  const iam = new IamEmulator({ account });
  iam.seed(seed.iam);

  const started: StartedCluster[] = [];
  let aws: AwsServer | undefined;
  const stopAll = async (): Promise<void> => {
    await aws?.close();
    eks.close();
    for (const cluster of started) cluster.controllers.stop();
    await Promise.all(started.map((cluster) => cluster.server.close()));
  };

  try {
    const baseObjects = baseClusterObjects(SANDBOX_USER);
    await Promise.all(
      (seed.clusters ?? []).map(async (clusterSeed) => {
        const store = createClusterStore();
        for (const object of clusterStartObjects(clusterSeed, baseObjects)) store.put(object);
        const server = await startKubeApiServer({
          store,
          gitVersion: clusterSeed.gitVersion ?? '',
          faults,
          host,
          tokens: { [SANDBOX_TOKEN]: SANDBOX_USER },
          eksTokenUsers: { [SANDBOX_ACCESS_KEY_ID]: SANDBOX_USER },
        });
        const controllers = startClusterControllers(store, {
          rolloutSeconds: behaviour.rolloutSeconds ?? SEED_DEFAULTS.rolloutSeconds,
        });
        started.push({ seed: clusterSeed, store, server, controllers });
      }),
    );
    // registration order follows the seed, not which server happened to start first
    started.sort((a, b) => (seed.clusters ?? []).indexOf(a.seed) - (seed.clusters ?? []).indexOf(b.seed));
    for (const cluster of started) {
      eks.addCluster({
        name: cluster.seed.name,
        version: cluster.seed.version ?? SEED_DEFAULTS.clusterVersion,
        gitVersion: cluster.seed.gitVersion,
        status: cluster.seed.status,
        endpoint: cluster.server.url,
        certificateAuthorityData: Buffer.from(cluster.server.certificateAuthority).toString('base64'),
        oidcIssuer: cluster.seed.oidcIssuer,
        hooks: new StoreAddonHooks(cluster.store),
        addons: cluster.seed.addons,
      });
    }
    aws = await startAwsServer({
      account,
      region,
      eks,
      iam,
      faults,
      host,
      ...(options.awsPort === undefined ? {} : { port: options.awsPort }),
    });
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }

  const awsServer = aws;
  const clusterOf = (cluster: StartedCluster): SandboxCluster => ({
    name: cluster.seed.name,
    server: cluster.server.url,
  });
  const clusters = started.map(clusterOf);
  const defaultCluster = clusters[0]?.name ?? '';
  let stopping: Promise<void> | undefined;
  return {
    awsEndpoint: awsServer.url,
    region,
    account,
    accessKeyId: SANDBOX_ACCESS_KEY_ID,
    secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
    clusters,
    defaultCluster,
    kubeconfig: () =>
      renderKubeconfig({
        clusters: started.map((cluster) => ({
          ...clusterOf(cluster),
          certificateAuthority: cluster.server.certificateAuthority,
        })),
        currentCluster: defaultCluster,
        user: SANDBOX_USER,
        token: SANDBOX_TOKEN,
      }),
    env: (kubeconfigPath) => ({
      AWS_ENDPOINT_URL: awsServer.url,
      AWS_ACCESS_KEY_ID: SANDBOX_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SANDBOX_SECRET_ACCESS_KEY,
      AWS_REGION: region,
      // the AWS CLI v1 reads only AWS_DEFAULT_REGION
      AWS_DEFAULT_REGION: region,
      KUBECONFIG: kubeconfigPath,
      ADOT_CLUSTER: defaultCluster,
    }),
    store: (name) => {
      const cluster = started.find((candidate) => candidate.seed.name === name);
      if (cluster === undefined) throw new Error(`the sandbox has no cluster named ${name}`);
      return cluster.store;
    },
    eks,
    iam,
    awsRequests: () => awsServer.requests(),
    stop: () => (stopping ??= stopAll()),
  };
}

export interface ResolveSeedOptions {
  scenario?: string;
  seedFile?: string;
  readFile(path: string): Promise<string>;
}

/** The seed of `--seed FILE` or `--scenario NAME` (default scenario fresh), validated, defaults filled. */
export async function resolveSeed(options: ResolveSeedOptions): Promise<Seed> {
  if (options.seedFile !== undefined && options.scenario !== undefined) {
    throw usageError('ConflictingOptions', '--seed and --scenario cannot be used together', {
      hint: 'Pass either --seed FILE or --scenario NAME (adot sandbox scenarios lists the names)',
    });
  }
  if (options.seedFile === undefined) return scenarioSeed(options.scenario ?? DEFAULT_SCENARIO);
  let text: string;
  try {
    text = await options.readFile(options.seedFile);
  } catch (error) {
    throw usageError('SeedNotReadable', `cannot read the seed file ${options.seedFile}: ${(error as Error).message}`, {
      hint: 'Check the path given to --seed',
      cause: error,
    });
  }
  return parseSeed(text, options.seedFile);
}
