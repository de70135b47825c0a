/**
 * The files of a persistent sending queue: one directory per queue (0700), one file per queued request (0600), named
 * by its place in the queue, removed once the request is delivered or dropped. What a killed collector left behind is
 * found again at the next start, in order. A request is written to a temporary file and renamed, so a file with the
 * final name is always whole (with `fsync`, also after a power loss); a temporary file left by a kill is removed.
 * Files are opened with O_NOFOLLOW (and created with O_EXCL): a symbolic link planted in the directory is never
 * followed, and the directory itself must be a real directory of this user.
 *
 * A file: `ADQ1`, the number of items (uint32 BE), the CRC-32 of the payload (uint32 BE), the payload length
 * (uint32 BE), then the payload (the exporter's encoding of the request).
 */
import {
  chmodSync,
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

const MAGIC = Buffer.from('ADQ1', 'latin1');
const HEADER_BYTES = 16;
const NAME = /^(\d{16})\.req$/;
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A request in the store: where it is in the queue, how many items it holds, how large its payload is. */
export interface StoredRequest {
  seq: number;
  items: number;
  bytes: number;
}

export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export interface OpenedStore {
  store: RequestStore;
  /** the requests a previous run left, oldest first */
  stored: StoredRequest[];
  /** files that were not whole requests (removed), with why */
  discarded: string[];
}

export class RequestStore {
  private constructor(
    readonly directory: string,
    private readonly fsync: boolean,
    private nextSeq: number,
    private readonly onClose: () => void,
  ) {}

  /**
   * Opens the queue's directory (made 0700 beforehand: ensurePrivateDirectory) and lists what it holds; `onClose`
   * runs when the queue is done with it (to release its lock).
   */
  static open(directory: string, options: { fsync: boolean; onClose?: () => void }): OpenedStore {
    ensurePrivateDirectory(directory);
    const stored: StoredRequest[] = [];
    const discarded: string[] = [];
    for (const name of readdirSync(directory)) {
      const match = NAME.exec(name);
      if (match === null) {
        // a request a kill interrupted before it was renamed: it was never complete
        if (name.endsWith('.tmp')) removeQuietly(join(directory, name));
        continue;
      }
      const problem = headerProblem(join(directory, name));
      if (typeof problem === 'string') {
        discarded.push(`${name}: ${problem}`);
        removeQuietly(join(directory, name));
        continue;
      }
      stored.push({ seq: Number(match[1]), items: problem.items, bytes: problem.bytes });
    }
    stored.sort((a, b) => a.seq - b.seq);
    const last = stored.at(-1)?.seq ?? 0;
    const store = new RequestStore(directory, options.fsync, last + 1, options.onClose ?? (() => undefined));
    return { store, stored, discarded };
  }

  /** The queue is done with the directory (its files stay for the next start). */
  close(): void {
    this.onClose();
  }

  /** Writes a request and returns its place; throws StorageError when the disk refuses it. */
  write(payload: Buffer, items: number): StoredRequest {
    const seq = this.nextSeq++;
    const final = this.path(seq);
    const temporary = `${final}.tmp`;
    const header = Buffer.alloc(HEADER_BYTES);
    MAGIC.copy(header, 0);
    header.writeUInt32BE(items, 4);
    header.writeUInt32BE(crc32(payload), 8);
    header.writeUInt32BE(payload.length, 12);
    let fd: number | undefined;
    try {
      fd = openSync(temporary, CREATE_FLAGS, 0o600);
      writeFully(fd, header);
      writeFully(fd, payload);
      if (this.fsync) fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(temporary, final);
      if (this.fsync) syncDirectory(this.directory);
    } catch (error) {
      if (fd !== undefined) closeSync(fd);
      removeQuietly(temporary);
      throw new StorageError(`cannot write to ${this.directory}: ${(error as Error).message}`, { cause: error });
    }
    return { seq, items, bytes: payload.length };
  }

  /** The payload of a stored request; throws StorageError when the file is gone or damaged. */
  async read(request: StoredRequest): Promise<Buffer> {
    let content: Buffer;
    try {
      const handle = await open(this.path(request.seq), READ_FLAGS);
      try {
        content = await handle.readFile();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw new StorageError(`cannot read ${this.path(request.seq)}: ${(error as Error).message}`, { cause: error });
    }
    const payload = content.subarray(HEADER_BYTES);
    if (
      !content.subarray(0, 4).equals(MAGIC) ||
      content.readUInt32BE(12) !== payload.length ||
      content.readUInt32BE(8) !== crc32(payload)
    ) {
      throw new StorageError(`${this.path(request.seq)} is damaged`);
    }
    return payload;
  }

  /** Removes a request that was delivered or dropped. */
  remove(request: StoredRequest): void {
    removeQuietly(this.path(request.seq));
  }

  private path(seq: number): string {
    return join(this.directory, `${String(seq).padStart(16, '0')}.req`);
  }
}

/** A directory only this user can enter, which is really a directory (not a link to one elsewhere). */
export function ensurePrivateDirectory(directory: string): void {
  try {
    mkdirSync(directory, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stat = lstatSync(directory);
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new StorageError(`${directory} is not a directory (symbolic links are not followed)`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new StorageError(`${directory} belongs to another user (uid ${stat.uid})`);
  }
  if ((stat.mode & 0o077) !== 0) chmodSync(directory, 0o700);
}

function headerProblem(path: string): string | { items: number; bytes: number } {
  let fd: number | undefined;
  try {
    fd = openSync(path, READ_FLAGS);
    const stat = fstatSync(fd);
    if (!stat.isFile()) return 'not a regular file';
    const header = Buffer.alloc(HEADER_BYTES);
    const read = readSync(fd, header, 0, HEADER_BYTES, 0);
    if (read < HEADER_BYTES || !header.subarray(0, 4).equals(MAGIC)) return 'not a queued request';
    const bytes = header.readUInt32BE(12);
    if (stat.size !== HEADER_BYTES + bytes) return 'incomplete';
    return { items: header.readUInt32BE(4), bytes };
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'a symbolic link' : (error as Error).message;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeFully(fd: number, bytes: Buffer): void {
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
}

function syncDirectory(directory: string): void {
  const fd = openSync(directory, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
