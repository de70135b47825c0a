import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { KubeConfig } from '@kubernetes/client-node';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import { scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import type { Seed } from '../../src/sandbox/types.js';

/** A sandbox for one test file, with real SDK and Kubernetes clients pointed at it. */
export interface SandboxFixture {
  sandbox: RunningSandbox;
  eks: EKSClient;
  iam: IAMClient;
  kubeConfig: KubeConfig;
  stop(): Promise<void>;
}

/** a scenario's seed with some behaviour overridden (short timings for tests) */
export function scenarioWith(name: string, behaviour: NonNullable<Seed['behaviour']>): Seed {
  const seed = scenarioSeed(name);
  return { ...seed, behaviour: { ...seed.behaviour, ...behaviour } };
}

/** An AWS SDK client configuration for the sandbox's endpoint and credentials, without retries. */
export function sandboxClientConfig(sandbox: RunningSandbox) {
  return {
    endpoint: sandbox.awsEndpoint,
    region: sandbox.region,
    credentials: { accessKeyId: sandbox.accessKeyId, secretAccessKey: sandbox.secretAccessKey },
    maxAttempts: 1,
  };
}

export async function startSandboxFixture(seed: Seed): Promise<SandboxFixture> {
  const sandbox = await startSandbox({ seed });
  const clientConfig = sandboxClientConfig(sandbox);
  const eks = new EKSClient(clientConfig);
  const iam = new IAMClient(clientConfig);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(sandbox.kubeconfig());
  return {
    sandbox,
    eks,
    iam,
    kubeConfig,
    async stop() {
      eks.destroy();
      iam.destroy();
      await sandbox.stop();
    },
  };
}

/** The variables `adot sandbox env` exports: what the AWS CLI, kubectl and adot need to reach the sandbox. */
export const SANDBOX_ENV_NAMES = [
  'AWS_ENDPOINT_URL',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_REGION',
  'KUBECONFIG',
  'ADOT_CLUSTER',
];
