/**
 * Whether a pid is the sandbox a sandbox.json describes: alive, and started with that file's instance token on its
 * command line. A stale sandbox.json can name a pid the system has since given to another process (or a planted one
 * can name any pid), so a pid alone is never enough to signal.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isProcessAlive } from './files.js';

/** the serve process's flag that carries the token */
export const INSTANCE_FLAG = '--instance';

/** the command line of pid: /proc on Linux; elsewhere ps (argv only: nothing of it comes from the user but a number) */
function commandLineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  }
  try {
    const line = execFileSync('ps', ['-p', String(pid), '-o', 'command='], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return line.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

export function isSandboxProcess(pid: number, instance: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || instance === undefined || instance === '') return false;
  if (!isProcessAlive(pid)) return false;
  const argv = commandLineOf(pid);
  if (argv === undefined) return false;
  const at = argv.indexOf(INSTANCE_FLAG);
  return at >= 0 && argv[at + 1] === instance;
}
