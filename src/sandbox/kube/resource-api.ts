/**
 * The Kubernetes REST verbs (get, list, create, update, patch, delete, deletecollection) over the store, each with
 * the same admission, RBAC, conversion and dry-run steps in the API server's order. Over ~400 lines because the verbs
 * share those steps and the request's state; admission, patching, managed fields, conversion and garbage collection
 * are already in their own files.
 */
import { randomUUID } from 'node:crypto';
import type { ClusterStore, KubeObject } from '../types.js';
import { applyCreateDefaults, establishedStatus, validateCrd, validateIncoming } from './admission.js';
import { parseBody } from './body.js';
import type { EventLog } from './event-log.js';
import { removeWithDependents, type PropagationPolicy } from './gc.js';
import { recordUpdate, serverSideApply, type WriteContext } from './managed-fields.js';
import { applyJsonPatch, applyMergePatch, isMap, strategicMerge } from './patch.js';
import type { RbacAuthorizer } from './rbac.js';
import { ConversionFailure, convertObject } from './conversion.js';
import { apiVersionOf, crdKind, storageApiVersion, type ResourceType } from './registry.js';
import type { ResourceRequest } from './request-info.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { accessReviewStatus, rulesReviewStatus } from './access-review.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  KubeApiError,
  methodNotAllowed,
  notFound,
  qualifiedResource,
  successStatus,
  unsupportedMediaType,
} from './status.js';
import { toTable, wantsTable } from './table.js';

export interface UserInfo {
  name: string;
  groups: string[];
}

export interface ApiRequest {
  info: ResourceRequest;
  type: ResourceType;
  query: URLSearchParams;
  body: Buffer;
  contentType: string;
  accept?: string;
  userAgent?: string;
  user: UserInfo;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export interface ResourceApiDependencies {
  store: ClusterStore;
  log: EventLog;
  authorizer: RbacAuthorizer;
  now(): Date;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

function dryRunOf(query: URLSearchParams, body?: unknown): boolean {
  const values = [
    ...query.getAll('dryRun'),
    ...(isMap(body) && Array.isArray(body.dryRun) ? (body.dryRun as string[]) : []),
  ];
  for (const value of values)
    if (value !== 'All') throw badRequest(`Invalid dry run value: "${value}": supported values: "All"`);
  return values.length > 0;
}

function finalizersOf(object: KubeObject): unknown[] {
  return Array.isArray(object.metadata.finalizers) ? object.metadata.finalizers : [];
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(
    `${b.metadata.namespace ?? ''}/${b.metadata.name}`,
  );
}

/** get, list, create, update, patch, delete and deletecollection of one resource type over the store */
export class ResourceApi {
  constructor(private readonly deps: ResourceApiDependencies) {}

  handle(request: ApiRequest): ApiResponse {
    const { info, type } = request;
    if (info.subresource !== undefined && !(info.subresource === 'status' && type.hasStatus)) {
      throw new KubeApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    if (!type.verbs.includes(info.verb) && info.subresource === undefined) throw methodNotAllowed();
    if (type.kind === 'SelfSubjectAccessReview' || type.kind === 'SelfSubjectRulesReview') {
      return this.accessReview(request);
    }
    switch (info.verb) {
      case 'get': {
        const object = this.existing(request);
        // a single object is printed from a Table too (`kubectl get daemonset NAME`)
        if (!wantsTable(request.accept)) return { status: 200, body: object };
        const resourceVersion = object.metadata.resourceVersion ?? '';
        return { status: 200, body: toTable(request.type, [object], resourceVersion, this.deps.now().getTime()) };
      }
      case 'list':
        return this.list(request);
      case 'create':
        if (info.name !== undefined) throw methodNotAllowed();
        return this.create(request);
      case 'update':
        return this.update(request);
      case 'patch':
        return this.patch(request);
      case 'delete':
        if (info.subresource !== undefined) throw methodNotAllowed();
        return this.delete(request);
      case 'deletecollection':
        return this.deleteCollection(request);
      default:
        throw methodNotAllowed();
    }
  }

  /**
   * A stored object in another version of its group (custom resources are stored in their CRD's storage version and
   * served in the version a request names); a conversion that fails answers as the API server does for a read or a
   * write.
   */
  convert(object: KubeObject, apiVersion: string, purpose: 'read' | 'write' | 'watch'): KubeObject {
    try {
      return convertObject(this.deps.store, object, apiVersion);
    } catch (error) {
      if (error instanceof ConversionFailure) throw error.toApiError(purpose);
      throw error;
    }
  }

  /** the object as served under the request's version */
  served(object: KubeObject, type: ResourceType): KubeObject {
    return this.convert(object, apiVersionOf(type), 'read');
  }

  /** the object as stored: in the storage version */
  private storedForm(object: KubeObject, type: ResourceType): KubeObject {
    return this.convert({ ...object, apiVersion: apiVersionOf(type) }, storageApiVersion(type), 'write');
  }

  /** objects of the request's type, namespace and selectors, sorted as the API server lists them */
  matching(request: Pick<ApiRequest, 'info' | 'type' | 'query'>): KubeObject[] {
    const { info, type, query } = request;
    const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
    const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined, type.kind);
    return this.deps.store
      .list(storageApiVersion(type), type.kind, type.namespaced ? info.namespace : undefined)
      .filter((object) => labels(object) && fields(object))
      .sort(byNamespaceAndName)
      .map((object) => this.served(object, type));
  }

  private find(type: ResourceType, name: string, namespace: string | undefined): KubeObject | undefined {
    const found = this.deps.store.get(
      storageApiVersion(type),
      type.kind,
      name,
      type.namespaced ? namespace : undefined,
    );
    return found === undefined ? undefined : this.served(found, type);
  }

  private existing(request: ApiRequest): KubeObject {
    const { info, type } = request;
    const found = this.find(type, info.name ?? '', info.namespace);
    if (found === undefined) throw notFound(type.plural, type.group, info.name ?? '');
    return found;
  }

  private list(request: ApiRequest): ApiResponse {
    const items = this.matching(request);
    const resourceVersion = String(this.deps.log.resourceVersion);
    if (wantsTable(request.accept))
      return { status: 200, body: toTable(request.type, items, resourceVersion, this.deps.now().getTime()) };
    return {
      status: 200,
      body: {
        kind: `${request.type.kind}List`,
        apiVersion: apiVersionOf(request.type),
        metadata: { resourceVersion },
        items,
      },
    };
  }

  private writeContext(request: ApiRequest, manager: string): WriteContext {
    const { type, info } = request;
    return {
      manager,
      apiVersion: apiVersionOf(type),
      scope: info.subresource === 'status' ? 'status' : type.hasStatus ? 'main' : 'all',
      builtin: type.builtin,
      ...(info.subresource === undefined ? {} : { subresource: info.subresource }),
      now: timestamp(this.deps.now()),
      convert: (object, apiVersion) => this.convert(object, apiVersion, 'write'),
    };
  }

  private fieldManager(request: ApiRequest): string {
    const given = request.query.get('fieldManager');
    if (given !== null && given !== '') {
      if (given.length > 128) throw badRequest('fieldManager: Too long: may not be longer than 128');
      return given;
    }
    const agent = request.userAgent ?? '';
    return agent === '' ? 'unknown' : (agent.split('/')[0] ?? 'unknown');
  }

  private requireNamespace(type: ResourceType, namespace: string | undefined, name: string): void {
    if (!type.namespaced || namespace === undefined) return;
    const found = this.deps.store.get('v1', 'Namespace', namespace);
    if (found === undefined) throw notFound('namespaces', '', namespace);
    if (found.metadata.deletionTimestamp !== undefined) {
      throw new KubeApiError(
        403,
        'Forbidden',
        `${qualifiedResource(type.plural, type.group)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name,
          group: type.group,
          kind: type.plural,
          causes: [
            {
              type: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      );
    }
  }

  /** status and metadata rules of the write, defaults, CRD handling, then store (or just answer, for dry runs) */
  private commit(
    request: ApiRequest,
    previous: KubeObject | undefined,
    next: KubeObject,
    dryRun: boolean,
    managedFieldsDone: boolean,
    manager: string,
  ): KubeObject {
    const { type, info } = request;
    const object = structuredClone(next);
    if (info.subresource === 'status' && previous !== undefined) {
      const status = object.status;
      Object.assign(object, structuredClone(previous), {
        status,
        metadata: { ...previous.metadata, managedFields: object.metadata.managedFields },
      });
      if (status === undefined) delete object.status;
    } else if (type.hasStatus) {
      if (previous?.status === undefined) delete object.status;
      else object.status = structuredClone(previous.status);
    }
    if (previous !== undefined) {
      object.metadata.uid = previous.metadata.uid;
      object.metadata.creationTimestamp = previous.metadata.creationTimestamp;
    } else {
      delete object.metadata.uid;
      delete object.metadata.creationTimestamp;
      applyCreateDefaults(object, this.deps.store);
    }
    if (type.builtin && type.kind === crdKind) {
      validateCrd(object);
      const status = establishedStatus(object, timestamp(this.deps.now()));
      if (status !== undefined) object.status = status;
    }
    if (!managedFieldsDone)
      object.metadata.managedFields = recordUpdate(previous, object, this.writeContext(request, manager));
    delete object.metadata.resourceVersion;
    delete object.metadata.generation;
    if (previous?.metadata.deletionTimestamp !== undefined)
      object.metadata.deletionTimestamp = previous.metadata.deletionTimestamp;
    // what is stored, and answered: the object in the storage version, converted back to the request's version
    const storedForm = this.storedForm(object, type);
    if (dryRun) return this.served(this.preview(previous, storedForm), type);
    const stored = this.deps.store.put(storedForm);
    if (
      stored.metadata.deletionTimestamp !== undefined &&
      finalizersOf(stored).length === 0 &&
      type.kind !== 'Namespace'
    ) {
      removeWithDependents(this.deps.store, stored, 'Background');
    }
    return this.served(stored, type);
  }

  private preview(previous: KubeObject | undefined, object: KubeObject): KubeObject {
    const result = structuredClone(object);
    result.metadata.uid = previous?.metadata.uid ?? randomUUID();
    result.metadata.creationTimestamp = previous?.metadata.creationTimestamp ?? timestamp(this.deps.now());
    result.metadata.generation = previous?.metadata.generation ?? 1;
    if (previous?.metadata.resourceVersion !== undefined)
      result.metadata.resourceVersion = previous.metadata.resourceVersion;
    return result;
  }

  private create(request: ApiRequest): ApiResponse {
    const { type, info } = request;
    const body = parseBody(request.body, request.contentType);
    const dryRun = dryRunOf(request.query);
    const object = validateIncoming(
      body,
      { type, ...(info.namespace === undefined ? {} : { namespace: info.namespace }) },
      true,
    );
    this.requireNamespace(type, object.metadata.namespace, object.metadata.name);
    if (this.find(type, object.metadata.name, object.metadata.namespace) !== undefined) {
      throw alreadyExists(type.plural, type.group, object.metadata.name);
    }
    delete object.metadata.managedFields;
    return { status: 201, body: this.commit(request, undefined, object, dryRun, false, this.fieldManager(request)) };
  }

  private checkResourceVersion(type: ResourceType, previous: KubeObject, next: KubeObject): void {
    const wanted = next.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== previous.metadata.resourceVersion) {
      throw conflict(type.plural, type.group, previous.metadata.name);
    }
  }

  private update(request: ApiRequest): ApiResponse {
    const { type, info } = request;
    const body = parseBody(request.body, request.contentType);
    const dryRun = dryRunOf(request.query);
    const previous = this.existing(request);
    const object = validateIncoming(
      body,
      { type, name: info.name ?? '', ...(info.namespace === undefined ? {} : { namespace: info.namespace }) },
      false,
    );
    this.checkResourceVersion(type, previous, object);
    object.metadata.managedFields = previous.metadata.managedFields;
    return { status: 200, body: this.commit(request, previous, object, dryRun, false, this.fieldManager(request)) };
  }

  private patch(request: ApiRequest): ApiResponse {
    const { type, info, query } = request;
    const contentType = request.contentType.split(';')[0]?.trim() ?? '';
    const dryRun = dryRunOf(query);
    const target = {
      type,
      name: info.name ?? '',
      ...(info.namespace === undefined ? {} : { namespace: info.namespace }),
    };
    if (contentType === 'application/apply-patch+yaml') return this.apply(request, target, dryRun);
    if (query.get('force') !== null)
      throw badRequest('force: Invalid value: true: may not be specified for non-apply patch');
    if (
      ![
        'application/merge-patch+json',
        'application/strategic-merge-patch+json',
        'application/json-patch+json',
      ].includes(contentType)
    ) {
      throw unsupportedMediaType(contentType);
    }
    if (contentType === 'application/strategic-merge-patch+json' && !type.builtin)
      throw unsupportedMediaType(contentType);
    const patch = parseBody(request.body, contentType);
    const previous = this.existing(request);
    const patched =
      contentType === 'application/json-patch+json'
        ? applyJsonPatch(previous, patch)
        : contentType === 'application/merge-patch+json'
          ? applyMergePatch(previous, patch)
          : strategicMerge(previous, patch);
    const object = validateIncoming(patched, target, false);
    this.checkResourceVersion(type, previous, object);
    object.metadata.managedFields = previous.metadata.managedFields;
    return { status: 200, body: this.commit(request, previous, object, dryRun, false, this.fieldManager(request)) };
  }

  private apply(
    request: ApiRequest,
    target: { type: ResourceType; name: string; namespace?: string },
    dryRun: boolean,
  ): ApiResponse {
    const { type, query } = request;
    const manager = query.get('fieldManager');
    if (manager === null || manager === '') {
      throw new KubeApiError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        {
          group: 'meta.k8s.io',
          kind: 'PatchOptions',
          causes: [
            {
              type: 'FieldValueRequired',
              message: 'Required value: is required for apply patch',
              field: 'fieldManager',
            },
          ],
        },
      );
    }
    const config = validateIncoming(parseBody(request.body, request.contentType), target, false);
    const force = query.get('force') === 'true';
    const previous = this.find(type, target.name, target.namespace);
    if (previous === undefined) {
      if (request.info.subresource !== undefined) throw notFound(type.plural, type.group, target.name);
      this.requireNamespace(type, config.metadata.namespace, config.metadata.name);
    } else {
      this.checkResourceVersion(type, previous, config);
    }
    const merged = serverSideApply(previous, config, this.writeContext(request, manager), force);
    delete merged.metadata.resourceVersion;
    return {
      status: previous === undefined ? 201 : 200,
      body: this.commit(request, previous, merged, dryRun, true, manager),
    };
  }

  private deleteOptions(request: ApiRequest): {
    policy: PropagationPolicy;
    dryRun: boolean;
    preconditions: { uid?: string; resourceVersion?: string };
  } {
    const body = request.body.toString('utf8').trim() === '' ? {} : parseBody(request.body, 'application/json');
    const options = isMap(body) ? body : {};
    const policyValue =
      options.propagationPolicy ??
      request.query.get('propagationPolicy') ??
      (options.orphanDependents === true ? 'Orphan' : 'Background');
    if (policyValue !== 'Background' && policyValue !== 'Foreground' && policyValue !== 'Orphan') {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${String(policyValue)}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    const preconditions = isMap(options.preconditions)
      ? (options.preconditions as { uid?: string; resourceVersion?: string })
      : {};
    return { policy: policyValue, dryRun: dryRunOf(request.query, options), preconditions };
  }

  private delete(request: ApiRequest): ApiResponse {
    const { type } = request;
    const options = this.deleteOptions(request);
    const previous = this.existing(request);
    const { uid, resourceVersion } = options.preconditions;
    if (
      (uid !== undefined && uid !== previous.metadata.uid) ||
      (resourceVersion !== undefined && resourceVersion !== previous.metadata.resourceVersion)
    ) {
      throw new KubeApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedResource(type.plural, type.group)} "${previous.metadata.name}": Precondition failed: UID in precondition: ${uid ?? ''}, UID in object meta: ${previous.metadata.uid ?? ''}`,
      );
    }
    const result = this.remove(type, previous, options.policy, options.dryRun);
    if (result !== undefined) return { status: 200, body: result };
    return {
      status: 200,
      body: successStatus({
        name: previous.metadata.name,
        group: type.group,
        kind: type.plural,
        uid: previous.metadata.uid ?? '',
      }),
    };
  }

  /**
   * Namespaces and objects with finalizers are only marked (deletionTimestamp; a namespace also turns Terminating)
   * and returned; the namespace controller or whoever owns the finalizers finishes the job. Anything else is
   * removed at once, with its dependents, and undefined returned.
   */
  private remove(
    type: ResourceType,
    object: KubeObject,
    policy: PropagationPolicy,
    dryRun: boolean,
  ): KubeObject | undefined {
    const isNamespace = type.builtin && type.kind === 'Namespace';
    if (isNamespace || finalizersOf(object).length > 0) {
      const marked: KubeObject = {
        ...object,
        metadata: {
          ...object.metadata,
          deletionTimestamp: object.metadata.deletionTimestamp ?? timestamp(this.deps.now()),
        },
        ...(isNamespace ? { status: { ...(isMap(object.status) ? object.status : {}), phase: 'Terminating' } } : {}),
      };
      if (dryRun) return marked;
      return this.served(this.deps.store.put(this.storedForm(marked, type)), type);
    }
    if (!dryRun) removeWithDependents(this.deps.store, object, policy);
    return undefined;
  }

  private deleteCollection(request: ApiRequest): ApiResponse {
    const { type } = request;
    const options = this.deleteOptions(request);
    const items = this.matching(request);
    for (const item of items) this.remove(type, item, options.policy, options.dryRun);
    return {
      status: 200,
      body: {
        kind: `${type.kind}List`,
        apiVersion: apiVersionOf(type),
        metadata: { resourceVersion: String(this.deps.log.resourceVersion) },
        items,
      },
    };
  }

  private accessReview(request: ApiRequest): ApiResponse {
    if (request.info.verb !== 'create') throw methodNotAllowed();
    const body = parseBody(request.body, request.contentType);
    const review = (isMap(body) ? body : {}) as { apiVersion?: unknown; kind?: unknown; spec?: unknown };
    const expected = apiVersionOf(request.type);
    if (
      (review.apiVersion !== undefined && review.apiVersion !== expected) ||
      (review.kind !== undefined && review.kind !== request.type.kind)
    ) {
      throw badRequest(`the object is not a ${request.type.kind} of ${expected}`);
    }
    const status =
      request.type.kind === 'SelfSubjectRulesReview'
        ? rulesReviewStatus(this.deps.authorizer, review.spec, request.user)
        : accessReviewStatus(this.deps.authorizer, review.spec, request.user);
    return {
      status: 201,
      body: {
        kind: request.type.kind,
        apiVersion: expected,
        metadata: { creationTimestamp: null },
        spec: review.spec ?? {},
        status,
      },
    };
  }
}
