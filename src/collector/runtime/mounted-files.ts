/**
 * A collector's view of files through the volume mounts of its pod: what a containerised collector sees, with the
 * mounts' sources being directories (or files) of this machine that stand for them (the sandbox keeps each node's
 * files under its work directory). A path is resolved one component at a time inside the view, as the kernel does
 * in the container's mount namespace: `..` climbs the view (never above its `/`), and a symbolic link is followed
 * in the view too (an absolute target starts again from the view's `/`), so neither leads to a file of the machine
 * outside the mounts. Paths under no mount do not exist; a directory above a mount point lists the mount points.
 * Links are checked when the path is resolved; the mounts' sources are the sandbox's own, written by nobody else.
 */
import { lstat, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { FileAccessError, type CollectorFiles, type DirectoryEntry } from './files.js';

export interface FileMount {
  /** absolute path in the container */
  path: string;
  /** where it is on this machine: a directory, or a single file */
  source: string;
  readOnly: boolean;
  /** named when a path outside the mounts is refused (default); false for files the sandbox mounts for itself */
  named?: boolean;
}

/** Linux's limit on links followed while resolving one path (MAXSYMLINKS, 40) */
const MAX_LINKS = 40;

type Location = { kind: 'mounted'; mount: FileMount; host: string } | { kind: 'above-mounts' };

interface Resolved {
  /** the path in the view, links resolved */
  path: string;
  location: Location;
}

export function mountedFiles(mounts: readonly FileMount[]): CollectorFiles {
  const normalized = mounts.map((mount) => ({ ...mount, path: posix.resolve('/', mount.path) }));
  const named = [...new Set(normalized.filter((mount) => mount.named !== false).map((mount) => mount.path))].sort();
  const reason =
    named.length === 0
      ? 'the pod mounts no volume the sandbox can show its collector'
      : `the sandbox's collectors see only their pod's volume mounts: ${named.join(', ')}`;

  /** the mount a path of the view is on (the deepest), or the directories above the mount points */
  const locate = (path: string): Location | undefined => {
    let best: FileMount | undefined;
    for (const mount of normalized) {
      const under = path === mount.path || mount.path === '/' || path.startsWith(`${mount.path}/`);
      if (under && (best === undefined || mount.path.length > best.path.length)) best = mount;
    }
    if (best !== undefined) {
      const rest = best.path === '/' ? path.slice(1) : path.slice(best.path.length + 1);
      return { kind: 'mounted', mount: best, host: rest === '' ? best.source : join(best.source, ...rest.split('/')) };
    }
    const above = normalized.some((mount) => path === '/' || mount.path.startsWith(`${path}/`));
    return above ? { kind: 'above-mounts' } : undefined;
  };

  const resolveView = async (original: string, access: 'read' | 'write'): Promise<Resolved> => {
    if (normalized.length === 0) throw new FileAccessError('ENOENT', original, reason);
    let pending = posix.resolve('/', original).split('/');
    let resolved: string[] = [];
    let links = 0;
    let location: Location = locate('/') ?? { kind: 'above-mounts' };
    while (pending.length > 0) {
      const name = pending.shift() ?? '';
      if (name === '' || name === '.') continue;
      if (name === '..') {
        resolved.pop();
        location = locate(`/${resolved.join('/')}`) ?? { kind: 'above-mounts' };
        continue;
      }
      const candidate = [...resolved, name];
      const path = `/${candidate.join('/')}`;
      const found = locate(path);
      if (found === undefined) throw new FileAccessError('ENOENT', original, reason);
      const last = pending.every((rest) => rest === '' || rest === '.');
      if (found.kind === 'mounted' && found.host !== found.mount.source) {
        const entry = await lstat(found.host).catch(() => undefined);
        if (entry === undefined) {
          // a file about to be written may not exist yet; anything else must
          if (!last || access !== 'write') throw new FileAccessError('ENOENT', original);
        } else if (entry.isSymbolicLink()) {
          if (++links > MAX_LINKS) throw new FileAccessError('ELOOP', original);
          const target = await readlink(found.host);
          if (target.startsWith('/')) resolved = [];
          pending = [...target.split('/'), ...pending];
          location = locate(`/${resolved.join('/')}`) ?? { kind: 'above-mounts' };
          continue;
        } else if (!last && !entry.isDirectory()) throw new FileAccessError('ENOTDIR', original);
      }
      resolved = candidate;
      location = found;
    }
    return { path: `/${resolved.join('/')}`, location };
  };

  const hostOf = async (path: string, access: 'read' | 'write'): Promise<string> => {
    const resolved = await resolveView(path, access);
    if (resolved.location.kind !== 'mounted') throw new FileAccessError('ENOENT', path, reason);
    if (access === 'write' && resolved.location.mount.readOnly) throw new FileAccessError('EROFS', path);
    return resolved.location.host;
  };

  return {
    resolve: (path, access = 'read') => hostOf(path, access),
    async readFile(path) {
      const host = await hostOf(path, 'read');
      return readFile(host).catch((error: NodeJS.ErrnoException) => {
        // the machine's path stays out of the message: the collector knows the file by its path in the pod
        throw error.code === 'ENOENT' ? new FileAccessError('ENOENT', path) : new Error(`read ${path}: ${error.code}`);
      });
    },
    async list(directory) {
      const resolved = await resolveView(directory, 'read');
      if (resolved.location.kind === 'above-mounts') {
        const prefix = resolved.path === '/' ? '/' : `${resolved.path}/`;
        const names = new Set(
          normalized
            .filter((mount) => mount.path.startsWith(prefix) && mount.path !== resolved.path)
            .map((mount) => mount.path.slice(prefix.length).split('/')[0] ?? ''),
        );
        const listed: DirectoryEntry[] = [];
        for (const name of [...names].sort()) {
          const location = locate(`${prefix}${name}`);
          const kind =
            location?.kind === 'mounted' ? await kindOfHost(location.host) : ('directory' as DirectoryEntry['kind']);
          if (kind !== undefined) listed.push({ name, kind });
        }
        return listed;
      }
      const entries = await readdir(resolved.location.host, { withFileTypes: true }).catch(() => {
        throw new FileAccessError('ENOENT', directory);
      });
      const listed: DirectoryEntry[] = [];
      for (const entry of entries) {
        if (!entry.isSymbolicLink()) {
          listed.push({
            name: entry.name,
            kind: entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other',
          });
          continue;
        }
        const target = await hostOf(posix.join(resolved.path, entry.name), 'read').catch(() => undefined);
        const kind = target === undefined ? undefined : await kindOfHost(target);
        if (kind !== undefined) listed.push({ name: entry.name, kind });
      }
      return listed;
    },
    async realpath(path) {
      const resolved = await resolveView(path, 'read');
      return resolved.path;
    },
  };
}

async function kindOfHost(host: string): Promise<DirectoryEntry['kind'] | undefined> {
  const found = await stat(host).catch(() => undefined);
  if (found === undefined) return undefined;
  return found.isDirectory() ? 'directory' : found.isFile() ? 'file' : 'other';
}
