import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { failure } from '../core/errors.js';
import type { Kube } from '../ports.js';
import { listSandboxCollectors, type SandboxCollector } from '../sandbox/process/collectors.js';

export { describeSandboxCollector } from '../sandbox/process/collectors.js';
import { assertSandboxDir, readSandboxInfo, sandboxPaths, type SandboxInfoFile } from '../sandbox/process/files.js';
import { isSandboxProcess } from '../sandbox/process/identity.js';
import { serveSandbox } from '../sandbox/process/serve.js';
import { spawnDetachedSandbox } from '../sandbox/process/start.js';
import { stopDetachedSandbox } from '../sandbox/process/stop.js';
import { resolveSeed, type SandboxCluster } from '../sandbox/sandbox.js';
import { SCENARIOS, scenarioSeed } from '../sandbox/seed/scenarios.js';

/** Use-cases of `adot sandbox start|serve|stop|env|scenarios` (docs/contract.md, docs/sandbox.md). */
export const DEFAULT_SANDBOX_DIR = '.adot-sandbox';

export interface SandboxInfo {
  dir: string;
  pid: number;
  awsEndpoint: string;
  clusters: SandboxCluster[];
  envFile: string;
  kubeconfigFile: string;
  /** the collectors running in the sandbox's clusters and where they listen */
  collectors: SandboxCollector[];
}

/** a Kubernetes client for one cluster (context) of the sandbox's kubeconfig file (src/system.ts builds it) */
export type SandboxKubeFactory = (kubeconfigFile: string, cluster: string) => Promise<Kube>;

async function collectorsOf(info: SandboxInfoFile, kubeFor: SandboxKubeFactory): Promise<SandboxCollector[]> {
  const perCluster = await Promise.all(
    info.clusters.map(async (cluster) =>
      listSandboxCollectors(cluster.name, await kubeFor(info.kubeconfigFile, cluster.name)),
    ),
  );
  return perCluster.flat();
}

type ReadFile = (path: string) => Promise<string>;
const readUtf8: ReadFile = (path) => readFile(path, 'utf8');

export interface SandboxStartOptions {
  dir: string;
  seedFile?: string;
  scenario?: string;
  /** argv after node that runs `sandbox serve`, e.g. ['/abs/bin/adot.js', 'sandbox', 'serve'] */
  serveCommand: string[];
  nodePath: string;
  readFile?: ReadFile;
  readyTimeoutMs?: number;
  kubeFor: SandboxKubeFactory;
}

/** Validates the seed (a bad one is a usage error and nothing is written), then starts the detached sandbox. */
export async function sandboxStart(options: SandboxStartOptions): Promise<SandboxInfo> {
  const dir = resolve(options.dir);
  const seedFile = options.seedFile === undefined ? undefined : resolve(options.seedFile);
  await resolveSeed({ seedFile, scenario: options.scenario, readFile: options.readFile ?? readUtf8 });
  const source =
    seedFile !== undefined
      ? ['--seed', seedFile]
      : options.scenario !== undefined
        ? ['--scenario', options.scenario]
        : [];
  const info = await spawnDetachedSandbox({
    dir,
    nodePath: options.nodePath,
    args: [...options.serveCommand, '--dir', dir, ...source],
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
  });
  // the listing is for the person reading; a sandbox that started is not a failure when it cannot be read
  const collectors = await collectorsOf(info, options.kubeFor).catch(() => []);
  return infoOf(dir, info, collectors);
}

function infoOf(dir: string, info: SandboxInfoFile, collectors: SandboxCollector[]): SandboxInfo {
  return {
    dir,
    pid: info.pid,
    awsEndpoint: info.awsEndpoint,
    clusters: info.clusters,
    envFile: info.envFile,
    kubeconfigFile: info.kubeconfigFile,
    collectors,
  };
}

/** The sandbox running in dir, with its collectors' listeners read from its clusters; fails when none runs. */
export async function sandboxStatus(options: { dir: string; kubeFor: SandboxKubeFactory }): Promise<SandboxInfo> {
  const dir = resolve(options.dir);
  const info = await runningSandboxInfo(dir, options.dir);
  return infoOf(dir, info, await collectorsOf(info, options.kubeFor));
}

async function runningSandboxInfo(dir: string, given: string): Promise<SandboxInfoFile> {
  await assertSandboxDir(dir);
  const info = await readSandboxInfo(dir);
  if (info === undefined || !isSandboxProcess(info.pid, info.instance)) {
    throw failure('SandboxNotRunning', `no sandbox is running in ${dir}`, {
      hint: `Start one: adot sandbox start --dir ${given}`,
    });
  }
  return info;
}

export interface SandboxServeOptions {
  dir: string;
  seedFile?: string;
  scenario?: string;
  /** aborted on SIGTERM/SIGINT by the caller */
  signal: AbortSignal;
  readFile?: ReadFile;
  /** defaults to this process's pid */
  pid?: number;
  /** the token `sandbox start` passed (--instance) */
  instance?: string | undefined;
  /** where the sandbox's collectors log, one line per call (the detached process: its log file) */
  log?: (line: string) => void;
}

/** The detached process: serves until the signal aborts, then stops and removes sandbox.json. */
export async function sandboxServe(options: SandboxServeOptions): Promise<void> {
  const seed = await resolveSeed({
    seedFile: options.seedFile,
    scenario: options.scenario,
    readFile: options.readFile ?? readUtf8,
  });
  await serveSandbox({
    dir: resolve(options.dir),
    seed,
    pid: options.pid ?? process.pid,
    instance: options.instance,
    signal: options.signal,
    ...(options.log === undefined ? {} : { log: options.log }),
  });
}

export async function sandboxStop(options: { dir: string }): Promise<{ stopped: boolean; pid?: number }> {
  await assertSandboxDir(resolve(options.dir));
  return stopDetachedSandbox(resolve(options.dir));
}

/** the env file of the sandbox running in dir (POSIX export lines) */
export async function sandboxEnv(options: { dir: string }): Promise<string> {
  const dir = resolve(options.dir);
  await runningSandboxInfo(dir, options.dir);
  return readFile(sandboxPaths(dir).env, 'utf8');
}

export function sandboxScenarios(): { name: string; description: string }[] {
  return SCENARIOS.map(({ name, description }) => ({ name, description }));
}

/**
 * A scenario's seed as a seed file (`adot sandbox scenarios --show NAME`): what `sandbox start --seed FILE` reads to
 * build the same sandbox, a starting point for a seed of one's own. Keys the seed leaves out take their defaults
 * (docs/sandbox.md "Seed file"). Unknown names are a usage error listing the known ones.
 */
export function sandboxScenarioSeedYaml(name: string): string {
  const scenario = SCENARIOS.find((candidate) => candidate.name === name);
  if (scenario === undefined) scenarioSeed(name); // throws the usage error that lists the known names
  const header = [
    `# adot sandbox scenario ${name}: ${scenario?.description ?? ''}`,
    '# adot sandbox start --seed FILE',
  ];
  return `${header.join('\n')}\n${stringify(scenario?.seed ?? {})}`;
}
