import { FaultInjector } from '../../src/sandbox/faults.js';
import {
  CredentialStore,
  EksEmulator,
  IamEmulator,
  SANDBOX_USER_NAME,
  startAwsServer,
  type AwsServer,
  type AwsService,
} from '../../src/sandbox/aws/index.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../src/sandbox/seed/identity.js';
import type {
  AddonInstallSettings,
  ClusterAddonHooks,
  SeedAddon,
  SeedAddonCatalogEntry,
  SeedFault,
  SeedPodIdentityAssociation,
} from '../../src/sandbox/types.js';

/** A small catalogue: one old version that needs the add-on RBAC, two newer ones, in no particular order. */
export const testCatalog: SeedAddonCatalogEntry[] = [
  { version: 'v0.88.0-eksbuild.1', clusterVersions: ['1.24', '1.25', '1.26'] },
  {
    version: 'v0.45.0-eksbuild.1',
    clusterVersions: ['1.19', '1.20', '1.21', '1.22'],
    default: true,
    architecture: ['amd64'],
  },
  { version: 'v0.62.1-eksbuild.1', clusterVersions: ['1.22', '1.23', '1.24'] },
  { version: 'v0.66.0-eksbuild.1', clusterVersions: ['1.22', '1.23', '1.24', '1.25'] },
];

/** Cluster hooks written for tests: their answers are set by the test, their calls recorded. */
export class RecordingHooks implements ClusterAddonHooks {
  certManager: string | undefined = undefined;
  rbac = false;
  readonly installed: string[] = [];
  /** the settings of each install, in order */
  readonly settings: AddonInstallSettings[] = [];
  /** thrown by the next installs while set */
  failure: Error | undefined = undefined;
  removed = 0;

  certManagerProblem(): string | undefined {
    return this.certManager;
  }
  hasAddonRbac(): boolean {
    return this.rbac;
  }
  installAddon(version: string, settings: AddonInstallSettings = {}): void {
    if (this.failure !== undefined) throw this.failure;
    this.installed.push(version);
    this.settings.push(settings);
  }
  removeAddon(): void {
    this.removed += 1;
  }
}

export interface TestAwsSandbox {
  server: AwsServer;
  eks: EksEmulator;
  iam: IamEmulator;
  /** the ADOT add-on's hooks */
  hooks: RecordingHooks;
  /** the eks-pod-identity-agent add-on's hooks */
  agentHooks: RecordingHooks;
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    maxAttempts: number;
  };
  close(): Promise<void>;
}

export interface TestAwsSandboxOptions {
  account?: string;
  /** the ADOT catalogue (default testCatalog) */
  catalog?: SeedAddonCatalogEntry[];
  clusterVersion?: string;
  clusterStatus?: string;
  addons?: SeedAddon[];
  podIdentityAssociations?: SeedPodIdentityAssociation[];
  faults?: SeedFault[];
  randomSeed?: number;
  timing?: { addonCreateSeconds?: number; addonDeleteSeconds?: number; addonUpdateSeconds?: number };
  maxAttempts?: number;
  /** more services on the endpoint (X-Ray, CloudWatch Logs, AMP), built by the test on states it inspects */
  services?: AwsService[];
  /** the clock of the credential store (session expiry), in ms */
  now?: () => number;
}

export const TEST_OIDC_ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';

/** Emulators plus the HTTP endpoint, with one cluster `demo` whose hooks the test controls. */
export async function startTestAwsSandbox(options: TestAwsSandboxOptions = {}): Promise<TestAwsSandbox> {
  const account = options.account ?? '111122223333';
  const region = 'us-east-1';
  const iam = new IamEmulator({ account });
  const eks = new EksEmulator({
    account,
    region,
    catalog: options.catalog ?? testCatalog,
    timing: { addonCreateSeconds: 0.1, addonDeleteSeconds: 0.1, addonUpdateSeconds: 0.1, ...options.timing },
    roles: iam,
  });
  const hooks = new RecordingHooks();
  const agentHooks = new RecordingHooks();
  eks.addCluster({
    name: 'demo',
    version: options.clusterVersion ?? '1.22',
    status: options.clusterStatus,
    endpoint: 'https://127.0.0.1:6443',
    oidcIssuer: TEST_OIDC_ISSUER,
    addonHooks: { adot: hooks, 'eks-pod-identity-agent': agentHooks },
    addons: options.addons,
    podIdentityAssociations: options.podIdentityAssociations,
  });
  const faults = options.faults === undefined ? undefined : new FaultInjector(options.faults, options.randomSeed ?? 42);
  const credentials = new CredentialStore({
    account,
    user: { name: SANDBOX_USER_NAME, accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
    findRole: (roleArn) => iam.findRoleByArn(roleArn),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const server = await startAwsServer({
    account,
    region,
    eks,
    iam,
    faults,
    credentials,
    ...(options.services === undefined ? {} : { services: options.services }),
  });
  return {
    server,
    eks,
    iam,
    hooks,
    agentHooks,
    clientConfig: {
      endpoint: server.url,
      region,
      credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
      maxAttempts: options.maxAttempts ?? 1,
    },
    close: async () => {
      eks.close();
      await server.close();
    },
  };
}
