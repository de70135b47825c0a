import { AwsServiceError } from '../../types.js';
import { jsonAuthFailure, type RequiredPermission } from '../protocols/authorization.js';
import type { AwsRequest, AwsResponse } from '../protocols/request.js';
import { restJsonError, restJsonInput, restJsonResponse } from '../protocols/rest-json.js';
import type { AwsService } from '../protocols/service.js';
import { controlPlaneOperation, serveControlPlane, workspaceIdOfPath } from './control-plane.js';
import type { ApsState, LatestSample } from './state.js';
import { decodeRemoteWrite } from './write-request.js';

const REMOTE_WRITE_PATH = /^\/workspaces\/([A-Za-z0-9_-]+)\/api\/v1\/remote_write$/;
const QUERY_PATH = /^\/workspaces\/([A-Za-z0-9_-]+)\/api\/v1\/query$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * Amazon Managed Service for Prometheus (signing name aps), as the sandbox emulates it: the workspace control plane
 * of the amp/2020-08-01 model (control-plane.ts), and the data plane: remote write 1.0 at
 * `POST /workspaces/<id>/api/v1/remote_write` (204; 400 with the reason for a bad body), and an instant query that
 * only takes a bare metric name, `GET /workspaces/<id>/api/v1/query?query=<name>`, answering the newest sample of
 * each of its series in the Prometheus HTTP API shape. Both refuse a workspace that does not exist or is not usable
 * with 404 `{"Message":"Workspace not found"}`, what AMP answers a remote write to an unknown workspace
 * (https://github.com/aws-observability/aws-otel-collector/issues/2155), and store nothing.
 */
export function apsService(state: ApsState): AwsService {
  return {
    signingName: 'aps',
    faultService: 'aps',
    operationOf(request) {
      if (request.method === 'POST' && REMOTE_WRITE_PATH.test(request.path)) return 'RemoteWrite';
      if ((request.method === 'GET' || request.method === 'POST') && QUERY_PATH.test(request.path))
        return 'QueryMetrics';
      return controlPlaneOperation(request);
    },
    serve(request, operation) {
      if (operation === 'RemoteWrite') return remoteWrite(state, request);
      if (operation === 'QueryMetrics') return query(state, request);
      return serveControlPlane(state.workspaces, request, operation);
    },
    renderError(error, request): AwsResponse {
      if (dataPlaneWorkspace(request) !== undefined && error.code === 'ResourceNotFoundException') {
        return {
          status: 404,
          headers: {
            'content-type': 'application/json',
            'x-amzn-requestid': request.requestId,
            'x-amzn-errortype': error.code,
          },
          body: JSON.stringify({ Message: error.message }),
        };
      }
      // the Prometheus query API answers in its own error shape; the rest of the service is restJson1
      if (QUERY_PATH.test(request.path)) {
        return restJsonResponse(
          request,
          { status: 'error', errorType: error.code, error: error.message },
          error.status,
        );
      }
      return restJsonError(error, request);
    },
    faultError(status) {
      if (status === 429) return new AwsServiceError('ThrottlingException', 'Rate exceeded', 429);
      if (status >= 500) return new AwsServiceError('InternalServerException', 'Internal server error', status);
      return new AwsServiceError('ValidationException', `Injected fault ${status}`, status);
    },
    missingAuthentication() {
      return new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    },
    unknownOperation(request) {
      return new AwsServiceError(
        'UnknownOperationException',
        `The sandbox does not emulate ${request.method} ${request.path} of Amazon Managed Service for Prometheus`,
        404,
      );
    },
    permissions: (request, operation) => apsPermissions(state, request, operation),
    authFailure: jsonAuthFailure(403),
  };
}

/**
 * `aps:<Operation>` on the workspace the path names; CreateWorkspace and ListWorkspaces on `*`, CreateWorkspace
 * with tags needing aps:TagResource as well (Service Authorization Reference for Amazon Managed Service for
 * Prometheus, https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmanagedserviceforprometheus.html).
 */
function apsPermissions(state: ApsState, request: AwsRequest, operation: string): RequiredPermission[] {
  const action = `aps:${operation}`;
  const id = dataPlaneWorkspace(request) ?? workspaceIdOfPath(request.path);
  if (id === undefined) {
    const tagged = operation === 'CreateWorkspace' && hasTags(request);
    return tagged
      ? [
          { action, resource: '*' },
          { action: 'aps:TagResource', resource: '*' },
        ]
      : [{ action, resource: '*' }];
  }
  return [{ action, resource: state.workspaces.arnOf(id, request.scope?.region) }];
}

function hasTags(request: AwsRequest): boolean {
  try {
    const tags = (restJsonInput(request) as { tags?: unknown }).tags;
    return typeof tags === 'object' && tags !== null && Object.keys(tags).length > 0;
  } catch {
    return false;
  }
}

function dataPlaneWorkspace(request: AwsRequest): string | undefined {
  return (REMOTE_WRITE_PATH.exec(request.path) ?? QUERY_PATH.exec(request.path))?.[1];
}

/**
 * Remote write and query reach only a usable workspace of the region the request is signed for. The sandbox
 * serves every region at one endpoint, so a request signed for another region is one sent to that region's
 * endpoint, where the workspace does not exist: AMP answers 404 there. (A signature whose region differs from the
 * endpoint's cannot happen against the sandbox; AWS would refuse it at authentication.) Whether AMP accepts writes
 * while a workspace is CREATING is not documented: the sandbox refuses them with the same 404.
 */
function requireWorkspace(state: ApsState, request: AwsRequest, workspaceId: string): void {
  const region = request.scope?.region ?? state.workspaces.region;
  if (region !== state.workspaces.region || !state.workspaces.accepts(workspaceId)) {
    throw new AwsServiceError('ResourceNotFoundException', 'Workspace not found', 404);
  }
}

function remoteWrite(state: ApsState, request: AwsRequest): AwsResponse {
  const workspaceId = REMOTE_WRITE_PATH.exec(request.path)?.[1] ?? '';
  requireWorkspace(state, request, workspaceId);
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'snappy') {
    throw new AwsServiceError('ValidationException', `Content-Encoding must be snappy, not ${encoding}`, 400);
  }
  let series;
  try {
    series = decodeRemoteWrite(request.body);
  } catch (error) {
    throw new AwsServiceError('ValidationException', (error as Error).message, 400);
  }
  state.write(workspaceId, series);
  return { status: 204, headers: { 'x-amzn-requestid': request.requestId }, body: '' };
}

function query(state: ApsState, request: AwsRequest): AwsResponse {
  const workspaceId = QUERY_PATH.exec(request.path)?.[1] ?? '';
  requireWorkspace(state, request, workspaceId);
  const form = request.method === 'POST' ? new URLSearchParams(request.body.toString('utf8')) : request.query;
  const name = (form.get('query') ?? '').trim();
  if (!METRIC_NAME.test(name)) {
    throw new AwsServiceError(
      'bad_data',
      `the sandbox answers only queries that are a bare metric name, not ${JSON.stringify(name)}`,
      400,
    );
  }
  const result = state.latest(workspaceId, name).map((sample: LatestSample) => ({
    metric: sample.labels,
    value: [sample.timestampMs / 1000, formatValue(sample.value)],
  }));
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': request.requestId },
    body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }),
  };
}

/** as Prometheus prints sample values */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
