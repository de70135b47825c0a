import { AwsServiceError } from '../../types.js';
import { jsonAuthFailure } from '../protocols/authorization.js';
import { paginate } from '../protocols/pagination.js';
import { restJsonInput } from '../protocols/rest-json.js';
import type { AwsRequest, AwsResponse } from '../protocols/request.js';
import type { AwsService } from '../protocols/service.js';
import { invalidParameter } from './errors.js';
import { logsPermissions } from './permissions.js';
import { type InputLogEvent, type LogsState, type StoredLogEvent } from './state.js';

const TARGET_PREFIX = 'Logs_20140328.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
const OPERATIONS = new Set([
  'CreateLogGroup',
  'CreateLogStream',
  'DeleteLogGroup',
  'PutLogEvents',
  'GetLogEvents',
  'FilterLogEvents',
  'DescribeLogGroups',
  'DescribeLogStreams',
]);
const MAX_GET_EVENTS = 10_000;
const MAX_DESCRIBE = 50;

/** CloudWatch Logs over awsJson1.1 (`X-Amz-Target: Logs_20140328.<Operation>`, POST /) on the shared endpoint. */
export function logsService(state: LogsState): AwsService {
  return {
    signingName: 'logs',
    faultService: 'logs',
    operationOf(request) {
      const target = String(request.headers['x-amz-target'] ?? '');
      if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX)) return undefined;
      const operation = target.slice(TARGET_PREFIX.length);
      return OPERATIONS.has(operation) ? operation : undefined;
    },
    serve(request: AwsRequest, operation: string): AwsResponse {
      return jsonResponse(request, serveOperation(state, operation, restJsonInput(request)));
    },
    renderError(error, request) {
      return {
        status: error.status,
        headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': request.requestId },
        body: JSON.stringify({ __type: error.code, message: error.message }),
      };
    },
    faultError(status) {
      // CloudWatch Logs answers throttling with 400 ThrottlingException, not 429
      if (status === 429) return new AwsServiceError('ThrottlingException', 'Rate exceeded', 400);
      if (status >= 500)
        return new AwsServiceError('ServiceUnavailableException', 'The service is unavailable', status);
      return invalidParameter(`Injected fault ${status}`);
    },
    missingAuthentication() {
      return new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 400);
    },
    unknownOperation(request) {
      const target = String(request.headers['x-amz-target'] ?? '(none)');
      return new AwsServiceError('UnknownOperationException', `The sandbox does not emulate ${target}`, 400);
    },
    permissions: (request, operation) => logsPermissions(state, request, operation),
    // CloudWatch Logs answers with HTTP 400, access denied included
    authFailure: jsonAuthFailure(400),
  };
}

function serveOperation(state: LogsState, operation: string, input: Record<string, unknown>): unknown {
  switch (operation) {
    case 'CreateLogGroup':
      state.createLogGroup(requiredString(input, 'logGroupName'));
      return {};
    case 'CreateLogStream':
      state.createLogStream(requiredString(input, 'logGroupName'), requiredString(input, 'logStreamName'));
      return {};
    case 'DeleteLogGroup':
      state.deleteLogGroup(requiredString(input, 'logGroupName'));
      return {};
    case 'PutLogEvents': {
      const rejected = state.putLogEvents(
        requiredString(input, 'logGroupName'),
        requiredString(input, 'logStreamName'),
        logEvents(input.logEvents),
      );
      return rejected === undefined ? {} : { rejectedLogEventsInfo: rejected };
    }
    case 'GetLogEvents':
      return getLogEvents(state, input);
    case 'FilterLogEvents':
      return filterLogEvents(state, input);
    case 'DescribeLogGroups': {
      const page = paginate(
        state.describeLogGroups(optionalString(input, 'logGroupNamePrefix')),
        {
          limit: optionalInteger(input, 'limit'),
          token: optionalString(input, 'nextToken'),
          defaultLimit: MAX_DESCRIBE,
          maxLimit: MAX_DESCRIBE,
        },
        invalidParameter,
      );
      return { logGroups: page.items, ...(page.next === undefined ? {} : { nextToken: page.next }) };
    }
    case 'DescribeLogStreams':
      return describeLogStreams(state, input);
    default:
      throw invalidParameter(`Unknown operation ${operation}`);
  }
}

function getLogEvents(state: LogsState, input: Record<string, unknown>): unknown {
  const events = state.streamEvents(groupNameOf(input), requiredString(input, 'logStreamName'), timeRange(input));
  const limit = optionalInteger(input, 'limit') ?? MAX_GET_EVENTS;
  if (limit < 1 || limit > MAX_GET_EVENTS) throw invalidParameter(`limit must be between 1 and ${MAX_GET_EVENTS}`);
  const token = optionalString(input, 'nextToken');
  let start: number;
  let end: number;
  if (token === undefined) {
    // without a token the service answers the newest events unless startFromHead is true
    if (input.startFromHead === true) [start, end] = [0, Math.min(events.length, limit)];
    else [start, end] = [Math.max(0, events.length - limit), events.length];
  } else {
    const match = /^([fb])\/(\d+)$/.exec(token);
    const position = Number(match?.[2]);
    if (match === null || position > events.length) throw invalidParameter('The specified nextToken is not valid.');
    if (match[1] === 'f') [start, end] = [position, Math.min(events.length, position + limit)];
    else [start, end] = [Math.max(0, position - limit), position];
  }
  return {
    events: events.slice(start, end).map(eventView),
    nextForwardToken: `f/${String(end).padStart(56, '0')}`,
    nextBackwardToken: `b/${String(start).padStart(56, '0')}`,
  };
}

function filterLogEvents(state: LogsState, input: Record<string, unknown>): unknown {
  const streamNames = optionalStringList(input, 'logStreamNames');
  const streamPrefix = optionalString(input, 'logStreamNamePrefix');
  const filterPattern = optionalString(input, 'filterPattern');
  const found = state.filterLogEvents(groupNameOf(input), {
    ...timeRange(input),
    ...(streamNames === undefined ? {} : { streamNames }),
    ...(streamPrefix === undefined ? {} : { streamPrefix }),
    ...(filterPattern === undefined ? {} : { filterPattern }),
  });
  const page = paginate(
    found,
    {
      limit: optionalInteger(input, 'limit'),
      token: optionalString(input, 'nextToken'),
      defaultLimit: MAX_GET_EVENTS,
      maxLimit: MAX_GET_EVENTS,
    },
    invalidParameter,
  );
  return {
    events: page.items.map((event) => ({
      logStreamName: event.logStreamName,
      ...eventView(event),
      eventId: event.eventId,
    })),
    searchedLogStreams: [],
    ...(page.next === undefined ? {} : { nextToken: page.next }),
  };
}

function describeLogStreams(state: LogsState, input: Record<string, unknown>): unknown {
  const orderBy = optionalString(input, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw invalidParameter('orderBy must be LogStreamName or LastEventTime');
  }
  const prefix = optionalString(input, 'logStreamNamePrefix');
  if (prefix !== undefined && orderBy === 'LastEventTime') {
    throw invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const streams = state.describeLogStreams(groupNameOf(input), {
    orderBy,
    descending: input.descending === true,
    ...(prefix === undefined ? {} : { prefix }),
  });
  const page = paginate(
    streams,
    {
      limit: optionalInteger(input, 'limit'),
      token: optionalString(input, 'nextToken'),
      defaultLimit: MAX_DESCRIBE,
      maxLimit: MAX_DESCRIBE,
    },
    invalidParameter,
  );
  return { logStreams: page.items, ...(page.next === undefined ? {} : { nextToken: page.next }) };
}

function eventView(event: StoredLogEvent): { timestamp: number; message: string; ingestionTime: number } {
  return { timestamp: event.timestamp, message: event.message, ingestionTime: event.ingestionTime };
}

/** logGroupName, or logGroupIdentifier (a name or an ARN), as the read operations accept either. */
function groupNameOf(input: Record<string, unknown>): string {
  const name = optionalString(input, 'logGroupName');
  const identifier = optionalString(input, 'logGroupIdentifier');
  if (name !== undefined && identifier !== undefined) {
    throw invalidParameter('logGroupName and logGroupIdentifier cannot be given together');
  }
  if (name !== undefined) return name;
  if (identifier === undefined) throw invalidParameter('logGroupName or logGroupIdentifier is required');
  const fromArn = /:log-group:([^:]+)(?::\*)?$/.exec(identifier);
  return fromArn?.[1] ?? identifier;
}

function timeRange(input: Record<string, unknown>): { startTime?: number; endTime?: number } {
  const startTime = optionalInteger(input, 'startTime');
  const endTime = optionalInteger(input, 'endTime');
  return { ...(startTime === undefined ? {} : { startTime }), ...(endTime === undefined ? {} : { endTime }) };
}

function logEvents(raw: unknown): InputLogEvent[] {
  if (!Array.isArray(raw)) throw invalidParameter('logEvents is required');
  return raw.map((event: unknown, index) => {
    const record = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
    if (typeof record.timestamp !== 'number' || typeof record.message !== 'string') {
      throw invalidParameter(`logEvents.${index + 1} needs timestamp and message`);
    }
    return { timestamp: record.timestamp, message: record.message };
  });
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '') {
    throw invalidParameter(
      `1 validation error detected: Value null at '${key}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidParameter(`${key} must be a string`);
  return value;
}

function optionalInteger(input: Record<string, unknown>, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidParameter(`${key} must be an integer`);
  return value;
}

function optionalStringList(input: Record<string, unknown>, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    throw invalidParameter(`${key} must be a list of strings`);
  return value as string[];
}

function jsonResponse(request: AwsRequest, document: unknown): AwsResponse {
  return {
    status: 200,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': request.requestId },
    body: JSON.stringify(document),
  };
}
