import { EKSClient } from '@aws-sdk/client-eks';
import { IAMClient } from '@aws-sdk/client-iam';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../src/sandbox/sandbox.js';
import type { Seed } from '../../src/sandbox/types.js';
import { runCli, type CliRun } from './cli.js';
import { framed, memoryLogger, segment, sendDatagrams } from './collector-segments.js';
import { eventually } from './eventually.js';
import { Kubectl } from './kube-kubectl.js';
import { sandboxClientConfig } from './sandbox.js';

export const NAMESPACE = 'aws-otel-eks';
export const COLLECTOR = 'observability';
export const SERVICE_ACCOUNT = 'aws-otel-collector';
export const ROLE = 'EKS-ADOT-ServiceAccount-Role';

/** A sandbox with real clients (SDK, kubectl, the adot CLI) and the log of the collectors it runs. */
export interface IdentityWorld {
  sandbox: RunningSandbox;
  iam: IAMClient;
  eks: EKSClient;
  kubectl: Kubectl;
  log: string[];
  cli(argv: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

export async function identityWorld(seed: Seed): Promise<IdentityWorld> {
  const logger = memoryLogger();
  const sandbox = await startSandbox({ seed, logger, collectorShutdownTimeoutMs: 200 });
  const dir = mkdtempSync(join(tmpdir(), 'adot-identity-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sandbox.kubeconfig());
  const env = sandbox.env(kubeconfig);
  const config = sandboxClientConfig(sandbox);
  const iam = new IAMClient(config);
  const eks = new EKSClient(config);
  const kubectl = await Kubectl.create(sandbox.kubeconfig(), process.env['PATH']);
  return {
    sandbox,
    iam,
    eks,
    kubectl,
    log: logger.lines,
    cli: (argv) => runCli(argv, { env }),
    async close() {
      iam.destroy();
      eks.destroy();
      await kubectl.dispose();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface DoctorOutcome {
  failing: string[];
  warning: string[];
  checks: { id: string; status: string; message: string }[];
}

export async function doctor(world: IdentityWorld, args: string[] = []): Promise<DoctorOutcome> {
  const run = await world.cli(['doctor', '-o', 'json', ...args]);
  let document: { checks: { id: string; status: string; message: string }[] };
  try {
    document = JSON.parse(run.stdout) as typeof document;
  } catch {
    throw new Error(`doctor printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  const ids = (status: string) =>
    document.checks
      .filter((check) => check.status === status)
      .map((check) => check.id)
      .sort();
  return { failing: ids('fail'), warning: ids('warn'), checks: document.checks };
}

/** the pods of the collector, as kubectl lists them */
export async function collectorPods(world: IdentityWorld): Promise<string[]> {
  const listed = await world.kubectl.run([
    'get',
    'pods',
    '-n',
    NAMESPACE,
    '-l',
    'app.kubernetes.io/component=opentelemetry-collector',
    '-o',
    'jsonpath={.items[*].metadata.name}',
  ]);
  return listed.stdout.split(/\s+/).filter((name) => name !== '');
}

/** what a user does after changing IAM: deletes the collector's pods, which come back with fresh credentials */
export async function restartCollector(world: IdentityWorld): Promise<void> {
  const before = await eventually(
    () => collectorPods(world),
    (pods) => pods.length > 0,
    10_000,
  );
  const deleted = await world.kubectl.run(['delete', 'pod', '-n', NAMESPACE, ...before]);
  if (deleted.code !== 0) throw new Error(deleted.stderr);
  await eventually(
    () => collectorPods(world),
    (pods) => pods.length > 0 && pods.every((pod) => !before.includes(pod)),
    10_000,
  );
}

/** the collector's status once it runs */
export async function collectorRunning(world: IdentityWorld) {
  const { sandbox } = world;
  return eventually(
    async () => sandbox.collectorStatus(sandbox.defaultCluster, COLLECTOR, NAMESPACE),
    (found) => found?.running === true && found.receivers['awsxray'] !== undefined,
    10_000,
  );
}

/** sends one segment to the running collector's awsxray listener; its trace id */
export async function sendSegment(world: IdentityWorld): Promise<string> {
  const status = await collectorRunning(world);
  const sent = segment();
  await sendDatagrams(status?.receivers['awsxray'] ?? '', framed([sent]));
  return sent.trace_id as string;
}

export async function arrives(world: IdentityWorld, traceId: string): Promise<void> {
  await eventually(
    async () => world.sandbox.xray.trace(traceId),
    (trace) => trace !== undefined,
    10_000,
  );
}

/** A refusal the data path shows: a request the sandbox answered with that status, or a line of the collector's log. */
export type Refusal = { service: string; operation: string; status: number } | { log: RegExp };

/** waits for the refusal, then checks that the segment was not stored */
export async function refused(world: IdentityWorld, traceId: string, refusal: Refusal): Promise<void> {
  await eventually(
    async () =>
      'log' in refusal
        ? world.log.some((line) => refusal.log.test(line))
        : world.sandbox
            .awsRequests()
            .some(
              (request) =>
                request.service === refusal.service &&
                request.operation === refusal.operation &&
                request.status === refusal.status,
            ),
    (seen) => seen,
    15_000,
  );
  if (world.sandbox.xray.trace(traceId) !== undefined) throw new Error(`segment of ${traceId} was stored`);
}
