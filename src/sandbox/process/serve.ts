import { mkdir, rm, writeFile } from 'node:fs/promises';
import { startSandbox } from '../sandbox.js';
import type { Seed } from '../types.js';
import { readSandboxInfo, renderEnvFile, sandboxPaths, writeFileAtomic, type SandboxInfoFile } from './files.js';

export interface ServeOptions {
  dir: string;
  seed: Seed;
  pid: number;
  signal: AbortSignal;
  host?: string;
}

/**
 * The body of the detached sandbox process: start, write kubeconfig, env and (last, atomically) sandbox.json,
 * then serve until the signal aborts; stop and remove sandbox.json on the way out.
 */
export async function serveSandbox(options: ServeOptions): Promise<SandboxInfoFile> {
  const paths = sandboxPaths(options.dir);
  await mkdir(options.dir, { recursive: true });
  const sandbox = await startSandbox({
    seed: options.seed,
    ...(options.host === undefined ? {} : { host: options.host }),
  });
  try {
    await writeFileAtomic(paths.kubeconfig, sandbox.kubeconfig());
    await writeFileAtomic(paths.env, renderEnvFile(sandbox.env(paths.kubeconfig)));
    const info: SandboxInfoFile = {
      pid: options.pid,
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
    await writeFile(
      paths.log,
      `sandbox ready: AWS ${sandbox.awsEndpoint}, clusters ${sandbox.clusters.map((c) => `${c.name}=${c.server}`).join(', ')}\n`,
      { flag: 'a' },
    ).catch(() => undefined);
    await abortion(options.signal);
    return info;
  } finally {
    await sandbox.stop();
    const current = await readSandboxInfo(options.dir);
    if (current?.pid === options.pid) await rm(paths.info, { force: true });
  }
}

function abortion(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
