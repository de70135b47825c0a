import type { RequiredPermission } from '../protocols/authorization.js';
import type { AwsRequest } from '../protocols/request.js';
import type { LogsState } from './state.js';

/**
 * The resource CloudWatch Logs authorizes each operation on. The Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatchlogs.html) names the
 * log-group and log-stream resource types; the ARN forms are the ones CloudWatch Logs puts in its AccessDenied
 * messages: `…:log-group:NAME:log-stream:STREAM` for PutLogEvents, CreateLogStream and GetLogEvents,
 * `…:log-group:NAME:log-stream:` (empty stream) for CreateLogGroup and FilterLogEvents, and
 * `…:log-group::log-stream:` for DescribeLogGroups. The sandbox uses the empty-stream form for the other
 * group-level operations (DeleteLogGroup, DescribeLogStreams) too.
 */
export function logsPermissions(state: LogsState, request: AwsRequest, operation: string): RequiredPermission[] {
  const input = bodyOf(request);
  const text = (key: string) => (typeof input[key] === 'string' ? input[key] : '');
  const group = text('logGroupName') || groupOfIdentifier(text('logGroupIdentifier'));
  const prefix = `arn:aws:logs:${request.scope?.region ?? state.region}:${state.account}:log-group:`;
  const action = `logs:${operation}`;
  switch (operation) {
    case 'PutLogEvents':
    case 'CreateLogStream':
    case 'GetLogEvents':
      return [{ action, resource: `${prefix}${group}:log-stream:${text('logStreamName')}` }];
    case 'DescribeLogGroups':
      return [{ action, resource: `${prefix}:log-stream:` }];
    default:
      return [{ action, resource: `${prefix}${group}:log-stream:` }];
  }
}

function bodyOf(request: AwsRequest): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(request.body.toString('utf8') || '{}');
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    // the operation itself answers the parse error once the request is authorized
    return {};
  }
}

function groupOfIdentifier(identifier: string): string {
  return /:log-group:([^:]+)(?::\*)?$/.exec(identifier)?.[1] ?? identifier;
}
