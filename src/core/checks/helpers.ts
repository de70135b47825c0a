/**
 * Small helpers shared by the check files: hints with their docs link, outcomes for facts that failed to load,
 * and readers over Kubernetes objects.
 */
import type { KubeObject } from '../../ports.js';
import type { CheckId, CheckOutcome, Fact, FactError } from './types.js';

export function docsLink(id: CheckId): string {
  return `docs/checks.md#${id}`;
}

/** A hint: the command that fixes it, then where the check is explained. */
export function hintFor(id: CheckId, fix: string): string {
  return `${fix} (see ${docsLink(id)})`;
}

/**
 * The outcome of a check whose fact could not be loaded: a permission denial is a skip (k8s.permissions reports
 * it once), anything else is a failure carrying the error.
 */
export function unreadable(id: CheckId, what: string, error: FactError): CheckOutcome {
  if (error.forbidden) {
    return { status: 'skip', message: `skipped: not allowed to read ${what} (${error.message})` };
  }
  return {
    status: 'fail',
    message: `could not read ${what}: ${error.message}`,
    hint: hintFor(id, error.hint ?? 'check connectivity and credentials, then re-run adot doctor'),
  };
}

/** Runs `use` on a loaded fact's value, or reports why it could not be read. */
export function withFact<T>(id: CheckId, what: string, fact: Fact<T>, use: (value: T) => CheckOutcome): CheckOutcome {
  return fact.ok ? use(fact.value) : unreadable(id, what, fact.error);
}

export function pass(message: string, extra: Partial<CheckOutcome> = {}): CheckOutcome {
  return { status: 'pass', message, ...extra };
}

export function qualifiedName(object: KubeObject): string {
  return object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
}

export function labelOf(object: KubeObject, key: string): string | undefined {
  return object.metadata.labels?.[key];
}

/** nested field access over the free-form parts of Kubernetes objects */
export function field(value: unknown, ...path: (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export function arrayField(value: unknown, ...path: (string | number)[]): unknown[] {
  const found = field(value, ...path);
  return Array.isArray(found) ? found : [];
}

export function stringField(value: unknown, ...path: (string | number)[]): string | undefined {
  const found = field(value, ...path);
  return typeof found === 'string' ? found : undefined;
}

/** container images of a Deployment's pod template */
export function deploymentImages(deployment: KubeObject): string[] {
  return arrayField(deployment, 'spec', 'template', 'spec', 'containers')
    .map((container) => stringField(container, 'image'))
    .filter((image): image is string => image !== undefined);
}

/** Available per status: condition Available=True, or availableReplicas ≥ max(1, desired replicas). */
export function deploymentAvailable(deployment: KubeObject): boolean {
  const conditions = arrayField(deployment, 'status', 'conditions');
  const available = conditions.find((c) => stringField(c, 'type') === 'Available');
  if (available !== undefined) return stringField(available, 'status') === 'True';
  const replicas = field(deployment, 'spec', 'replicas');
  const desired = typeof replicas === 'number' ? Math.max(replicas, 1) : 1;
  const ready = field(deployment, 'status', 'availableReplicas');
  return typeof ready === 'number' && ready >= desired;
}

/** true when an Endpoints object for the service lists at least one ready address */
export function serviceHasEndpoints(endpoints: readonly KubeObject[], namespace: string, name: string): boolean {
  const found = endpoints.find((e) => e.metadata.name === name && e.metadata.namespace === namespace);
  if (!found) return false;
  return arrayField(found, 'subsets').some((subset) => arrayField(subset, 'addresses').length > 0);
}

export function findObject(objects: readonly KubeObject[], name: string, namespace?: string): KubeObject | undefined {
  return objects.find(
    (o) => o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace),
  );
}

export function listText(items: readonly string[]): string {
  return items.length === 0 ? 'none' : items.join(', ');
}
