/**
 * One collector at a time per persistent queue: a `lock` file in the queue's directory holds the process id of its
 * owner (created with O_EXCL, never following a link). A lock whose process is gone (a killed collector) is taken
 * over; one held by a live process is waited for up to the file_storage `timeout` (as the extension waits for its
 * database's file lock), then refused. Within one process (the sandbox runs many collectors) a directory is held at
 * most once.
 */
import { closeSync, constants, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from './request-store.js';

const heldHere = new Set<string>();

export interface QueueLock {
  release(): void;
}

export async function lockQueueDirectory(directory: string, timeoutMs: number): Promise<QueueLock> {
  const path = join(directory, 'lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const holder = heldHere.has(directory) ? process.pid : tryLock(path);
    if (holder === undefined) {
      heldHere.add(directory);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldHere.delete(directory);
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    }
    if (Date.now() >= deadline) {
      throw new StorageError(
        `${directory} is in use by ${holder === process.pid ? 'another collector of this process' : `process ${holder}`}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
  }
}

/** undefined once this process holds the lock; else the process id of its holder */
function tryLock(path: string): number | undefined {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(
        path,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(path);
    // this process's own id in a lock it does not hold (heldHere) is a previous run's whose id came back (a container
    // restarts its process with the same id): stale, as is a lock of a process that is gone
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) return holder;
    // left by a process that is gone: take it over
    try {
      unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return lockHolder(path) ?? 0;
}

function lockHolder(path: string): number | undefined {
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const pid = Number.parseInt(readFileSync(fd, 'utf8').trim(), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
