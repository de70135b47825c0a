import { isDeepStrictEqual } from 'node:util';
import type { Kube, KubeObject } from '../../ports.js';
import { COLLECTOR_CRD, COLLECTOR_V1BETA1 } from '../../core/compat-data.js';
import {
  chooseCollectorApiVersion,
  collectorApiVersionOfCrd,
  servedVersions,
  type CollectorApiVersion,
} from '../../core/collector-version.js';
import { decideKubeObject, describeObject, refOf } from '../../core/plan/kube-diff.js';
import type { DesiredObject } from '../../core/plan/manifests.js';
import { FIELD_MANAGER } from '../../core/plan/ownership.js';
import { deleteObjectStep, driftDetail } from './kube-steps.js';
import type { StepDefinition } from './runner.js';

/** what decides the collector's version besides its CRD (collector-version.ts chooseCollectorApiVersion) */
export interface CollectorVersionInput {
  addonVersion?: string | undefined;
  addonChanging?: boolean;
}

export type CollectorVersionSource = (
  crd: KubeObject | undefined,
) => CollectorVersionInput | Promise<CollectorVersionInput>;

/** the collector CRD (undefined while the add-on has not installed it) and the version to write */
export async function collectorVersionFor(
  kube: Kube,
  source: CollectorVersionSource,
): Promise<{ crd: KubeObject | undefined; apiVersion: CollectorApiVersion }> {
  const crd = await kube.get({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    name: COLLECTOR_CRD,
  });
  return { crd, apiVersion: chooseCollectorApiVersion({ crd, ...(await source(crd)) }) };
}

/** the apiVersion adot's last server-side apply of the object was made in */
function lastAppliedVersion(live: KubeObject): string | undefined {
  const entries = Array.isArray(live.metadata.managedFields)
    ? (live.metadata.managedFields as { manager?: unknown; operation?: unknown; apiVersion?: unknown }[])
    : [];
  const own = entries.find((entry) => entry.manager === FIELD_MANAGER && entry.operation === 'Apply');
  return typeof own?.apiVersion === 'string' ? own.apiVersion : undefined;
}

function configOf(object: KubeObject): unknown {
  return (object.spec as Record<string, unknown> | undefined)?.config;
}

const CONFIG_SECTIONS = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'] as const;

function recordOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * What the live configuration (v1beta1: an object) has that the desired one no longer does: pipelines and components
 * of a removed target. Comparing only the fields adot sets would not see them; server-side apply removes them.
 */
export function configRemovals(live: unknown, desired: unknown): string[] {
  if (typeof live === 'string' || typeof desired === 'string') return [];
  const gone = (from: unknown, to: unknown) =>
    Object.keys(recordOf(from)).filter((id) => !Object.hasOwn(recordOf(to), id));
  const livePipelines = recordOf(recordOf(recordOf(live).service).pipelines);
  const desiredPipelines = recordOf(recordOf(recordOf(desired).service).pipelines);
  return [
    ...gone(livePipelines, desiredPipelines).map((id) => `pipeline ${id}`),
    ...CONFIG_SECTIONS.flatMap((section) =>
      gone(recordOf(live)[section], recordOf(desired)[section]).map((id) => `${section}.${id}`),
    ),
  ];
}

interface Observed {
  desired: KubeObject;
  live: KubeObject | undefined;
  /** adot applied the collector as v1alpha1 and now writes v1beta1, and the configuration differs */
  migrating: boolean;
}

/**
 * The collector, server-side applied in the version the cluster serves (v1beta1 with spec.config an object where
 * the add-on serves it). An existing collector is the same object in whichever version it was written: it is read
 * in the version adot writes and compared on the fields adot sets, so an identical re-run changes nothing.
 *
 * When adot last applied it as v1alpha1 (spec.config one string) and now writes v1beta1, server-side apply prunes in
 * the version of the last apply, where the whole configuration is one field: parts the new configuration drops would
 * stay behind, owned by nobody (sigs.k8s.io/structured-merge-diff merge/update.go). So in that case the whole
 * configuration is compared, and an update first applies the live configuration in v1beta1 (adot then owns it field
 * by field) and then the desired one, which prunes what it no longer has.
 */
export function collectorApplyStep(
  kube: () => Kube,
  build: (apiVersion: CollectorApiVersion) => DesiredObject,
  source: CollectorVersionSource,
): StepDefinition {
  const preview = build(COLLECTOR_V1BETA1);
  let observed: Observed | undefined;
  return {
    id: preview.id,
    resource: describeObject(preview.object),
    async plan() {
      const { crd, apiVersion } = await collectorVersionFor(kube(), source);
      const desired = build(apiVersion).object;
      observed = undefined;
      if (crd === undefined) return { action: 'create', detail: `once ${COLLECTOR_CRD} is served`, manifest: desired };
      if (collectorApiVersionOfCrd(crd) !== apiVersion) {
        // the add-on the run installs will serve this version; until then the collector is compared in the one served
        const now = build(collectorApiVersionOfCrd(crd)).object;
        const decision = decideKubeObject(now, await kube().get(refOf(now)));
        return {
          action: decision.action,
          detail: `${driftDetail(decision)}; written as ${apiVersion}`.replace(/^; /, ''),
          manifest: desired,
        };
      }
      const live = await kube().get(refOf(desired));
      const decision = decideKubeObject(desired, live);
      const lastVersion = live === undefined ? undefined : lastAppliedVersion(live);
      const migrating =
        live !== undefined &&
        apiVersion === COLLECTOR_V1BETA1 &&
        lastVersion !== undefined &&
        lastVersion !== apiVersion &&
        !isDeepStrictEqual(configOf(live), configOf(desired));
      observed = { desired, live, migrating };
      const removals = live === undefined ? [] : configRemovals(configOf(live), configOf(desired));
      if (removals.length > 0 && !migrating) {
        return {
          action: 'update',
          detail: `spec.config: removes ${removals.slice(0, 4).join(', ')}${removals.length > 4 ? ', …' : ''}`,
          manifest: desired,
        };
      }
      if (migrating && decision.action === 'none') {
        return {
          action: 'update',
          detail: `spec.config differs from what adot applied as ${lastVersion}`,
          manifest: desired,
        };
      }
      return { action: decision.action, detail: driftDetail(decision), manifest: desired };
    },
    async apply(planned) {
      const current = observed ?? {
        desired: planned.manifest ?? build(COLLECTOR_V1BETA1).object,
        live: undefined,
        migrating: false,
      };
      if (current.migrating && current.live !== undefined) {
        const spec = { ...(current.desired.spec as Record<string, unknown>), config: configOf(current.live) };
        await kube().apply({ ...current.desired, spec }, { force: true });
      }
      await kube().apply(current.desired, { force: true });
    },
  };
}

/**
 * Deletes the collector whichever version it was written in: it is one object, deleted through a version its CRD
 * serves, v1beta1 first. When that version cannot read it (a collector stored as v1alpha1 whose configuration the
 * conversion webhook cannot convert answers 500), the next served version is tried. Absent, or its kind not
 * served, is none.
 */
export function collectorDeleteStep(kube: () => Kube, name: string, namespace: string): StepDefinition {
  const deletion = (apiVersion: string) =>
    deleteObjectStep(kube, 'collector', { apiVersion, kind: 'OpenTelemetryCollector', name, namespace });
  let current: StepDefinition | undefined;
  return {
    id: 'collector',
    resource: describeObject({ kind: 'OpenTelemetryCollector', metadata: { name, namespace } }),
    async plan() {
      const { crd } = await collectorVersionFor(kube(), () => ({}));
      current = undefined;
      if (crd === undefined) return { action: 'none', detail: 'absent' };
      const versions = servedVersions(crd).sort((a, b) => Number(b === 'v1beta1') - Number(a === 'v1beta1'));
      if (versions.length === 0) return { action: 'none', detail: 'absent' };
      let failure: unknown;
      for (const version of versions) {
        const candidate = deletion(`opentelemetry.io/${version}`);
        try {
          const planned = await candidate.plan();
          current = candidate;
          return planned;
        } catch (error) {
          failure ??= error;
        }
      }
      throw failure;
    },
    async apply(planned) {
      return current?.apply?.(planned);
    },
  };
}
