import { AwsServiceError } from '../../types.js';
import type { AwsRequest, AwsResponse } from '../protocols/request.js';
import { restJsonError, restJsonResponse } from '../protocols/rest-json.js';
import type { AwsService } from '../protocols/service.js';
import type { ApsState, LatestSample } from './state.js';
import { decodeRemoteWrite } from './write-request.js';

const REMOTE_WRITE_PATH = /^\/workspaces\/([A-Za-z0-9_-]+)\/api\/v1\/remote_write$/;
const QUERY_PATH = /^\/workspaces\/([A-Za-z0-9_-]+)\/api\/v1\/query$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * The data plane of Amazon Managed Service for Prometheus (signing name aps), as the sandbox emulates it:
 * remote write 1.0 at `POST /workspaces/<id>/api/v1/remote_write` (204; 400 with the reason for a bad body), and
 * an instant query that only takes a bare metric name, `GET /workspaces/<id>/api/v1/query?query=<name>`, answering
 * the newest sample of each of its series in the Prometheus HTTP API shape.
 */
export function apsService(state: ApsState): AwsService {
  return {
    signingName: 'aps',
    // 'aps' is not (yet) a fault service of the seed schema: seeded faults never name it
    faultService: 'aps',
    operationOf(request) {
      if (request.method === 'POST' && REMOTE_WRITE_PATH.test(request.path)) return 'RemoteWrite';
      if ((request.method === 'GET' || request.method === 'POST') && QUERY_PATH.test(request.path))
        return 'QueryMetrics';
      return undefined;
    },
    serve(request, operation) {
      if (operation === 'RemoteWrite') return remoteWrite(state, request);
      return query(state, request);
    },
    renderError(error, request): AwsResponse {
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
  };
}

function remoteWrite(state: ApsState, request: AwsRequest): AwsResponse {
  const workspaceId = REMOTE_WRITE_PATH.exec(request.path)?.[1] ?? '';
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
