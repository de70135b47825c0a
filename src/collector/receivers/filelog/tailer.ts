/**
 * Following files as the filelog receiver's file consumer does (pkg/stanza/fileconsumer): every poll lists the
 * matching files, identifies each by a fingerprint (its first `fingerprint_size` bytes, so a renamed file keeps its
 * place and a recreated one starts over), and reads what was appended since the last poll, line by line. Files
 * present at the first poll start at their end with `start_at: end` (the default) and at their beginning with
 * `start_at: beginning`; files that appear later are read from the beginning. A file that shrank (truncated) is read
 * again from its start. A last line without its newline is held until `force_flush_period` passes without more data;
 * a line longer than `max_log_size` is cut into pieces of that size. Empty lines are skipped.
 */
import { open } from 'node:fs/promises';
import { machineFiles, type CollectorFiles } from '../../runtime/files.js';

export interface TailerSettings {
  startAtBeginning: boolean;
  fingerprintSize: number;
  maxLogSize: number;
  forceFlushMs: number;
}

interface Tracked {
  path: string;
  fingerprint: Buffer;
  offset: number;
  partial: Buffer;
  partialSince: number;
  seen: boolean;
}

export interface FileLines {
  path: string;
  lines: string[];
  /** call once the lines were taken; until then the next poll reads them again */
  commit(): void;
}

const CHUNK = 64 * 1024;

function startsWith(buffer: Buffer, prefix: Buffer): boolean {
  return buffer.length >= prefix.length && buffer.subarray(0, prefix.length).equals(prefix);
}

export class Tailer {
  private tracked: Tracked[] = [];
  private firstPoll = true;

  constructor(
    private readonly settings: TailerSettings,
    private readonly now: () => number = Date.now,
    /** how paths are opened: the collector's view of files */
    private readonly files: CollectorFiles = machineFiles,
  ) {}

  /** One poll over `paths`: the new lines of each file (files with none are left out). */
  async poll(paths: string[]): Promise<FileLines[]> {
    const startAtEnd = this.firstPoll && !this.settings.startAtBeginning;
    this.firstPoll = false;
    for (const entry of this.tracked) entry.seen = false;
    const results: FileLines[] = [];
    for (const path of paths) {
      const result = await this.readFile(path, startAtEnd).catch(() => undefined);
      if (result !== undefined && result.lines.length > 0) results.push(result);
    }
    this.tracked = this.tracked.filter((entry) => entry.seen);
    return results;
  }

  private async readFile(path: string, startAtEnd: boolean): Promise<FileLines | undefined> {
    const handle = await open(await this.files.resolve(path), 'r');
    try {
      const { size } = await handle.stat();
      const head = Buffer.alloc(Math.min(size, this.settings.fingerprintSize));
      if (head.length > 0) await handle.read(head, 0, head.length, 0);
      let entry = this.tracked.find(
        (candidate) => !candidate.seen && candidate.fingerprint.length > 0 && startsWith(head, candidate.fingerprint),
      );
      if (
        entry === undefined ||
        (entry.path !== path && this.tracked.some((other) => other.path === path && other !== entry))
      ) {
        entry = {
          path,
          fingerprint: head,
          offset: startAtEnd ? size : 0,
          partial: Buffer.alloc(0),
          partialSince: 0,
          seen: true,
        };
        this.tracked = this.tracked.filter((other) => other.path !== path);
        this.tracked.push(entry);
      }
      entry.seen = true;
      entry.path = path;
      if (head.length > entry.fingerprint.length) entry.fingerprint = head;
      if (size < entry.offset) {
        entry.offset = 0;
        entry.partial = Buffer.alloc(0);
      }
      const lines: string[] = [];
      let offset = entry.offset;
      let partial = entry.partial;
      while (offset < size) {
        const chunk = Buffer.alloc(Math.min(CHUNK, size - offset));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        partial = Buffer.concat([partial, chunk.subarray(0, bytesRead)]);
        partial = this.split(partial, lines);
      }
      let partialSince =
        partial.length === 0 ? 0 : partial.length === entry.partial.length ? entry.partialSince : this.now();
      if (partial.length > 0 && this.now() - partialSince >= this.settings.forceFlushMs && offset >= size) {
        this.push(partial.toString('utf8'), lines);
        partial = Buffer.alloc(0);
        partialSince = 0;
      }
      const tracked = entry;
      return {
        path,
        lines,
        commit: () => {
          tracked.offset = offset;
          tracked.partial = partial;
          tracked.partialSince = partialSince;
        },
      };
    } finally {
      await handle.close();
    }
  }

  /** Takes the complete lines out of `buffer`; returns what is left after the last newline. */
  private split(buffer: Buffer, lines: string[]): Buffer {
    let start = 0;
    for (let index = buffer.indexOf(10); index >= 0; index = buffer.indexOf(10, start)) {
      const end = index > start && buffer[index - 1] === 13 ? index - 1 : index;
      this.push(buffer.toString('utf8', start, end), lines);
      start = index + 1;
    }
    let rest = buffer.subarray(start);
    while (rest.length > this.settings.maxLogSize) {
      lines.push(rest.toString('utf8', 0, this.settings.maxLogSize));
      rest = rest.subarray(this.settings.maxLogSize);
    }
    return Buffer.from(rest);
  }

  private push(line: string, lines: string[]): void {
    if (line === '') return;
    const max = this.settings.maxLogSize;
    for (let index = 0; index < line.length; index += max) lines.push(line.slice(index, index + max));
  }
}
