/**
 * How a collector's components reach files by path: filelog's include and exclude, bearer_token_file, ca_file,
 * kubeconfig_file, the file exporter's path, and the environment's KUBECONFIG and AWS token files. `adot collector
 * run` opens them on this machine as named (machineFiles); the sandbox gives each collector the view of the pod it
 * runs for instead (mounted-files.ts), so that a sandbox collector sees its pod's volume mounts and never the rest of
 * the machine.
 */
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface DirectoryEntry {
  name: string;
  /** after following a link; a link that cannot be followed is left out of a listing */
  kind: 'file' | 'directory' | 'other';
}

export interface CollectorFiles {
  /**
   * Where `path`, as the collector names it, is on this machine: what to open. Rejects (a FileAccessError naming
   * `path`) when the collector cannot reach it; `write` also allows a file that does not exist yet.
   */
  resolve(path: string, access?: 'read' | 'write'): Promise<string>;
  readFile(path: string): Promise<Buffer>;
  /** the entries of a directory */
  list(directory: string): Promise<DirectoryEntry[]>;
  /** `path` with every link resolved, as the collector names it (filelog's include_file_path_resolved) */
  realpath(path: string): Promise<string>;
}

/**
 * A path the collector cannot open, in the words of Go's os package (`open /x: no such file or directory`), as a
 * containerised collector reports it, with the reason when it is the sandbox's doing.
 */
export class FileAccessError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'ENOTDIR' | 'EROFS' | 'ELOOP',
    readonly path: string,
    /** why, when the path is outside what the collector's pod mounts */
    readonly reason?: string,
  ) {
    super(`open ${path}: ${DESCRIPTIONS[code]}${reason === undefined ? '' : ` (${reason})`}`);
    this.name = 'FileAccessError';
  }
}

const DESCRIPTIONS: Record<FileAccessError['code'], string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EROFS: 'read-only file system',
  ELOOP: 'too many levels of symbolic links',
};

async function kindOf(path: string): Promise<DirectoryEntry['kind'] | undefined> {
  const target = await stat(path).catch(() => undefined);
  if (target === undefined) return undefined;
  return target.isDirectory() ? 'directory' : target.isFile() ? 'file' : 'other';
}

/** This machine's files, as named (`adot collector run`, which runs where its files are). */
export const machineFiles: CollectorFiles = {
  resolve: async (path) => path,
  readFile: (path) => readFile(path),
  async list(directory) {
    const entries = await readdir(directory, { withFileTypes: true });
    const listed: DirectoryEntry[] = [];
    for (const entry of entries) {
      const kind = entry.isSymbolicLink()
        ? await kindOf(join(directory, entry.name))
        : entry.isDirectory()
          ? 'directory'
          : entry.isFile()
            ? 'file'
            : 'other';
      if (kind !== undefined) listed.push({ name: entry.name, kind });
    }
    return listed;
  },
  realpath: (path) => realpath(path),
};
