/**
 * Deployment status documents as the Kubernetes deployment controller writes them. Shared by presets (objects
 * seeded already rolled out) and the rollout controller.
 */
export function availableDeploymentStatus(name: string, replicas: number, generation: number): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    observedGeneration: generation,
    replicas,
    updatedReplicas: replicas,
    readyReplicas: replicas,
    availableReplicas: replicas,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: `ReplicaSet "${name}-${replicaSetHash(name, generation)}" has successfully progressed.`,
        lastUpdateTime: now,
        lastTransitionTime: now,
      },
    ],
  };
}

export function unavailableDeploymentStatus(
  name: string,
  replicas: number,
  generation: number,
  replicaFailure?: string,
): Record<string, unknown> {
  const now = new Date().toISOString();
  const conditions: Record<string, unknown>[] = [
    {
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: replicaFailure ?? 'Deployment does not have minimum availability.',
      lastUpdateTime: now,
      lastTransitionTime: now,
    },
    {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `ReplicaSet "${name}-${replicaSetHash(name, generation)}" is progressing.`,
      lastUpdateTime: now,
      lastTransitionTime: now,
    },
  ];
  if (replicaFailure !== undefined) {
    conditions.push({
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
      message: replicaFailure,
      lastUpdateTime: now,
      lastTransitionTime: now,
    });
  }
  return {
    observedGeneration: generation,
    replicas: replicaFailure === undefined ? replicas : 0,
    updatedReplicas: replicaFailure === undefined ? replicas : 0,
    unavailableReplicas: replicas,
    conditions,
  };
}

/** a stable pod-template-hash lookalike (10 hex digits) */
export function replicaSetHash(name: string, generation: number): string {
  let hash = 2166136261;
  for (const char of `${name}/${generation}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return `${hash.toString(16).padStart(8, '0')}${(hash % 256).toString(16).padStart(2, '0')}`.slice(0, 10);
}
