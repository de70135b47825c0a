import type { Kube, KubeObject, KubeRef } from '../../ports.js';
import { decideKubeObject, describeObject, refOf, type KubeDecision } from '../../core/plan/kube-diff.js';
import type { DesiredObject } from '../../core/plan/manifests.js';
import type { StepDefinition } from './runner.js';

const CRD_API = 'apiextensions.k8s.io/v1';

/** True when the CRD that serves a custom kind exists (the collector kind appears only once the add-on is ACTIVE). */
export async function crdExists(kube: Kube, crdName: string): Promise<boolean> {
  return (await kube.get({ apiVersion: CRD_API, kind: 'CustomResourceDefinition', name: crdName })) !== undefined;
}

/** "differs at a, b, c, …" for an update, "up to date" for none */
export function driftDetail(decision: KubeDecision): string {
  if (decision.action === 'update')
    return `differs at ${decision.drift.slice(0, 3).join(', ')}${decision.drift.length > 3 ? ', …' : ''}`;
  return decision.action === 'none' ? 'up to date' : '';
}

/**
 * Server-side apply of one object, compared first against the live object on the fields we set, so an identical
 * re-run reports none and sends no write.
 */
export function applyObjectStep(
  kube: () => Kube,
  wanted: DesiredObject | (() => DesiredObject),
  options: { requiresCrd?: string } = {},
): StepDefinition {
  // a function: the object depends on an earlier step (e.g. the AMP workspace it creates), so it is built each time
  const current = typeof wanted === 'function' ? wanted : () => wanted;
  const desired = current();
  return {
    id: desired.id,
    resource: describeObject(desired.object),
    async plan() {
      const { object } = current();
      if (options.requiresCrd !== undefined && !(await crdExists(kube(), options.requiresCrd))) {
        return { action: 'create', detail: `once ${options.requiresCrd} is served`, manifest: object };
      }
      const decision = decideKubeObject(object, await kube().get(refOf(object)));
      return { action: decision.action, detail: driftDetail(decision), manifest: object };
    },
    async apply() {
      await kube().apply(current().object, { force: true });
    },
  };
}

/**
 * Deletes one object when it exists; absent (or its kind no longer served) is none. `keep` may give a reason to
 * leave the live object as it is (skipped, the reason said in the plan), e.g. that adot did not create it.
 */
export function deleteObjectStep(
  kube: () => Kube,
  id: string,
  ref: KubeRef,
  options: { requiresCrd?: string; keep?: (live: KubeObject) => Promise<string | undefined> } = {},
): StepDefinition {
  const resource = describeObject({ kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } });
  return {
    id,
    resource,
    async plan() {
      if (options.requiresCrd !== undefined && !(await crdExists(kube(), options.requiresCrd))) {
        return { action: 'none', detail: 'absent' };
      }
      const live = await kube().get(ref);
      if (live === undefined) return { action: 'none', detail: 'absent' };
      // a namespace (or an object with finalizers) lingers while the API server finishes deleting it
      if (live.metadata.deletionTimestamp !== undefined) return { action: 'none', detail: 'being deleted' };
      const reason = await options.keep?.(live);
      if (reason !== undefined) return { action: 'skipped', detail: `${reason}: left as it is` };
      return { action: 'delete', detail: '' };
    },
    async apply() {
      if (options.keep !== undefined) {
        const live = await kube().get(ref);
        if (live === undefined) return { action: 'none', detail: 'absent' };
        const reason = await options.keep(live);
        if (reason !== undefined) return { action: 'skipped', detail: `${reason}: left as it is` };
      }
      const existed = await kube().delete(ref);
      return existed ? {} : { action: 'none', detail: 'absent' };
    },
  };
}
