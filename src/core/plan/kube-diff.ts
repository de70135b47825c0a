import type { KubeObject, KubeRef } from '../../ports.js';
import type { StepAction } from './steps.js';

/**
 * Compares the fields we set (the desired object) against the live object. Only what the desired object states is
 * compared, so fields defaulted by the API server or added by controllers do not count as drift; arrays must match
 * element by element (with the same subset rule inside each element) and have the same length.
 */
export function driftPaths(desired: unknown, live: unknown, path = ''): string[] {
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return [path || '.'];
    return desired.flatMap((item, index) => driftPaths(item, live[index], `${path}[${index}]`));
  }
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return [path || '.'];
    return Object.entries(desired).flatMap(([key, value]) =>
      value === undefined ? [] : driftPaths(value, live[key], path === '' ? key : `${path}.${key}`),
    );
  }
  return desired === live ? [] : [path || '.'];
}

/** The fields of a desired object that drive its comparison: everything but status and server-owned metadata. */
function managedFields(object: KubeObject): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = object;
  const { name, namespace, labels, annotations } = metadata;
  const ownedMetadata: Record<string, unknown> = { name };
  if (namespace !== undefined) ownedMetadata.namespace = namespace;
  if (labels !== undefined) ownedMetadata.labels = labels;
  if (annotations !== undefined) ownedMetadata.annotations = annotations;
  return { ...rest, metadata: ownedMetadata };
}

export interface KubeDecision {
  action: Extract<StepAction, 'create' | 'update' | 'none'>;
  /** the paths that differ, for an update */
  drift: string[];
}

export function decideKubeObject(desired: KubeObject, live: KubeObject | undefined): KubeDecision {
  if (live === undefined) return { action: 'create', drift: [] };
  const drift = driftPaths(managedFields(desired), live);
  return { action: drift.length === 0 ? 'none' : 'update', drift };
}

export function refOf(object: KubeObject): KubeRef {
  const ref: KubeRef = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name };
  if (object.metadata.namespace !== undefined) ref.namespace = object.metadata.namespace;
  return ref;
}

/** "ClusterRole otel-prometheus-role", "ServiceAccount aws-otel-eks/aws-otel-collector" */
export function describeObject(object: Pick<KubeObject, 'kind' | 'metadata'>): string {
  const { name, namespace } = object.metadata;
  return `${object.kind} ${namespace === undefined ? name : `${namespace}/${name}`}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
