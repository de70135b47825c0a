import { rm } from 'node:fs/promises';
import { failure } from '../../core/errors.js';
import { isProcessAlive, readSandboxInfo, sandboxPaths } from './files.js';
import { isSandboxProcess } from './identity.js';

export interface StopResult {
  stopped: boolean;
  pid?: number;
}

async function waitUntilGone(pid: number, timeoutMs: number, pollMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return true;
}

/**
 * SIGTERM, wait until the process is gone (then SIGKILL after the deadline), remove sandbox.json; it returns only
 * once the process has exited or is a zombie (isProcessAlive), and fails if even SIGKILL did not end it. When nothing
 * runs — or the pid sandbox.json names is not the sandbox it started (identity.ts) — only the stale sandbox.json is
 * cleaned up, nothing is signalled, and `stopped` is false.
 */
export async function stopDetachedSandbox(
  dir: string,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<StopResult> {
  const info = await readSandboxInfo(dir);
  const infoPath = sandboxPaths(dir).info;
  if (info === undefined) return { stopped: false };
  if (!isSandboxProcess(info.pid, info.instance)) {
    await rm(infoPath, { force: true });
    return { stopped: false, pid: info.pid };
  }
  const pollMs = options.pollMs ?? 20;
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
  if (!(await waitUntilGone(info.pid, options.timeoutMs ?? 5_000, pollMs))) {
    try {
      process.kill(info.pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    // a process that outlives SIGKILL is stuck in the kernel: say so rather than report it stopped
    if (!(await waitUntilGone(info.pid, 2_000, pollMs))) {
      throw failure('SandboxStillRunning', `the sandbox process ${info.pid} is still running after SIGKILL`, {
        hint: `ps -o pid,stat,wchan -p ${info.pid}   # then run adot sandbox stop again`,
      });
    }
  }
  await rm(infoPath, { force: true });
  return { stopped: true, pid: info.pid };
}
