import type { KubeObject } from '../types.js';

/** Small typed readers over free-form Kubernetes objects, for the controllers. */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function stringRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(record(value))) if (typeof item === 'string') result[key] = item;
  return result;
}

export function specOf(object: KubeObject): Record<string, unknown> {
  return record(object.spec);
}

export function statusOf(object: KubeObject): Record<string, unknown> {
  return record(object.status);
}

/** every label of `selector` is on `labels` (an empty selector matches nothing, as for Services) */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

export function conditionOf(object: KubeObject, type: string): Record<string, unknown> | undefined {
  return array(statusOf(object).conditions)
    .map(record)
    .find((condition) => condition.type === type);
}

export function isDeploymentAvailable(deployment: KubeObject): boolean {
  return conditionOf(deployment, 'Available')?.status === 'True';
}
