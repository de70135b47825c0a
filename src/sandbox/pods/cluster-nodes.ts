/**
 * What the nodes of one emulated cluster give its pods, as a kubelet and containerd would: a filesystem per node
 * (node-files.ts) holding the pods' hostPath volumes (pod-volumes.ts) and their logs (container-logs.ts), read by
 * `kubectl logs` (kube/pod-log.ts) and by a collector that mounts /var/log/pods. Its parts are handed to the
 * collector runtime (what each collector sees of files, where its own log lines go), the operator's pod
 * controller, the API server and the demo workload.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mountedFiles } from '../../collector/runtime/mounted-files.js';
import type { CollectorFiles } from '../../collector/runtime/files.js';
import type { CollectorResource } from '../../collector/supervisor.js';
import type { Logger } from '../../collector/telemetry/logger.js';
import type { CollectorPodNodes } from '../controllers/collector-runtime.js';
import { COLLECTOR_CONTAINER } from '../controllers/operator.js';
import type { PodLogSource } from '../kube/pod-log.js';
import { DEMO_WORKLOAD } from '../seed/demo-workload.js';
import type { ClusterStore, KubeObject } from '../types.js';
import { PodLogs, type ContainerLog, type PodRef } from './container-logs.js';
import { NodeFilesystems } from './node-files.js';
import { hostPathMounts } from './pod-volumes.js';

export interface ClusterNodes {
  /** the nodes' filesystems (`<workDir>/nodes/<cluster>/<node>`) */
  filesystems: NodeFilesystems;
  /** for the operator's pod controller: mounts, log directories */
  podNodes: CollectorPodNodes;
  /** for the API server: the log files `kubectl logs` reads */
  podLogSource: PodLogSource;
  /** what a collector run for a pod sees of files: its pod's mounts only */
  files(resource: CollectorResource): CollectorFiles;
  /** a collector's own log lines, as its container prints them on stderr (what `adot collector run` prints) */
  containerLog(resource: CollectorResource): Logger | undefined;
  /** the demo workload's output (one access log line per request) in its Pod's log, when the cluster has it */
  demoWorkloadOutput(line: string): void;
}

export function clusterNodes(options: { dir: string; store: ClusterStore; logger: Logger }): ClusterNodes {
  const filesystems = new NodeFilesystems(options.dir);
  const logs = new PodLogs(filesystems);
  const demo: { uid?: string; writer?: ContainerLog } = {};
  const refOf = (pod: KubeObject): PodRef | undefined => {
    const nodeName = (pod.spec as { nodeName?: unknown } | undefined)?.nodeName;
    if (typeof nodeName !== 'string' || pod.metadata.uid === undefined) return undefined;
    return { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid: pod.metadata.uid, nodeName };
  };
  return {
    filesystems,
    podNodes: {
      mounts(pod, nodeName, podSpec, container) {
        const found = hostPathMounts(filesystems, nodeName, podSpec, container);
        for (const problem of found.problems) options.logger.warn(`pod ${pod.namespace}/${pod.name}: ${problem}`);
        return found.mounts;
      },
      started: (pod, containers) => logs.started(pod, containers),
      removed: (pod) => logs.remove(pod),
    },
    podLogSource: {
      read(pod, container) {
        const ref = refOf(pod);
        const file = ref === undefined ? undefined : logs.file(ref, container);
        return file !== undefined && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
      },
    },
    files: (resource) => mountedFiles(resource.mounts ?? []),
    containerLog(resource) {
      const { namespace, name, uid, nodeName } = resource.pod ?? {};
      if (namespace === undefined || name === undefined || uid === undefined || nodeName === undefined)
        return undefined;
      const writer = logs.writer({ namespace, name, uid, nodeName }, COLLECTOR_CONTAINER);
      return {
        info: (message) => writer.write('stderr', message),
        debug: (message) => writer.write('stderr', message),
        warn: (message) => writer.write('stderr', `warning: ${message}`),
        error: (message) => writer.write('stderr', `error: ${message}`),
      };
    },
    demoWorkloadOutput(line) {
      const pod = options.store.get('v1', 'Pod', DEMO_WORKLOAD.pod, DEMO_WORKLOAD.namespace);
      const ref = pod === undefined ? undefined : refOf(pod);
      if (ref === undefined) return;
      if (demo.uid !== ref.uid) {
        logs.started(ref, [DEMO_WORKLOAD.container]);
        demo.uid = ref.uid;
        demo.writer = logs.writer(ref, DEMO_WORKLOAD.container);
      }
      demo.writer?.write('stdout', line);
    },
  };
}
