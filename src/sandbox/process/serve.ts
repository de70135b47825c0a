import { rm } from 'node:fs/promises';
import type { Logger } from '../../collector/telemetry/logger.js';
import { startSandbox } from '../sandbox.js';
import type { Seed } from '../types.js';
import {
  ensureSandboxDir,
  openOwnFile,
  readSandboxInfo,
  renderEnvFile,
  sandboxPaths,
  writeFileAtomic,
  type SandboxInfoFile,
} from './files.js';

export interface ServeOptions {
  dir: string;
  seed: Seed;
  pid: number;
  /** the token `sandbox start` gave this process (written to sandbox.json, so stop can tell it is this process) */
  instance?: string | undefined;
  signal: AbortSignal;
  host?: string;
  /** where the collectors the sandbox runs log, one line per call */
  log?: (line: string) => void;
}

/**
 * The body of the detached sandbox process: start, write kubeconfig, env and (last, atomically) sandbox.json,
 * then serve until the signal aborts; stop and remove sandbox.json on the way out.
 */
export async function serveSandbox(options: ServeOptions): Promise<SandboxInfoFile> {
  const paths = sandboxPaths(options.dir);
  await ensureSandboxDir(options.dir);
  const log = options.log;
  const sandbox = await startSandbox({
    seed: options.seed,
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(log === undefined ? {} : { logger: timestampedLogger(log) }),
  });
  try {
    await writeFileAtomic(paths.kubeconfig, sandbox.kubeconfig());
    await writeFileAtomic(paths.env, renderEnvFile(sandbox.env(paths.kubeconfig)));
    const info: SandboxInfoFile = {
      pid: options.pid,
      ...(options.instance === undefined ? {} : { instance: options.instance }),
      awsEndpoint: sandbox.awsEndpoint,
      region: sandbox.region,
      account: sandbox.account,
      clusters: sandbox.clusters,
      defaultCluster: sandbox.defaultCluster,
      envFile: paths.env,
      kubeconfigFile: paths.kubeconfig,
      startedAt: new Date().toISOString(),
    };
    await writeFileAtomic(paths.info, `${JSON.stringify(info, null, 2)}\n`);
    const ready = `sandbox ready: AWS ${sandbox.awsEndpoint}, clusters ${sandbox.clusters.map((c) => `${c.name}=${c.server}`).join(', ')}`;
    // through the same stream as the collectors' lines when there is one, so that neither overwrites the other
    if (log !== undefined) log(ready);
    else await appendOwnFile(paths.log, `${ready}\n`).catch(() => undefined);
    await abortion(options.signal);
    return info;
  } finally {
    await sandbox.stop();
    const current = await readSandboxInfo(options.dir);
    if (current?.pid === options.pid) await rm(paths.info, { force: true });
  }
}

function timestampedLogger(log: (line: string) => void): Logger {
  const at = (level: string) => (message: string) => log(`${new Date().toISOString()} ${level} ${message}`);
  return { debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
}

function abortion(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

async function appendOwnFile(path: string, text: string): Promise<void> {
  const file = await openOwnFile(path, true);
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
}
