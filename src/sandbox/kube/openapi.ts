import { createHash } from 'node:crypto';
import type { ResourceRegistry, ResourceType } from './registry.js';

/**
 * The OpenAPI v3 documents kubectl reads before writing: it looks for the PATCH operation of a kind (matched by
 * x-kubernetes-group-version-kind) and checks that it takes the fieldValidation parameter, in which case it leaves
 * validation to the server. Strategic merge patch is deliberately absent from the request bodies, so that
 * client-side `kubectl apply` computes its patch from its own built-in types (as it does for servers without
 * OpenAPI v3) rather than from these schema-less documents.
 */

function pathOf(type: ResourceType): string {
  const root = type.group === '' ? '/api/v1' : `/apis/${type.group}/${type.version}`;
  return type.namespaced ? `${root}/namespaces/{namespace}/${type.plural}/{name}` : `${root}/${type.plural}/{name}`;
}

function schemaName(type: ResourceType): string {
  const group = type.group === '' ? 'core' : type.group;
  return `io.k8s.sandbox.${group}.${type.version}.${type.kind}`;
}

function queryParameter(name: string): Record<string, unknown> {
  return { name, in: 'query', schema: { type: 'string', uniqueItems: true } };
}

function groupVersionDocument(types: ResourceType[]): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const type of types) {
    const gvk = { group: type.group, version: type.version, kind: type.kind };
    const reference = { $ref: `#/components/schemas/${schemaName(type)}` };
    const body = { schema: reference };
    paths[pathOf(type)] = {
      patch: {
        operationId: `patch${type.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        parameters: ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map(queryParameter),
        requestBody: {
          content: {
            'application/json-patch+json': body,
            'application/merge-patch+json': body,
            'application/apply-patch+yaml': body,
          },
          required: true,
        },
        responses: { '200': { description: 'OK', content: { 'application/json': body } } },
      },
    };
    schemas[schemaName(type)] = {
      type: 'object',
      'x-kubernetes-group-version-kind': [gvk],
      'x-kubernetes-preserve-unknown-fields': true,
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1' }, paths, components: { schemas } };
}

function documentPath(group: string, version: string): string {
  return group === '' ? 'api/v1' : `apis/${group}/${version}`;
}

function hashOf(document: unknown): string {
  return createHash('sha512').update(JSON.stringify(document)).digest('hex').slice(0, 64).toUpperCase();
}

function documents(registry: ResourceRegistry): Map<string, Record<string, unknown>> {
  const byGroupVersion = new Map<string, ResourceType[]>();
  for (const type of registry.all()) {
    const key = documentPath(type.group, type.version);
    byGroupVersion.set(key, [...(byGroupVersion.get(key) ?? []), type]);
  }
  return new Map([...byGroupVersion].map(([key, types]) => [key, groupVersionDocument(types)]));
}

/** `/openapi/v3`: where each group version's document lives */
export function openApiIndex(registry: ResourceRegistry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [key, document] of documents(registry)) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hashOf(document)}` };
  }
  return { paths };
}

/** `/openapi/v3/api/v1`, `/openapi/v3/apis/<group>/<version>`; undefined when no such group version is served */
export function openApiDocument(registry: ResourceRegistry, relativePath: string): Record<string, unknown> | undefined {
  return documents(registry).get(relativePath);
}
