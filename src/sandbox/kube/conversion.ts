import type { ClusterStore, KubeObject } from '../types.js';
import { CollectorConversionError, convertCollector, operatorMinorOf } from './collector-conversion.js';
import { isMap } from './patch.js';
import { crdApiVersion, crdKind, splitApiVersion } from './registry.js';
import { KubeApiError } from './status.js';

/**
 * Conversion of custom resources between the versions their CRD declares, as the API server does it
 * (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/):
 * objects are stored once, in the version they were last written in (the storage version), and converted to the
 * version a request names. Strategy None only rewrites apiVersion; strategy Webhook asks the webhook the CRD
 * names. The sandbox answers the webhooks of what it emulates itself (conversionWebhooks); the Service the CRD
 * names must exist, as the API server resolves it.
 */

/** a conversion webhook the sandbox serves: the kind it converts and the path it listens on */
export interface ConversionWebhook {
  group: string;
  kind: string;
  path: string;
  /** the converted object; a CollectorConversionError carries the webhook's failure message */
  convert(object: KubeObject, toApiVersion: string, crd: KubeObject): KubeObject;
}

/** The OpenTelemetry operator's /convert (apis/v1alpha1/convert.go), answered as the add-on's operator version does. */
export const sandboxConversionWebhooks: readonly ConversionWebhook[] = [
  {
    group: 'opentelemetry.io',
    kind: 'OpenTelemetryCollector',
    path: '/convert',
    convert: (object, toApiVersion, crd) => convertCollector(object, toApiVersion, operatorMinorOf(crd)),
  },
];

/** why an object could not be converted, as the API server words it (webhook_converter.go) */
export class ConversionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionFailure';
  }

  /**
   * What a request answers: reading a stored object answers the error as it is (500, no reason: "Error from
   * server: conversion webhook for … failed: …", open-telemetry/opentelemetry-helm-charts#1199); writing one
   * answers it as an internal error ("Internal error occurred: conversion webhook for …", cert-manager#4019), and
   * so does a watch, whose errors that carry no status become internal errors (etcd3 watcher, transformErrorToEvent).
   */
  toApiError(purpose: 'read' | 'write' | 'watch'): KubeApiError {
    if (purpose === 'read') return new KubeApiError(500, '', this.message);
    return new KubeApiError(500, 'InternalError', `Internal error occurred: ${this.message}`, {
      causes: [{ message: this.message }],
    });
  }
}

interface CrdConversion {
  strategy?: string;
  webhook?: {
    clientConfig?: { service?: { name?: string; namespace?: string; path?: string; port?: number }; url?: string };
  };
}

/** `opentelemetry.io/v1alpha1, Kind=OpenTelemetryCollector`, schema.GroupVersionKind.String() */
function gvkText(apiVersion: string, kind: string): string {
  return `${apiVersion}, Kind=${kind}`;
}

function crdOf(store: ClusterStore, group: string, kind: string): KubeObject | undefined {
  return store.list(crdApiVersion, crdKind).find((crd) => {
    const spec = isMap(crd.spec) ? crd.spec : {};
    const names = isMap(spec.names) ? spec.names : {};
    return spec.group === group && names.kind === kind;
  });
}

function versionsOf(crd: KubeObject): string[] {
  const spec = isMap(crd.spec) ? crd.spec : {};
  const versions = Array.isArray(spec.versions) ? (spec.versions as { name?: unknown }[]) : [];
  return versions.map((version) => String(version.name));
}

function webhookFailure(apiVersion: string, kind: string, detail: string): ConversionFailure {
  return new ConversionFailure(`conversion webhook for ${gvkText(apiVersion, kind)} failed: ${detail}`);
}

/**
 * `object` (as stored, in any version of its group) in `toApiVersion`. Kinds without a CRD (built-ins, which this
 * sandbox serves in one version) and CRDs with strategy None only get the new apiVersion. Throws ConversionFailure.
 */
export function convertObject(
  store: ClusterStore,
  object: KubeObject,
  toApiVersion: string,
  webhooks: readonly ConversionWebhook[] = sandboxConversionWebhooks,
): KubeObject {
  if (object.apiVersion === toApiVersion) return object;
  const { group, version: fromVersion } = splitApiVersion(object.apiVersion);
  const crd = crdOf(store, group, object.kind);
  if (crd === undefined) return { ...object, apiVersion: toApiVersion };
  // converter.go: both versions must be declared by the CRD
  const declared = versionsOf(crd);
  if (!declared.includes(splitApiVersion(toApiVersion).version))
    throw new ConversionFailure(`request to convert CR to an invalid group/version: ${toApiVersion}`);
  if (!declared.includes(fromVersion))
    throw new ConversionFailure(`request to convert CR from an invalid group/version: ${object.apiVersion}`);
  const spec = isMap(crd.spec) ? crd.spec : {};
  const conversion = (isMap(spec.conversion) ? spec.conversion : {}) as CrdConversion;
  if (conversion.strategy !== 'Webhook') return { ...object, apiVersion: toApiVersion };

  const client = conversion.webhook?.clientConfig;
  const service = client?.service;
  if (service === undefined) {
    throw webhookFailure(object.apiVersion, object.kind, `Post "${client?.url ?? ''}": the sandbox serves no such URL`);
  }
  const path = service.path ?? '/';
  const url = `https://${service.name ?? ''}.${service.namespace ?? ''}.svc:${service.port ?? 443}${path}?timeout=30s`;
  if (store.get('v1', 'Service', service.name ?? '', service.namespace) === undefined) {
    throw webhookFailure(object.apiVersion, object.kind, `Post "${url}": service "${service.name ?? ''}" not found`);
  }
  const webhook = webhooks.find(
    (candidate) => candidate.group === group && candidate.kind === object.kind && candidate.path === path,
  );
  if (webhook === undefined) {
    throw webhookFailure(
      object.apiVersion,
      object.kind,
      `Post "${url}": the server could not find the requested resource`,
    );
  }
  try {
    const converted = webhook.convert(structuredClone(object), toApiVersion, crd);
    // the API server keeps the object's metadata (webhook_converter.go restores what a webhook may not change)
    return { ...converted, apiVersion: toApiVersion, kind: object.kind, metadata: structuredClone(object.metadata) };
  } catch (error) {
    if (!(error instanceof CollectorConversionError)) throw error;
    throw webhookFailure(object.apiVersion, object.kind, error.message);
  }
}
