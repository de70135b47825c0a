import { paginate } from '../protocols/pagination.js';
import type { AwsRequest, AwsResponse } from '../protocols/request.js';
import { restJsonInput, restJsonResponse } from '../protocols/rest-json.js';
import { trimAlias, validationException, type AmpWorkspaces, type Workspace } from './workspaces.js';

/** The control plane operations of the amp/2020-08-01 model the sandbox emulates, by method and path. */
const WORKSPACES = /^\/workspaces$/;
const WORKSPACE = /^\/workspaces\/([^/]+)$/;
const WORKSPACE_ALIAS = /^\/workspaces\/([^/]+)\/alias$/;

export function controlPlaneOperation(request: AwsRequest): string | undefined {
  const { method, path } = request;
  if (WORKSPACES.test(path))
    return method === 'POST' ? 'CreateWorkspace' : method === 'GET' ? 'ListWorkspaces' : undefined;
  if (WORKSPACE.test(path)) {
    return method === 'GET' ? 'DescribeWorkspace' : method === 'DELETE' ? 'DeleteWorkspace' : undefined;
  }
  if (WORKSPACE_ALIAS.test(path) && method === 'POST') return 'UpdateWorkspaceAlias';
  return undefined;
}

/** the workspace id a control plane path names */
export function workspaceIdOfPath(path: string): string | undefined {
  const raw = (WORKSPACE.exec(path) ?? WORKSPACE_ALIAS.exec(path))?.[1];
  return raw === undefined ? undefined : decodeURIComponent(raw);
}

export function serveControlPlane(workspaces: AmpWorkspaces, request: AwsRequest, operation: string): AwsResponse {
  const id = workspaceIdOfPath(request.path) ?? '';
  switch (operation) {
    case 'CreateWorkspace': {
      const input = restJsonInput(request);
      const created = workspaces.create({
        alias: optionalString(input, 'alias'),
        clientToken: optionalString(input, 'clientToken'),
        tags: tagsOf(input),
      });
      return restJsonResponse(
        request,
        {
          workspaceId: created.workspaceId,
          arn: created.arn,
          status: created.status,
          ...(Object.keys(created.tags).length > 0 ? { tags: created.tags } : {}),
        },
        202,
      );
    }
    case 'DescribeWorkspace':
      return restJsonResponse(request, { workspace: description(workspaces.describe(id)) });
    case 'ListWorkspaces': {
      const alias = request.query.get('alias') ?? undefined;
      if (alias !== undefined) trimAlias(alias);
      const page = paginate(
        workspaces.list(alias),
        {
          limit: maxResults(request.query.get('maxResults')),
          token: request.query.get('nextToken') ?? undefined,
          defaultLimit: 100,
          maxLimit: 1000,
        },
        (message) => validationException('nextToken', message),
      );
      return restJsonResponse(request, {
        workspaces: page.items.map(summary),
        ...(page.next === undefined ? {} : { nextToken: page.next }),
      });
    }
    case 'DeleteWorkspace':
      workspaces.delete(id);
      return { status: 202, headers: { 'x-amzn-requestid': request.requestId }, body: '' };
    default: {
      // UpdateWorkspaceAlias
      const input = restJsonInput(request);
      workspaces.updateAlias(id, optionalString(input, 'alias'));
      return { status: 204, headers: { 'x-amzn-requestid': request.requestId }, body: '' };
    }
  }
}

function summary(workspace: Workspace) {
  return {
    workspaceId: workspace.workspaceId,
    ...(workspace.alias === undefined ? {} : { alias: workspace.alias }),
    arn: workspace.arn,
    status: workspace.status,
    createdAt: workspace.createdAt,
    ...(Object.keys(workspace.tags).length > 0 ? { tags: workspace.tags } : {}),
  };
}

function description(workspace: Workspace) {
  return { ...summary(workspace), prometheusEndpoint: workspace.prometheusEndpoint };
}

function maxResults(text: string | null): number | undefined {
  if (text === null) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw validationException(
      'maxResults',
      `1 validation error detected: Value '${text}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 1000`,
    );
  }
  return value;
}

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationException(key, `${key} must be a string`);
  return value;
}

function tagsOf(input: Record<string, unknown>): Record<string, string> | undefined {
  const tags = input.tags;
  if (tags === undefined || tags === null) return undefined;
  if (
    typeof tags !== 'object' ||
    Array.isArray(tags) ||
    Object.values(tags).some((value) => typeof value !== 'string')
  ) {
    throw validationException('tags', 'tags must be a map of strings');
  }
  return tags as Record<string, string>;
}
