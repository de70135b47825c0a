import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { failure } from '../core/errors.js';
import { isProcessAlive, readSandboxInfo, sandboxPaths } from '../sandbox/process/files.js';
import { serveSandbox } from '../sandbox/process/serve.js';
import { spawnDetachedSandbox } from '../sandbox/process/start.js';
import { stopDetachedSandbox } from '../sandbox/process/stop.js';
import { resolveSeed, type SandboxCluster } from '../sandbox/sandbox.js';
import { SCENARIOS } from '../sandbox/seed/scenarios.js';

/** Use-cases of `adot sandbox start|serve|stop|env|scenarios` (CONTRACT.md "Sandbox"). */
export const DEFAULT_SANDBOX_DIR = '.adot-sandbox';

export interface SandboxInfo {
  dir: string;
  pid: number;
  awsEndpoint: string;
  clusters: SandboxCluster[];
  envFile: string;
  kubeconfigFile: string;
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
  return {
    dir,
    pid: info.pid,
    awsEndpoint: info.awsEndpoint,
    clusters: info.clusters,
    envFile: info.envFile,
    kubeconfigFile: info.kubeconfigFile,
  };
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
}

/** The detached process: serves until the signal aborts, then stops and removes sandbox.json. */
export async function sandboxServe(options: SandboxServeOptions): Promise<void> {
  const seed = await resolveSeed({
    seedFile: options.seedFile,
    scenario: options.scenario,
    readFile: options.readFile ?? readUtf8,
  });
  await serveSandbox({ dir: resolve(options.dir), seed, pid: options.pid ?? process.pid, signal: options.signal });
}

export async function sandboxStop(options: { dir: string }): Promise<{ stopped: boolean; pid?: number }> {
  return stopDetachedSandbox(resolve(options.dir));
}

/** the env file of the sandbox running in dir (POSIX export lines) */
export async function sandboxEnv(options: { dir: string }): Promise<string> {
  const dir = resolve(options.dir);
  const info = await readSandboxInfo(dir);
  if (info === undefined || !isProcessAlive(info.pid)) {
    throw failure('SandboxNotRunning', `no sandbox is running in ${dir}`, {
      hint: `Start one: adot sandbox start --dir ${options.dir}`,
    });
  }
  return readFile(sandboxPaths(dir).env, 'utf8');
}

export function sandboxScenarios(): { name: string; description: string }[] {
  return SCENARIOS.map(({ name, description }) => ({ name, description }));
}
