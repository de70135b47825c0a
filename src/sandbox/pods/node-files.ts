/**
 * The emulated nodes' filesystems. Each node of a cluster has a root directory under the sandbox's work directory
 * (`<workDir>/nodes/<cluster>/<node>`), created when something first needs it, and holding what a node's disk would:
 * the kubelet's pod logs (`/var/log/pods`, container-logs.ts) and the directories pods mount with hostPath volumes.
 * Nothing of the machine's own filesystem is ever a node's: a node path is resolved lexically inside its root (`..`
 * stops at the root) and must still be inside it once links are resolved.
 */
import { existsSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, sep } from 'node:path';

/** how the kubelet and the container runtime treat a hostPath volume's path, by `type` */
const DIRECTORY_TYPES = new Set(['', 'DirectoryOrCreate', 'Directory']);
const FILE_TYPES = new Set(['FileOrCreate', 'File']);

export type HostPathSource = { source: string; kind: 'directory' | 'file' } | { error: string };

export class NodeFilesystems {
  /** @param dir where this cluster's nodes keep their roots (`<workDir>/nodes/<cluster>`) */
  constructor(private readonly dir: string) {}

  /** the node's root on this machine, created (0700) when missing */
  root(node: string): string {
    if (node === '' || node === '.' || node === '..' || node.includes('/') || node.includes(sep)) {
      throw new Error(`"${node}" cannot name a node's directory`);
    }
    const root = join(this.dir, node);
    mkdirSync(root, { recursive: true, mode: 0o700 });
    return root;
  }

  /** where an absolute path of the node is on this machine (nothing is created) */
  pathOn(node: string, path: string): string {
    const parts = posix
      .resolve('/', path)
      .split('/')
      .filter((part) => part !== '');
    return join(this.root(node), ...parts);
  }

  /**
   * The source of a hostPath volume (https://kubernetes.io/docs/concepts/storage/volumes/#hostpath) on the node:
   * for type "" and the directory types a directory, created (0755) when missing as containerd's CRI plugin creates
   * a missing bind-mount source (internal/cri/opts/spec_linux_opts.go, WithMounts) and as DirectoryOrCreate asks;
   * for FileOrCreate an empty file (its directory must exist), for File an existing file. The sandbox's nodes have
   * no sockets or devices: those types, and a path that leaves the node's root through a link, are an error.
   */
  hostPath(node: string, path: string, type = ''): HostPathSource {
    const root = this.root(node);
    const source = this.pathOn(node, path);
    const realRoot = realpathSync(root);
    const inside = (real: string) => real === realRoot || real.startsWith(`${realRoot}${sep}`);
    try {
      // nothing is created through a link that leads off the node
      let existing = source;
      while (!existsSync(existing)) existing = dirname(existing);
      if (!inside(realpathSync(existing))) return { error: `hostPath ${path} leaves the node's filesystem` };
      if (DIRECTORY_TYPES.has(type)) {
        if (!existsSync(source)) mkdirSync(source, { recursive: true, mode: 0o755 });
      } else if (type === 'FileOrCreate') {
        if (!existsSync(source)) writeFileSync(source, '', { flag: 'wx', mode: 0o644 });
      } else if (!FILE_TYPES.has(type)) {
        return { error: `hostPath type ${type} is not available on the sandbox's nodes` };
      }
      const real = realpathSync(source);
      if (!inside(real)) return { error: `hostPath ${path} leaves the node's filesystem` };
      const found = statSync(real);
      if (type !== '' && DIRECTORY_TYPES.has(type) && !found.isDirectory()) {
        return { error: `hostPath ${path} is not a directory` };
      }
      if (FILE_TYPES.has(type) && !found.isFile()) return { error: `hostPath ${path} is not a file` };
      return { source: real, kind: found.isDirectory() ? 'directory' : 'file' };
    } catch (error) {
      return { error: `hostPath ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
    }
  }
}
