import { AwsServiceError } from '../../types.js';
import { jsonAuthFailure } from '../protocols/authorization.js';
import type { AwsRequest, AwsResponse } from '../protocols/request.js';
import { restJsonError, restJsonInput, restJsonResponse } from '../protocols/rest-json.js';
import type { AwsService } from '../protocols/service.js';
import type { EksEmulator } from './emulator.js';
import { podIdentityRoutes } from './pod-identity-routes.js';
import {
  label,
  optionalAddonAssociations,
  optionalString,
  optionalTags,
  pageOf,
  requiredQuery,
  requiredString,
  type Route,
} from './route-input.js';
import { eksPermissions } from './permissions.js';

/** The EKS operations of the eks/2017-11-01 model that adot uses, by HTTP method and path. */
const addonRoutes: Route[] = [
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
          podIdentityAssociations: optionalAddonAssociations(input),
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
          podIdentityAssociations: optionalAddonAssociations(input),
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

const routes: Route[] = [...addonRoutes, ...podIdentityRoutes];

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
