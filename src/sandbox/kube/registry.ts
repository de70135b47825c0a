import type { ClusterStore, KubeObject } from '../types.js';
import { builtinResources } from './builtin-resources.js';

/** One servable kind: how it is named in URLs and discovery, and what can be done with it. */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories: string[];
  /** has a /status subresource */
  hasStatus: boolean;
  /** false for kinds served because a CRD defines them */
  builtin: boolean;
  /** the version objects of this kind are stored under (a CRD's storage version; the served version for built-ins) */
  storageVersion: string;
  /** for custom resources: the CRD's printer columns of this version */
  printerColumns?: PrinterColumn[];
  /** for custom resources: the version is marked deprecated; requests get this warning (a Warning header) */
  deprecationWarning?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

export const crdApiVersion = 'apiextensions.k8s.io/v1';
export const crdKind = 'CustomResourceDefinition';

/** the apiVersion objects of this type are kept under in the store */
export function storageApiVersion(type: ResourceType): string {
  return apiVersionOf({ group: type.group, version: type.storageVersion });
}

export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: { kind?: string; plural?: string; singular?: string; shortNames?: string[]; categories?: string[] };
  versions?: {
    name?: string;
    served?: boolean;
    storage?: boolean;
    subresources?: { status?: unknown };
    additionalPrinterColumns?: PrinterColumn[];
    deprecated?: boolean;
    deprecationWarning?: string;
  }[];
}

/** The kinds a CRD makes servable: one per served version. */
export function resourcesOfCrd(crd: KubeObject): ResourceType[] {
  const spec = (crd.spec ?? {}) as CrdSpec;
  const names = spec.names ?? {};
  if (spec.group === undefined || names.kind === undefined || names.plural === undefined) return [];
  const types: ResourceType[] = [];
  const versions = spec.versions ?? [];
  const storageVersion = (versions.find((version) => version.storage === true) ?? versions[0])?.name ?? '';
  for (const version of spec.versions ?? []) {
    if (version.name === undefined || version.served === false) continue;
    types.push({
      group: spec.group,
      version: version.name,
      kind: names.kind,
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: names.shortNames ?? [],
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      categories: names.categories ?? [],
      hasStatus: version.subresources?.status !== undefined,
      builtin: false,
      storageVersion,
      printerColumns: version.additionalPrinterColumns ?? [],
      ...(version.deprecated === true
        ? {
            // https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#version-deprecation
            deprecationWarning:
              version.deprecationWarning ?? `${spec.group}/${version.name} ${names.kind} is deprecated`,
          }
        : {}),
    });
  }
  return types;
}

const kubeVersionPattern = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

/**
 * Kubernetes' version priority (k8s.io/apimachinery/pkg/version CompareKubeAwareVersionStrings): GA before beta
 * before alpha, then the higher major, then the higher minor; versions not shaped like v1beta2 come last, in
 * lexicographic order. Negative when `a` has the higher priority, so that sort() puts the preferred first.
 * https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definition-versioning/#version-priority
 */
export function byVersionPriority(a: string, b: string): number {
  const rank = (version: string): number[] | undefined => {
    const match = kubeVersionPattern.exec(version);
    if (match === null) return undefined;
    const stability = match[2] === undefined ? 2 : match[2] === 'beta' ? 1 : 0;
    return [stability, Number(match[1]), Number(match[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  if (ra === undefined || rb === undefined) {
    if (ra === undefined && rb === undefined) return a < b ? -1 : a > b ? 1 : 0;
    return ra === undefined ? 1 : -1;
  }
  for (let index = 0; index < 3; index += 1) {
    const difference = (rb[index] ?? 0) - (ra[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Built-in kinds plus those of every CRD currently in the store (read on each call, so a new CRD serves at once). */
export class ResourceRegistry {
  constructor(private readonly store: ClusterStore) {}

  all(): ResourceType[] {
    const custom = this.store.list(crdApiVersion, crdKind).flatMap(resourcesOfCrd);
    return [...builtinResources, ...custom];
  }

  byResource(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find((type) => type.group === group && type.version === version && type.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.all().find((type) => type.group === group && type.version === version && type.kind === kind);
  }

  /** group -> versions by priority (first = preferred, as discovery orders a CRD's versions) */
  groups(): Map<string, string[]> {
    const groups = new Map<string, string[]>();
    for (const type of this.all()) {
      const versions = groups.get(type.group) ?? [];
      if (!versions.includes(type.version)) versions.push(type.version);
      groups.set(type.group, versions);
    }
    for (const versions of groups.values()) versions.sort(byVersionPriority);
    return groups;
  }
}
