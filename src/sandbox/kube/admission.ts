import { randomBytes } from 'node:crypto';
import type { ClusterStore, KubeObject } from '../types.js';
import { apiVersionOf, crdKind, type ResourceType } from './registry.js';
import { isMap } from './patch.js';
import { invalid } from './status.js';

/** Validation and defaulting an object goes through before it is stored, as the real API server's strategies do. */

const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const pathSegmentKinds = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);

function nameProblem(kind: string, name: string): string | undefined {
  if (pathSegmentKinds.has(kind)) {
    return name === '.' || name === '..' || /[/%]/.test(name)
      ? `may not contain '/' or '%' or be '.' or '..'`
      : undefined;
  }
  if (kind === 'Namespace' || kind === 'Service') {
    return name.length <= 63 && dnsLabel.test(name)
      ? undefined
      : `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`;
  }
  return name.length <= 253 && dnsSubdomain.test(name)
    ? undefined
    : `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`;
}

export interface Target {
  type: ResourceType;
  namespace?: string;
  name?: string;
}

/**
 * Checks an incoming object against the URL it was sent to (apiVersion, kind, namespace, name) and fills in what
 * the URL implies; names a generateName object. Throws 422 Invalid.
 */
export function validateIncoming(object: unknown, target: Target, creating: boolean): KubeObject {
  const { type } = target;
  const expectedApiVersion = apiVersionOf(type);
  if (!isMap(object))
    throw invalid(type.kind, type.group, target.name ?? '', [
      { field: '<root>', message: 'Invalid value: the body must be an object', type: 'FieldValueInvalid' },
    ]);
  const candidate = object as Partial<KubeObject>;
  const metadata = isMap(candidate.metadata)
    ? { ...(candidate.metadata as KubeObject['metadata']) }
    : ({} as KubeObject['metadata']);
  const name = typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : undefined;
  const shownName = name ?? target.name ?? '';
  const fail = (field: string, message: string, causeType = 'FieldValueInvalid'): never => {
    throw invalid(type.kind, type.group, shownName, [{ field, message, type: causeType }]);
  };
  if (candidate.apiVersion !== undefined && candidate.apiVersion !== expectedApiVersion) {
    fail('apiVersion', `Invalid value: "${String(candidate.apiVersion)}": must be ${expectedApiVersion}`);
  }
  if (candidate.kind !== undefined && candidate.kind !== type.kind)
    fail('kind', `Invalid value: "${String(candidate.kind)}": must be ${type.kind}`);
  if (name === undefined) {
    const generateName = typeof metadata.generateName === 'string' ? metadata.generateName : '';
    if (!creating || generateName === '')
      fail('metadata.name', 'Required value: name or generateName is required', 'FieldValueRequired');
    metadata.name = `${generateName}${randomBytes(4).toString('hex').slice(0, 5)}`;
  } else if (target.name !== undefined && name !== target.name) {
    fail('metadata.name', `Invalid value: "${name}": field is immutable (the name in the URL is "${target.name}")`);
  }
  const problem = nameProblem(type.kind, metadata.name);
  if (problem !== undefined) fail('metadata.name', `Invalid value: "${metadata.name}": ${problem}`);
  if (type.namespaced) {
    const namespace =
      typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : target.namespace;
    if (target.namespace !== undefined && namespace !== target.namespace) {
      fail(
        'metadata.namespace',
        `Invalid value: "${String(namespace)}": the namespace of the object does not match the namespace on the request ("${target.namespace}")`,
      );
    }
    if (namespace === undefined) fail('metadata.namespace', 'Required value', 'FieldValueRequired');
    metadata.namespace = namespace;
  } else {
    delete metadata.namespace;
  }
  return { ...candidate, apiVersion: expectedApiVersion, kind: type.kind, metadata } as KubeObject;
}

function nextClusterIp(store: ClusterStore): string {
  const used = new Set(
    store.list('v1', 'Service').map((service) => (service.spec as { clusterIP?: string } | undefined)?.clusterIP),
  );
  for (let index = 10; index < 65_000; index += 1) {
    const candidate = `10.100.${Math.floor(index / 250)}.${(index % 250) + 1}`;
    if (!used.has(candidate)) return candidate;
  }
  return '10.100.255.254';
}

/** defaults the real API server fills in on create for the kinds where clients rely on them */
export function applyCreateDefaults(object: KubeObject, store: ClusterStore): void {
  switch (object.kind) {
    case 'Namespace':
      object.metadata.labels = {
        ...(object.metadata.labels ?? {}),
        'kubernetes.io/metadata.name': object.metadata.name,
      };
      object.spec = { finalizers: ['kubernetes'], ...(isMap(object.spec) ? object.spec : {}) };
      object.status = { phase: 'Active' };
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet': {
      const spec = isMap(object.spec) ? object.spec : {};
      object.spec = { replicas: 1, ...spec };
      break;
    }
    case 'Service': {
      const spec = isMap(object.spec) ? { ...object.spec } : {};
      spec.type ??= 'ClusterIP';
      if (spec.type !== 'ExternalName' && spec.clusterIP === undefined) spec.clusterIP = nextClusterIp(store);
      if (typeof spec.clusterIP === 'string' && spec.clusterIPs === undefined) spec.clusterIPs = [spec.clusterIP];
      if (Array.isArray(spec.ports)) {
        spec.ports = spec.ports.map((port: unknown) =>
          isMap(port) ? { protocol: 'TCP', targetPort: port.port, ...port } : port,
        );
      }
      object.spec = spec;
      break;
    }
    case 'Pod':
      object.status = { phase: 'Pending', ...(isMap(object.status) ? object.status : {}) };
      break;
    default:
      break;
  }
}

interface CrdNames {
  plural?: string;
  singular?: string;
  kind?: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

/** 422 unless the CRD's name is <plural>.<group> and it declares at least one version */
export function validateCrd(crd: KubeObject): void {
  const spec = (isMap(crd.spec) ? crd.spec : {}) as {
    group?: string;
    names?: CrdNames;
    versions?: unknown[];
    scope?: string;
  };
  const causes: { field: string; message: string }[] = [];
  if (typeof spec.group !== 'string' || spec.group === '')
    causes.push({ field: 'spec.group', message: 'Required value' });
  if (spec.names?.plural === undefined) causes.push({ field: 'spec.names.plural', message: 'Required value' });
  if (spec.names?.kind === undefined) causes.push({ field: 'spec.names.kind', message: 'Required value' });
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster')
    causes.push({
      field: 'spec.scope',
      message: `Unsupported value: "${String(spec.scope)}": supported values: "Cluster", "Namespaced"`,
    });
  if (!Array.isArray(spec.versions) || spec.versions.length === 0)
    causes.push({
      field: 'spec.versions',
      message: 'Invalid value: must have exactly one version marked as storage version',
    });
  if (
    spec.names?.plural !== undefined &&
    spec.group !== undefined &&
    crd.metadata.name !== `${spec.names.plural}.${spec.group}`
  ) {
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: "${crd.metadata.name}": must be spec.names.plural+"."+spec.group`,
    });
  }
  if (causes.length > 0) throw invalid(crdKind, 'apiextensions.k8s.io', crd.metadata.name, causes);
}

function hasEstablished(crd: KubeObject): boolean {
  const conditions = (isMap(crd.status) ? crd.status.conditions : undefined) as
    { type?: string; status?: string }[] | undefined;
  return (
    Array.isArray(conditions) &&
    conditions.some((condition) => condition.type === 'Established' && condition.status === 'True')
  );
}

/** the status the apiextensions controller gives a CRD whose names are accepted; undefined when it already has it */
export function establishedStatus(crd: KubeObject, now: string): Record<string, unknown> | undefined {
  if (hasEstablished(crd)) return undefined;
  const spec = (isMap(crd.spec) ? crd.spec : {}) as {
    names?: CrdNames;
    versions?: { name?: string; storage?: boolean }[];
  };
  const names = spec.names ?? {};
  const condition = (type: string, reason: string, message: string): Record<string, unknown> => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    ...(isMap(crd.status) ? crd.status : {}),
    acceptedNames: {
      plural: names.plural,
      singular: names.singular ?? names.kind?.toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind ?? ''}List`,
      ...(names.shortNames === undefined ? {} : { shortNames: names.shortNames }),
      ...(names.categories === undefined ? {} : { categories: names.categories }),
    },
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    storedVersions: (spec.versions ?? []).filter((version) => version.storage === true).map((version) => version.name),
  };
}
