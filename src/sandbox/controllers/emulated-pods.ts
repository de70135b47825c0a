import type { KubeObject } from '../types.js';
import { array, record, specOf, stringRecord } from './objects.js';

/** what one emulated pod is: its name, where it is, and whether its workload reports it ready */
export interface EmulatedPodFacts {
  name: string;
  uid: string;
  startTime: string;
  /** the pod-template-hash (Deployments) or controller-revision-hash (DaemonSets, StatefulSets) label */
  hashLabel?: { key: string; value: string };
  nodeName?: string;
  /** the pod's address once it runs (the node's for a hostNetwork pod) */
  podIP?: string;
  hostIP?: string;
  running: boolean;
}

/** A pod's metadata as its workload's controller writes it: the template's labels and annotations, owned by the workload. */
export function podMetadata(
  workload: KubeObject,
  pod: { name: string; uid: string },
  labels: Record<string, string>,
  annotations: Record<string, string>,
): KubeObject['metadata'] {
  return {
    name: pod.name,
    namespace: workload.metadata.namespace ?? 'default',
    uid: pod.uid,
    labels,
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: workload.kind,
        name: workload.metadata.name,
        uid: workload.metadata.uid ?? '',
        controller: true,
      },
    ],
  };
}

const READY_CONDITIONS = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

/**
 * The Pod of a workload the sandbox emulates but does not run (cert-manager, the operator, the Pod Identity
 * agent, …): the workload's pod template as the ReplicaSet/DaemonSet/StatefulSet controller would copy it, bound
 * to its node, owned by its workload (there are no ReplicaSets here). Running and Ready while the workload counts
 * it ready; otherwise Pending with its containers waiting in ContainerCreating, as a kubelet reports a pod whose
 * containers have not started (k8s.io/api core/v1 ContainerStateWaiting). No process is behind it: its address
 * serves nothing and it has no log.
 */
export function emulatedPod(workload: KubeObject, pod: EmulatedPodFacts): KubeObject {
  const template = record(specOf(workload).template);
  const metadata = record(template.metadata);
  const templateSpec = record(template.spec);
  const labels = stringRecord(metadata.labels);
  if (pod.hashLabel !== undefined) labels[pod.hashLabel.key] = pod.hashLabel.value;
  const annotations = stringRecord(metadata.annotations);
  const containers = array(templateSpec.containers).map(record);
  const startTime = pod.startTime;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: podMetadata(workload, pod, labels, annotations),
    spec: {
      ...templateSpec,
      ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
    },
    status: pod.running ? runningStatus(containers, pod, startTime) : pendingStatus(containers, pod, startTime),
  };
}

function runningStatus(
  containers: Record<string, unknown>[],
  pod: EmulatedPodFacts,
  startTime: string,
): Record<string, unknown> {
  return {
    phase: 'Running',
    ...(pod.hostIP === undefined ? {} : { hostIP: pod.hostIP }),
    ...(pod.podIP === undefined ? {} : { podIP: pod.podIP, podIPs: [{ ip: pod.podIP }] }),
    startTime,
    conditions: READY_CONDITIONS.map((type) => ({ type, status: 'True', lastTransitionTime: startTime })),
    containerStatuses: containers.map((container) => ({
      name: container.name,
      image: container.image,
      imageID: '',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: startTime } },
    })),
  };
}

function pendingStatus(
  containers: Record<string, unknown>[],
  pod: EmulatedPodFacts,
  startTime: string,
): Record<string, unknown> {
  const names = containers.map((container) => String(container.name)).join(' ');
  const notReady = {
    status: 'False',
    lastTransitionTime: startTime,
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${names}]`,
  };
  return {
    phase: 'Pending',
    ...(pod.hostIP === undefined ? {} : { hostIP: pod.hostIP }),
    startTime,
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: startTime },
      { type: 'Ready', ...notReady },
      { type: 'ContainersReady', ...notReady },
      { type: 'PodScheduled', status: pod.nodeName === undefined ? 'False' : 'True', lastTransitionTime: startTime },
    ],
    containerStatuses: containers.map((container) => ({
      name: container.name,
      image: container.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
    })),
  };
}
