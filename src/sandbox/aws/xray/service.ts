import { AwsServiceError } from '../../types.js';
import { jsonAuthFailure } from '../protocols/authorization.js';
import type { AwsRequest, AwsResponse } from '../protocols/request.js';
import { restJsonError, restJsonInput, restJsonResponse } from '../protocols/rest-json.js';
import type { AwsService } from '../protocols/service.js';
import type { XRaySampling } from './sampling.js';
import type { TraceSummaryQuery, XRayState } from './state.js';

/** Operations of the xray/2016-04-12 model the collector and the docs' checks use: restJson1, all POST. */
const operationsByPath: Record<string, string> = {
  '/TraceSegments': 'PutTraceSegments',
  '/TraceSummaries': 'GetTraceSummaries',
  '/Traces': 'BatchGetTraces',
  '/GetSamplingRules': 'GetSamplingRules',
  '/SamplingTargets': 'GetSamplingTargets',
};
const SUMMARIES_PER_PAGE = 100;
const MAX_TRACE_IDS = 5;
/** GetTraceSummaries refuses time ranges longer than 24 hours, as X-Ray does. */
const MAX_RANGE_SECONDS = 24 * 3600;

function invalid(message: string): AwsServiceError {
  return new AwsServiceError('InvalidRequestException', message, 400);
}

/**
 * X-Ray over restJson1 on the shared sandbox endpoint: PutTraceSegments, GetTraceSummaries, BatchGetTraces, and
 * the sampling calls GetSamplingRules and GetSamplingTargets (sampling.ts).
 */
export function xrayService(state: XRayState, sampling: XRaySampling): AwsService {
  const serveOperation = (operation: string, input: Record<string, unknown>): unknown => {
    switch (operation) {
      case 'PutTraceSegments':
        return { UnprocessedTraceSegments: state.putTraceSegments(input.TraceSegmentDocuments) };
      case 'GetTraceSummaries':
        return traceSummaries(state, input);
      case 'BatchGetTraces':
        return batchGetTraces(state, input);
      case 'GetSamplingRules':
        return sampling.samplingRules();
      case 'GetSamplingTargets':
        return sampling.samplingTargets(input);
      default:
        throw invalid(`Unknown operation ${operation}`);
    }
  };
  return {
    signingName: 'xray',
    faultService: 'xray',
    operationOf(request) {
      return request.method === 'POST' ? operationsByPath[request.path] : undefined;
    },
    serve(request: AwsRequest, operation: string): AwsResponse {
      return restJsonResponse(request, serveOperation(operation, restJsonInput(request)));
    },
    renderError: restJsonError,
    faultError(status) {
      if (status === 429) return new AwsServiceError('ThrottledException', 'Rate exceeded', 429);
      if (status >= 500) return new AwsServiceError('InternalFailure', 'An internal error occurred', status);
      return invalid(`Injected fault ${status}`);
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
    // X-Ray's actions have no resource types: `*` (Service Authorization Reference for AWS X-Ray,
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html)
    permissions: (_request, operation) => [{ action: `xray:${operation}`, resource: '*' }],
    authFailure: jsonAuthFailure(403),
  };
}

function epochSeconds(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Date.parse(value) / 1000;
    if (Number.isFinite(parsed)) return parsed;
  }
  throw invalid(`${name} is required (a timestamp)`);
}

function traceSummaries(state: XRayState, input: Record<string, unknown>): unknown {
  const startTime = epochSeconds(input.StartTime, 'StartTime');
  const endTime = epochSeconds(input.EndTime, 'EndTime');
  if (endTime < startTime) throw invalid('EndTime must not be before StartTime');
  if (endTime - startTime > MAX_RANGE_SECONDS) throw invalid('The time range must not be longer than 24 hours');
  const rangeType = input.TimeRangeType ?? 'TraceId';
  if (rangeType !== 'TraceId' && rangeType !== 'Event' && rangeType !== 'Service') {
    throw invalid('TimeRangeType must be TraceId, Event or Service');
  }
  if (typeof input.FilterExpression === 'string' && input.FilterExpression.trim() !== '') {
    throw invalid('The sandbox does not evaluate filter expressions; omit FilterExpression');
  }
  const query: TraceSummaryQuery = { startTime, endTime, timeRangeType: rangeType };
  const all = state.traceSummaries(query);
  const offset = pageOffset(input.NextToken);
  const page = all.slice(offset, offset + SUMMARIES_PER_PAGE);
  const next = offset + page.length;
  return {
    TraceSummaries: page,
    ApproximateTime: new Date(),
    TracesProcessedCount: page.length,
    ...(next < all.length ? { NextToken: Buffer.from(String(next)).toString('base64') } : {}),
  };
}

function pageOffset(token: unknown): number {
  if (token === undefined || token === null || token === '') return 0;
  const offset = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8')) : NaN;
  if (!Number.isInteger(offset) || offset < 0) throw invalid('NextToken is not valid');
  return offset;
}

function batchGetTraces(state: XRayState, input: Record<string, unknown>): unknown {
  const ids = input.TraceIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
    throw invalid('TraceIds must list at least one trace id');
  }
  if (ids.length > MAX_TRACE_IDS) throw invalid(`TraceIds takes at most ${MAX_TRACE_IDS} ids`);
  const traces = [];
  const unprocessed: string[] = [];
  for (const id of ids as string[]) {
    const trace = state.trace(id);
    if (trace === undefined) unprocessed.push(id);
    else traces.push(trace);
  }
  return { Traces: traces, UnprocessedTraceIds: unprocessed };
}
