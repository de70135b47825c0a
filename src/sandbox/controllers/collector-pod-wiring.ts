/**
 * What a collector's pod is wired to besides its workload: the credentials EKS injects for its service account
 * (pods/pod-credentials.ts) and what its node gives it (pods/node-files.ts, pod-volumes.ts, container-logs.ts), as
 * the sandbox wires them, and the files its collector may open.
 */
import type { FileMount } from '../../collector/runtime/mounted-files.js';
import type { PodRef } from '../pods/container-logs.js';
import type { InjectedCredentials, PodBinding } from '../pods/pod-credentials.js';
import type { KubeObject } from '../types.js';
import { record } from './objects.js';

/** What EKS gives a pod for its service account (pods/pod-credentials.ts), as the sandbox wires it. */
export interface CollectorPodIdentity {
  /** changes when what the service account's pods get changes (annotation, association) */
  wiring(namespace: string, serviceAccount: KubeObject | undefined): string;
  /** writes the pod's token files; what its container and its Pod object get */
  inject(binding: PodBinding): InjectedCredentials;
  remove(namespace: string, pod: string): void;
}

/** What a pod's node gives it (pods/node-files.ts, pod-volumes.ts, container-logs.ts), as the sandbox wires it. */
export interface CollectorPodNodes {
  /** the container's hostPath mounts, on the pod's node (none without one); what cannot be mounted is logged */
  mounts(
    pod: { namespace: string; name: string },
    nodeName: string | undefined,
    podSpec: Record<string, unknown>,
    container: string,
  ): FileMount[];
  /** the kubelet starts the pod's containers: their log directories */
  started(pod: PodRef, containers: string[]): void;
  /** the pod is gone, and its logs with it */
  removed(pod: PodRef): void;
}

/** the variables of EKS's injection that name files the sandbox wrote: the collector sees them where they are */
export const INJECTED_FILE_VARIABLES = [
  'KUBECONFIG',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

/**
 * What the collector of a pod may open: its container's hostPath mounts on its node, and the files the sandbox wrote
 * for its identity (token files, kubeconfig), at the paths its environment names (not named in refusals).
 */
export function collectorPodMounts(
  nodes: CollectorPodNodes,
  pod: { namespace: string; name: string },
  nodeName: string | undefined,
  podSpec: Record<string, unknown>,
  container: string,
  injectedEnv: InjectedCredentials['env'] | undefined,
): FileMount[] {
  return [
    ...nodes.mounts(pod, nodeName, podSpec, container),
    ...INJECTED_FILE_VARIABLES.flatMap((name) => {
      const file = injectedEnv?.[name];
      return file === undefined ? [] : [{ path: file, source: file, readOnly: true, named: false }];
    }),
  ];
}

export function serviceAccountOf(template: Record<string, unknown>): string {
  const spec = record(template.spec);
  const account = spec.serviceAccountName ?? spec.serviceAccount;
  return typeof account === 'string' && account !== '' ? account : 'default';
}

export function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
