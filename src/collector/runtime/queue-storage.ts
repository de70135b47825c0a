/**
 * Where a persistent sending queue keeps its requests: a directory of its own, made private (0700), locked to one
 * collector, opened as a RequestStore. Used by the file_storage extension (sending_queue.storage) and by the
 * remote-write exporter's `wal`.
 */
import { mkdirSync } from 'node:fs';
import { lockQueueDirectory } from './queue-lock.js';
import { ensurePrivateDirectory, RequestStore, type OpenedStore } from './request-store.js';

export interface QueueStorageOptions {
  fsync: boolean;
  /** how long to wait for another collector to release the directory */
  lockTimeoutMs: number;
}

/** Opens `directory` (its parent must exist, or be created with `parents`) as a locked persistent queue. */
export async function openQueueDirectory(
  directory: string,
  options: QueueStorageOptions & { parents?: string },
): Promise<OpenedStore> {
  if (options.parents !== undefined) mkdirSync(options.parents, { recursive: true, mode: 0o700 });
  ensurePrivateDirectory(directory);
  const lock = await lockQueueDirectory(directory, options.lockTimeoutMs);
  try {
    return RequestStore.open(directory, { fsync: options.fsync, onClose: () => lock.release() });
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** A storage extension as a persistent queue sees it (the collector's storage.Extension GetClient). */
export interface QueueStorage {
  /** opens the queue of one exporter and signal (and part, for an exporter of several queues) */
  openQueue(owner: string, signal: string, part?: string): Promise<OpenedStore>;
}
