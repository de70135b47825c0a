import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { failure } from '../../core/errors.js';
import { randomBytes } from 'node:crypto';
import {
  ensureSandboxDir,
  openOwnFile,
  readLogTail,
  readSandboxInfo,
  sandboxPaths,
  type SandboxInfoFile,
} from './files.js';
import { INSTANCE_FLAG, isSandboxProcess } from './identity.js';

export interface SpawnSandboxOptions {
  dir: string;
  nodePath: string;
  /** argv after node for the serve process, complete with --dir and --seed/--scenario */
  args: string[];
  /** default 10 s */
  readyTimeoutMs?: number;
  pollMs?: number;
}

/**
 * Spawns the serve process detached (its stderr to DIR/sandbox.log) and waits until it has written sandbox.json.
 * Refuses when a live sandbox already runs in DIR; a process that exits or stays silent past the deadline is an
 * error carrying the log's tail.
 */
export async function spawnDetachedSandbox(options: SpawnSandboxOptions): Promise<SandboxInfoFile> {
  const paths = sandboxPaths(options.dir);
  await ensureSandboxDir(options.dir);
  const existing = await readSandboxInfo(options.dir);
  if (existing !== undefined && isSandboxProcess(existing.pid, existing.instance)) {
    throw failure('SandboxRunning', `a sandbox is already running in ${options.dir} (pid ${existing.pid})`, {
      hint: `Stop it first: adot sandbox stop --dir ${options.dir}`,
      details: { pid: existing.pid },
    });
  }
  await rm(paths.info, { force: true });

  const instance = randomBytes(16).toString('hex');
  const log = await openOwnFile(paths.log);
  let exitedWith: string | undefined;
  let pid: number | undefined;
  try {
    const child = spawn(options.nodePath, [...options.args, INSTANCE_FLAG, instance], {
      detached: true,
      stdio: ['ignore', 'ignore', log.fd],
    });
    child.on('exit', (code, signal) => {
      exitedWith = signal === null ? `exit code ${code ?? 'unknown'}` : `signal ${signal}`;
    });
    child.on('error', (error) => {
      exitedWith = error.message;
    });
    child.unref();
    pid = child.pid;
  } finally {
    await log.close();
  }

  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  for (;;) {
    const info = await readSandboxInfo(options.dir);
    if (info !== undefined && info.pid === pid && info.instance === instance) return info;
    if (exitedWith !== undefined || pid === undefined) {
      throw await startFailure(
        `the sandbox process ended before it was ready (${exitedWith ?? 'not started'})`,
        paths.log,
      );
    }
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      throw await startFailure(
        `the sandbox was not ready within ${Math.round((options.readyTimeoutMs ?? 10_000) / 1000)} s`,
        paths.log,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 20));
  }
}

async function startFailure(reason: string, logPath: string) {
  const tail = await readLogTail(logPath);
  return failure('SandboxStartFailed', tail === '' ? reason : `${reason}:\n${tail}`, {
    hint: `See the whole log in ${logPath}`,
  });
}
