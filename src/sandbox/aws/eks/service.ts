import { AwsServiceError } from '../../types.js';
import { jsonAuthFailure } from '../protocols/authorization.js';
import type { AwsRequest, AwsResponse } from '../protocols/request.js';
import { restJsonError, restJsonInput, restJsonResponse } from '../protocols/rest-json.js';
import type { AwsService } from '../protocols/service.js';
import type { EksEmulator } from './emulator.js';
import { invalidParameter } from './errors.js';
import { eksPermissions } from './permissions.js';

interface Route {
  operation: string;
  method: string;
  /** path segments; `{name}` captures one segment */
  pattern: string[];
  serve(eks: EksEmulator, input: RouteInput): unknown;
}

interface RouteInput {
  labels: Record<string, string>;
  query: URLSearchParams;
  body: () => Record<string, unknown>;
}

/** The EKS operations of the eks/2017-11-01 model that adot uses, by HTTP method and path. */
const routes: Route[] = [
  {
    operation: 'ListClusters',
    method: 'GET',
    pattern: ['clusters'],
    serve: (eks, { query }) => eks.listClusters(pageOf(query)),
  },
  {
    operation: 'DescribeCluster',
    method: 'GET',
    pattern: ['clusters', '{name}'],
    serve: (eks, { labels }) => ({ cluster: eks.describeCluster(label(labels, 'name')) }),
  },
  {
    operation: 'DescribeAddonVersions',
    method: 'GET',
    pattern: ['addons', 'supported-versions'],
    serve: (eks, { query }) =>
      eks.describeAddonVersions({
        ...pageOf(query),
        addonName: query.get('addonName') ?? undefined,
        kubernetesVersion: query.get('kubernetesVersion') ?? undefined,
        types: query.getAll('types'),
        owners: query.getAll('owners'),
        publishers: query.getAll('publishers'),
      }),
  },
  {
    operation: 'DescribeAddonConfiguration',
    method: 'GET',
    pattern: ['addons', 'configuration-schemas'],
    serve: (eks, { query }) =>
      eks.describeAddonConfiguration(requiredQuery(query, 'addonName'), requiredQuery(query, 'addonVersion')),
  },
  {
    operation: 'ListAddons',
    method: 'GET',
    pattern: ['clusters', '{name}', 'addons'],
    serve: (eks, { labels, query }) => eks.listAddons(label(labels, 'name'), pageOf(query)),
  },
  {
    operation: 'CreateAddon',
    method: 'POST',
    pattern: ['clusters', '{name}', 'addons'],
    serve: (eks, { labels, body }) => {
      const input = body();
      return {
        addon: eks.createAddon(label(labels, 'name'), {
          addonName: requiredString(input, 'addonName'),
          addonVersion: optionalString(input, 'addonVersion'),
          serviceAccountRoleArn: optionalString(input, 'serviceAccountRoleArn'),
          resolveConflicts: optionalString(input, 'resolveConflicts'),
          configurationValues: optionalString(input, 'configurationValues'),
          tags: optionalTags(input),
        }),
      };
    },
  },
  {
    operation: 'DescribeAddon',
    method: 'GET',
    pattern: ['clusters', '{name}', 'addons', '{addonName}'],
    serve: (eks, { labels }) => ({ addon: eks.describeAddon(label(labels, 'name'), label(labels, 'addonName')) }),
  },
  {
    operation: 'UpdateAddon',
    method: 'POST',
    pattern: ['clusters', '{name}', 'addons', '{addonName}', 'update'],
    serve: (eks, { labels, body }) => {
      const input = body();
      return {
        update: eks.updateAddon(label(labels, 'name'), label(labels, 'addonName'), {
          addonVersion: optionalString(input, 'addonVersion'),
          serviceAccountRoleArn: optionalString(input, 'serviceAccountRoleArn'),
          resolveConflicts: optionalString(input, 'resolveConflicts'),
          configurationValues: optionalString(input, 'configurationValues'),
        }),
      };
    },
  },
  {
    operation: 'DeleteAddon',
    method: 'DELETE',
    pattern: ['clusters', '{name}', 'addons', '{addonName}'],
    serve: (eks, { labels, query }) => ({
      addon: eks.deleteAddon(label(labels, 'name'), label(labels, 'addonName'), query.get('preserve') === 'true'),
    }),
  },
  {
    operation: 'DescribeUpdate',
    method: 'GET',
    pattern: ['clusters', '{name}', 'updates', '{updateId}'],
    serve: (eks, { labels, query }) => ({
      update: eks.describeUpdate(label(labels, 'name'), label(labels, 'updateId'), query.get('addonName') ?? undefined),
    }),
  },
];

/** EKS over restJson1: routes by method and path, errors named by `x-amzn-ErrorType`. */
export function eksService(eks: EksEmulator): AwsService {
  return {
    signingName: 'eks',
    faultService: 'eks',
    operationOf(request) {
      return match(request)?.route.operation;
    },
    serve(request, operation): AwsResponse {
      const found = match(request);
      if (found === undefined || found.route.operation !== operation) throw this.unknownOperation(request);
      const document = found.route.serve(eks, {
        labels: found.labels,
        query: request.query,
        body: () => restJsonInput(request),
      });
      return restJsonResponse(request, document);
    },
    renderError: restJsonError,
    faultError(status) {
      if (status === 429) return new AwsServiceError('ThrottlingException', 'Rate exceeded', 429);
      if (status === 503) return new AwsServiceError('ServiceUnavailableException', 'Service unavailable', 503);
      if (status >= 500) return new AwsServiceError('ServerException', 'An internal error occurred', status);
      if (status === 403)
        return new AwsServiceError('AccessDeniedException', 'User is not authorized to perform this operation', 403);
      return new AwsServiceError('InvalidRequestException', `Injected fault ${status}`, status);
    },
    missingAuthentication() {
      return new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    },
    unknownOperation(request) {
      return new AwsServiceError(
        'UnknownOperationException',
        `No operation matches ${request.method} ${request.path}`,
        404,
      );
    },
    permissions: (request, operation) =>
      eksPermissions(eks, operation, match(request)?.labels ?? {}, request.scope?.region ?? eks.region),
    authFailure: jsonAuthFailure(403),
  };
}

function match(request: AwsRequest): { route: Route; labels: Record<string, string> } | undefined {
  const segments = request.path.split('/').filter((segment) => segment !== '');
  for (const route of routes) {
    if (route.method !== request.method || route.pattern.length !== segments.length) continue;
    const labels: Record<string, string> = {};
    const matches = route.pattern.every((part, index) => {
      const segment = segments[index] ?? '';
      if (part.startsWith('{')) {
        labels[part.slice(1, -1)] = decodeURIComponent(segment);
        return segment !== '';
      }
      return part === segment;
    });
    if (matches) return { route, labels };
  }
  return undefined;
}

function label(labels: Record<string, string>, name: string): string {
  return labels[name] ?? '';
}

function pageOf(query: URLSearchParams): { maxResults?: number; nextToken?: string } {
  const maxResults = query.get('maxResults');
  if (maxResults !== null && !/^\d+$/.test(maxResults)) throw invalidParameter('maxResults must be an integer');
  return {
    maxResults: maxResults === null ? undefined : Number(maxResults),
    nextToken: query.get('nextToken') ?? undefined,
  };
}

function requiredQuery(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw invalidParameter(`${name} is required`);
  return value;
}

function requiredString(input: Record<string, unknown>, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === '') throw invalidParameter(`${name} is required`);
  return value;
}

function optionalString(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${name} must be a string`);
  return value;
}

function optionalTags(input: Record<string, unknown>): Record<string, string> | undefined {
  const tags = input.tags;
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
    throw invalidParameter('tags must be a map of strings');
  }
  return tags as Record<string, string>;
}
