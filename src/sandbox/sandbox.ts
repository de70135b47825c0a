import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CollectorSupervisor, type CollectorStatus } from '../collector/supervisor.js';
import type { Logger } from '../collector/telemetry/logger.js';
import { usageError } from '../core/errors.js';
import { apsService, ApsState, derivedWorkspaceId } from './aws/aps/index.js';
import type { CredentialStore } from './aws/credentials.js';
import { EksEmulator, IamEmulator, sandboxCredentialStore, startAwsServer, type AwsServer } from './aws/index.js';
import { eksAuthService } from './aws/eks-auth/service.js';
import { LogsState, logsService } from './aws/logs/index.js';
import { xrayService, XRaySampling, XRayState } from './aws/xray/index.js';
import { clusterAddonHooks, startClusterControllers, type ClusterControllers } from './controllers/index.js';
import { startDemoWorkloadServer, type DemoWorkloadServer } from './demo-workload/server.js';
import { FaultInjector } from './faults.js';
import { baseClusterObjects } from './kube/bootstrap.js';
import { renderKubeconfig } from './kube/kubeconfig.js';
import { startKubeApiServer, type KubeApiServer, type KubeRequestRecord } from './kube/server.js';
import { createClusterStore } from './kube/store.js';
import { serviceAccountAuthenticator, startClusterIdentity, type ClusterIdentity } from './pods/cluster-identity.js';
import { clusterNodes, type ClusterNodes } from './pods/cluster-nodes.js';
import { ServiceAccountTokenIssuer } from './pods/service-account-tokens.js';
import { builtinAddonCatalog } from './seed/catalog.js';
import { clusterStartObjects } from './seed/cluster-objects.js';
import { DEMO_WORKLOAD, DEMO_WORKLOAD_PRESET } from './seed/demo-workload.js';
import { applySeedDefaults, oidcIssuerFor, SEED_DEFAULTS } from './seed/defaults.js';
import { ensureNodeRole } from './seed/node-role.js';
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
  /**
   * who may sign requests: the sandbox user (an administrator) and the role sessions issued so far; more sessions
   * with `credentials.issueRoleSession(...)` (their requests are authorized against the role's policies)
   */
  credentials: CredentialStore;
  /** what the emulated X-Ray holds (segments the collectors exported) */
  xray: XRayState;
  /** what the emulated CloudWatch Logs holds (e.g. the EMF events of the awsemf exporter) */
  logs: LogsState;
  /** the emulated Amazon Managed Service for Prometheus: its workspaces and the series remote-written to them */
  aps: ApsState;
  /** the collector a cluster's emulated operator runs for an OpenTelemetryCollector: where it listens, or why not */
  collectorStatus(cluster: string, name: string, namespace: string): CollectorStatus | undefined;
  /** every AWS request served so far */
  awsRequests: AwsServer['requests'];
  /** every request a cluster's Kubernetes API server answered so far (throws for an unknown name) */
  kubeRequests(cluster: string): KubeRequestRecord[];
  /** where an absolute path of an emulated node is on this machine (its root is `<workDir>/nodes/<cluster>/<node>`) */
  nodePath(cluster: string, node: string, path: string): string;
  stop(): Promise<void>;
}

export interface StartSandboxOptions {
  seed: Seed;
  /** loopback address to listen on (default 127.0.0.1) */
  host?: string;
  /** port of the AWS endpoint (default: any free port) */
  awsPort?: number;
  /** where the collectors the sandbox runs log (default: nowhere) */
  logger?: Logger;
  /** how long a stopping collector may deliver what it holds (default 2 s) */
  collectorShutdownTimeoutMs?: number;
}

interface StartedCluster {
  seed: SeedCluster;
  store: ClusterStore;
  server: KubeApiServer;
  controllers: ClusterControllers;
  collectors: CollectorSupervisor;
  identity: ClusterIdentity;
  nodes: ClusterNodes;
}

const SILENT: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/** Starts the emulated AWS endpoint and one Kubernetes API server per seeded cluster, settled and ready to serve. */
export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const seed = applySeedDefaults(options.seed);
  const host = options.host ?? '127.0.0.1';
  const account = seed.account ?? SEED_DEFAULTS.account;
  const region = seed.region ?? SEED_DEFAULTS.region;
  const behaviour = seed.behaviour ?? {};
  const faults = new FaultInjector(behaviour.faults ?? [], behaviour.randomSeed);
  const iam = new IamEmulator({ account });
  iam.seed(seed.iam);
  const nodeRoleArn = ensureNodeRole(iam, seed);
  // signs the service-account tokens of every cluster (projected into pods, verified by EKS Auth and the API servers)
  const tokens = new ServiceAccountTokenIssuer();
  const eks = new EksEmulator({
    account,
    region,
    catalog: seed.addonCatalog ?? builtinAddonCatalog(),
    timing: {
      addonCreateSeconds: behaviour.addonCreateSeconds ?? SEED_DEFAULTS.addonCreateSeconds,
      addonDeleteSeconds: behaviour.addonDeleteSeconds ?? SEED_DEFAULTS.addonDeleteSeconds,
      addonUpdateSeconds: behaviour.addonUpdateSeconds ?? SEED_DEFAULTS.addonUpdateSeconds,
    },
    roles: iam,
  });
  const credentials = sandboxCredentialStore(account, iam);
  const xray = new XRayState();
  const logs = new LogsState(account, region);
  const aps = new ApsState({
    account,
    region,
    workspaceCreateSeconds: behaviour.workspaceCreateSeconds ?? SEED_DEFAULTS.workspaceCreateSeconds,
  });
  (seed.amp?.workspaces ?? []).forEach((workspace, index) => {
    aps.workspaces.seed({
      workspaceId: workspace.id ?? derivedWorkspaceId(workspace.alias ?? String(index)),
      ...(workspace.alias === undefined ? {} : { alias: workspace.alias }),
      ...(workspace.status === undefined ? {} : { status: workspace.status }),
    });
  });

  const started: StartedCluster[] = [];
  let aws: AwsServer | undefined;
  let workDir: string | undefined;
  let demoWorkload: DemoWorkloadServer | undefined;
  const stopAll = async (): Promise<void> => {
    for (const cluster of started) cluster.controllers.stop();
    // collectors first, while the endpoints they deliver to still answer
    await Promise.all(started.map((cluster) => cluster.collectors.close()));
    await Promise.all(started.map((cluster) => cluster.identity.close()));
    await demoWorkload?.close();
    await aws?.close();
    eks.close();
    aps.workspaces.close();
    await Promise.all(started.map((cluster) => cluster.server.close()));
    if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
  };

  try {
    aws = await startAwsServer({
      account,
      region,
      eks,
      iam,
      credentials,
      faults,
      host,
      services: [
        xrayService(xray, new XRaySampling(account, region)),
        logsService(logs),
        apsService(aps),
        eksAuthService({
          eks,
          iam,
          credentials,
          tokens,
          cluster: (name) => {
            const cluster = started.find((candidate) => candidate.seed.name === name);
            return cluster === undefined
              ? undefined
              : { store: cluster.store, livePod: (...pod) => cluster.identity.livePod(...pod) };
          },
        }),
      ],
      ...(options.awsPort === undefined ? {} : { port: options.awsPort }),
    });
    const awsUrl = aws.url;
    // one demo metrics server for every cluster whose seed names the demo-workload preset; what it prints goes to
    // each cluster's demo Pod's log
    if ((seed.clusters ?? []).some((cluster) => cluster.presets?.includes(DEMO_WORKLOAD_PRESET))) {
      demoWorkload = await startDemoWorkloadServer({
        host,
        identity: DEMO_WORKLOAD,
        accessLog: (line) => {
          for (const cluster of started) cluster.nodes.demoWorkloadOutput(line);
        },
      });
    }
    const presetContext = demoWorkload === undefined ? {} : { demoWorkload: { host, port: demoWorkload.port } };
    // the files of the collectors' pods (service-account tokens, kubeconfigs) and of the nodes (pod logs, hostPath)
    workDir = await mkdtemp(join(tmpdir(), 'adot-sandbox-'));
    const clusterWorkDir = workDir;
    const baseObjects = baseClusterObjects(SANDBOX_USER);
    await Promise.all(
      (seed.clusters ?? []).map(async (clusterSeed) => {
        const store = createClusterStore();
        const starting = clusterStartObjects(
          clusterSeed,
          baseObjects,
          region,
          presetContext,
          behaviour.addonCollectorBatchSeconds,
        );
        for (const object of starting) store.put(object);
        const issuer = clusterSeed.oidcIssuer ?? oidcIssuerFor(region, clusterSeed.name);
        const nodes = clusterNodes({
          dir: join(clusterWorkDir, 'nodes', clusterSeed.name),
          store,
          logger: options.logger ?? SILENT,
        });
        // the API server authenticates the tokens of the pods the cluster's identity plumbing (started next) runs
        const live: { identity?: ClusterIdentity } = {};
        const server = await startKubeApiServer({
          store,
          gitVersion: clusterSeed.gitVersion ?? '',
          faults,
          host,
          tokens: { [SANDBOX_TOKEN]: SANDBOX_USER },
          eksTokenUsers: { [SANDBOX_ACCESS_KEY_ID]: SANDBOX_USER },
          serviceAccountTokens: serviceAccountAuthenticator(tokens, issuer, store, (...pod) =>
            live.identity === undefined ? false : live.identity.livePod(...pod),
          ),
          podLogs: nodes.podLogSource,
        });
        const identity = await startClusterIdentity({
          clusterName: clusterSeed.name,
          region,
          issuer,
          awsUrl,
          apiServerUrl: server.url,
          certificateAuthority: server.certificateAuthority,
          store,
          eks,
          credentials,
          tokens,
          nodeRoleArn,
          workDir: clusterWorkDir,
          logger: options.logger ?? SILENT,
        });
        live.identity = identity;
        // what every collector pod gets: the endpoint and the region, and no credentials (those come from its service
        // account, injected per pod)
        const collectors = new CollectorSupervisor({
          env: { AWS_ENDPOINT_URL: awsUrl, AWS_REGION: region, AWS_DEFAULT_REGION: region },
          credentialFallback: 'none',
          logger: options.logger ?? SILENT,
          shutdownTimeoutMs: options.collectorShutdownTimeoutMs ?? 2_000,
          endpointRewrite: (endpoint) => sandboxEndpointOf(endpoint, awsUrl),
          // a collector sees its pod's volume mounts on its node, never this machine's files; it logs to its pod
          files: nodes.files,
          containerLog: nodes.containerLog,
        });
        const controllers = startClusterControllers(store, {
          rolloutSeconds: behaviour.rolloutSeconds ?? SEED_DEFAULTS.rolloutSeconds,
          collectors,
          podIdentity: identity.podIdentity,
          podNodes: nodes.podNodes,
        });
        started.push({ seed: clusterSeed, store, server, controllers, collectors, identity, nodes });
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
        addonHooks: clusterAddonHooks(cluster.store, {
          clusterName: cluster.seed.name,
          region,
          ...(behaviour.addonCollectorBatchSeconds === undefined
            ? {}
            : { metricsBatchSeconds: behaviour.addonCollectorBatchSeconds }),
        }),
        addons: cluster.seed.addons,
        podIdentityAssociations: cluster.seed.podIdentityAssociations,
      });
    }
    // the demo workload's first line, as its process prints it when it starts
    if (demoWorkload !== undefined) {
      const listening = `metrics-demo listening on http://${host}:${demoWorkload.port}/metrics`;
      for (const cluster of started) cluster.nodes.demoWorkloadOutput(listening);
    }
    // seeded collectors run before the sandbox is handed out
    await Promise.all(started.map((cluster) => cluster.controllers.settled()));
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }

  const awsServer = aws as AwsServer;
  const clusterOf = (cluster: StartedCluster): SandboxCluster => ({
    name: cluster.seed.name,
    server: cluster.server.url,
  });
  const clusters = started.map(clusterOf);
  const clusterNamed = (name: string): StartedCluster => {
    const cluster = started.find((candidate) => candidate.seed.name === name);
    if (cluster === undefined) throw new Error(`the sandbox has no cluster named ${name}`);
    return cluster;
  };
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
    store: (name) => clusterNamed(name).store,
    eks,
    iam,
    credentials,
    xray,
    logs,
    aps,
    collectorStatus: (cluster, name, namespace) =>
      started.find((candidate) => candidate.seed.name === cluster)?.collectors.status(name, namespace),
    awsRequests: () => awsServer.requests(),
    kubeRequests: (name) => clusterNamed(name).server.requests(),
    nodePath: (cluster, node, path) => clusterNamed(cluster).nodes.filesystems.pathOn(node, path),
    stop: () => (stopping ??= stopAll()),
  };
}

const AMP_REMOTE_WRITE =
  /^https:\/\/aps-workspaces\.[a-z0-9-]+\.amazonaws\.com(\/workspaces\/[^/]+\/api\/v1\/remote_write)$/;

/** Amazon Managed Prometheus remote-write URLs go to the sandbox's own emulation of it; anything else is kept. */
function sandboxEndpointOf(endpoint: string, awsUrl: string): string {
  const match = AMP_REMOTE_WRITE.exec(endpoint);
  return match?.[1] === undefined ? endpoint : `${awsUrl}${match[1]}`;
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
