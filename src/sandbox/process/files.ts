import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { usageError } from '../../core/errors.js';
import { join } from 'node:path';
import type { SandboxCluster } from '../sandbox.js';

/** The files a detached sandbox keeps in its directory. sandbox.json appears last: its presence means ready. */
export interface SandboxPaths {
  dir: string;
  info: string;
  env: string;
  kubeconfig: string;
  log: string;
}

export function sandboxPaths(dir: string): SandboxPaths {
  return {
    dir,
    info: join(dir, 'sandbox.json'),
    env: join(dir, 'env'),
    kubeconfig: join(dir, 'kubeconfig'),
    log: join(dir, 'sandbox.log'),
  };
}

/** what sandbox.json holds */
export interface SandboxInfoFile {
  pid: number;
  /** the random token the serve process was started with (see identity.ts) */
  instance?: string;
  awsEndpoint: string;
  region: string;
  account: string;
  clusters: SandboxCluster[];
  defaultCluster: string;
  envFile: string;
  kubeconfigFile: string;
  startedAt: string;
}

/** write to a temporary file beside the target, then rename: readers never see a half-written file */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    // a new file only (O_EXCL never follows a link); the rename then replaces whatever was at the path, link included
    await writeFile(temporary, text, { mode, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** POSIX shell `export` lines, each value single-quoted so no character is interpreted */
export function renderEnvFile(env: Record<string, string>): string {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  return Object.entries(env)
    .map(([name, value]) => `export ${name}=${quote(value)}\n`)
    .join('');
}

/** the inverse of renderEnvFile, for tests and for running commands against a detached sandbox */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    env[match[1]] = match[2].replace(/^'|'$/g, '').replace(/'\\''/g, "'");
  }
  return env;
}

/**
 * Opens a file of the sandbox's directory for writing without following a link planted at its path: the path is
 * removed first (a link is removed, not its target), then created anew, exclusively, mode 0600.
 */
export async function openOwnFile(path: string, append = false): Promise<FileHandle> {
  if (!append) await rm(path, { force: true });
  const flags = append
    ? constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW
    : constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  return open(path, flags, 0o600);
}

/** A --dir that exists must be a directory (or a link to one): anything else is bad input. */
export async function assertSandboxDir(dir: string): Promise<void> {
  const found = await stat(dir).catch(() => undefined);
  if (found !== undefined && !found.isDirectory()) {
    throw usageError('SandboxDirNotADirectory', `--dir ${dir} exists and is not a directory`, {
      hint: 'pass a directory (it is created when missing), e.g. --dir .adot-sandbox',
    });
  }
}

/** The sandbox's directory, checked, and created 0700 when missing. */
export async function ensureSandboxDir(dir: string): Promise<void> {
  await assertSandboxDir(dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

export async function readSandboxInfo(dir: string): Promise<SandboxInfoFile | undefined> {
  let text: string;
  try {
    text = await readFile(sandboxPaths(dir).info, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as SandboxInfoFile;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/**
 * A detached sandbox outlives the `start` that spawned it, so once it exits it waits as a zombie until the init
 * process reaps it — which some init processes do only every second or so. A zombie has stopped serving.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

export async function readLogTail(path: string, lines = 20): Promise<string> {
  try {
    const text = await readFile(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
