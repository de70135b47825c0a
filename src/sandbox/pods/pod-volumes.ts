/**
 * What a container of a sandbox pod can see of files: the hostPath volumes its volumeMounts name, resolved in the
 * root of the pod's node (node-files.ts). Other volume types (configMap, secret, emptyDir, projected …) are not
 * shown to the collector: its configuration comes to it directly, and its identity files are the sandbox's own.
 */
import { posix } from 'node:path';
import type { FileMount } from '../../collector/runtime/mounted-files.js';
import type { NodeFilesystems } from './node-files.js';

export interface PodVolumes {
  mounts: FileMount[];
  /** volumes that could not be mounted, as the kubelet's FailedMount event words them */
  problems: string[];
}

type Entry = Record<string, unknown>;

const entries = (value: unknown): Entry[] =>
  Array.isArray(value)
    ? value.filter((item): item is Entry => typeof item === 'object' && item !== null && !Array.isArray(item))
    : [];

/** the hostPath mounts of `container` in a pod spec, on `nodeName` (none without a node) */
export function hostPathMounts(
  nodes: NodeFilesystems,
  nodeName: string | undefined,
  podSpec: Entry,
  container: string,
): PodVolumes {
  const found: PodVolumes = { mounts: [], problems: [] };
  if (nodeName === undefined) return found;
  const volumes = new Map(entries(podSpec.volumes).map((volume) => [String(volume.name), volume]));
  const spec = entries(podSpec.containers).find((candidate) => candidate.name === container);
  for (const mount of entries(spec?.volumeMounts)) {
    const name = String(mount.name);
    const hostPath = volumes.get(name)?.hostPath as Entry | undefined;
    if (hostPath === undefined || typeof hostPath.path !== 'string' || typeof mount.mountPath !== 'string') continue;
    const subPath = typeof mount.subPath === 'string' ? mount.subPath : '';
    if (subPath.startsWith('/') || subPath.split('/').includes('..')) {
      found.problems.push(`volume "${name}": subPath ${subPath} must be a relative path without '..'`);
      continue;
    }
    const source = nodes.hostPath(
      nodeName,
      subPath === '' ? hostPath.path : posix.join(hostPath.path, subPath),
      subPath === '' && typeof hostPath.type === 'string' ? hostPath.type : '',
    );
    if ('error' in source) {
      found.problems.push(`MountVolume.SetUp failed for volume "${name}": ${source.error}`);
      continue;
    }
    found.mounts.push({ path: mount.mountPath, source: source.source, readOnly: mount.readOnly === true });
  }
  return found;
}
