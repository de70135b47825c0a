import { AwsServiceError, type FaultTarget } from '../../types.js';
import { queryAuthFailure, type RequiredPermission } from './authorization.js';
import type { AwsRequest, AwsResponse } from './request.js';
import type { AwsService } from './service.js';
import { renderXml, type XmlObject } from './xml.js';

/** The form parameters of a query-protocol request, with the protocol's list encodings (`Name.member.N[.Field]`). */
export class QueryParams {
  constructor(private readonly form: URLSearchParams) {}

  static of(request: AwsRequest): QueryParams {
    const form = new URLSearchParams(request.query);
    for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) form.append(key, value);
    return new QueryParams(form);
  }

  get action(): string | undefined {
    return this.form.get('Action') ?? undefined;
  }

  optional(name: string): string | undefined {
    return this.form.get(name) ?? undefined;
  }

  required(name: string): string {
    const value = this.form.get(name);
    if (value === null) {
      throw new AwsServiceError(
        'ValidationError',
        `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
        400,
      );
    }
    return value;
  }

  integer(name: string): number | undefined {
    const value = this.form.get(name);
    if (value === null) return undefined;
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) {
      throw new AwsServiceError(
        'ValidationError',
        `Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must be an integer`,
        400,
      );
    }
    return parsed;
  }

  /** `Name.member.1`, `Name.member.2` … in index order */
  list(name: string): string[] {
    return this.indexes(name).map((index) => this.form.get(`${name}.member.${index}`) ?? '');
  }

  /** `Name.member.1.Field` … as objects of the given fields */
  structList(name: string, fields: readonly string[]): Record<string, string | undefined>[] {
    return this.indexes(name).map((index) =>
      Object.fromEntries(
        fields.map((field) => [field, this.form.get(`${name}.member.${index}.${field}`) ?? undefined]),
      ),
    );
  }

  private indexes(name: string): number[] {
    const pattern = new RegExp(`^${name.replace(/\./g, '\\.')}\\.member\\.(\\d+)(?:\\.|$)`);
    const found = new Set<number>();
    for (const key of this.form.keys()) {
      const match = pattern.exec(key);
      if (match?.[1] !== undefined) found.add(Number(match[1]));
    }
    return [...found].sort((a, b) => a - b);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** An action returns its `<ActionResult>` content, or undefined for actions whose answer has only metadata. */
export type QueryAction = (params: QueryParams, request: AwsRequest) => XmlObject | undefined;

export interface QueryServiceDefinition {
  signingName: string;
  faultService: FaultTarget['service'];
  /** e.g. https://iam.amazonaws.com/doc/2010-05-08/ */
  xmlns: string;
  actions: Record<string, QueryAction>;
  /** the IAM permissions an action needs (Service Authorization Reference) */
  permissions(action: string, params: QueryParams, request: AwsRequest): RequiredPermission[];
}

/** An AWS query-protocol service (IAM, STS): form-encoded POST in, XML out. */
export function queryService(definition: QueryServiceDefinition): AwsService {
  const { signingName, faultService, xmlns, actions, permissions } = definition;
  return {
    signingName,
    faultService,
    operationOf(request) {
      const action = QueryParams.of(request).action;
      return action !== undefined && Object.hasOwn(actions, action) ? action : undefined;
    },
    serve(request, operation) {
      const action = actions[operation];
      if (action === undefined) throw this.unknownOperation(request);
      const result = action(QueryParams.of(request), request);
      const resultXml = result === undefined ? '' : `<${operation}Result>${renderXml(result)}</${operation}Result>`;
      return xmlResponse(
        200,
        request,
        `<${operation}Response xmlns="${xmlns}">${resultXml}` +
          `<ResponseMetadata><RequestId>${request.requestId}</RequestId></ResponseMetadata></${operation}Response>`,
      );
    },
    renderError(error, request) {
      const type = error.status >= 500 ? 'Receiver' : 'Sender';
      return xmlResponse(
        error.status,
        request,
        `<ErrorResponse xmlns="${xmlns}"><Error><Type>${type}</Type>${renderXml({ Code: error.code, Message: error.message })}</Error>` +
          `<RequestId>${request.requestId}</RequestId></ErrorResponse>`,
      );
    },
    faultError: queryFaultError,
    permissions: (request, operation) => permissions(operation, QueryParams.of(request), request),
    authFailure: queryAuthFailure,
    missingAuthentication() {
      return new AwsServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    },
    unknownOperation(request) {
      const action = QueryParams.of(request).action;
      return action === undefined
        ? new AwsServiceError('MissingAction', 'Missing Action', 400)
        : new AwsServiceError(
            'InvalidAction',
            `Could not find operation ${action} for version ${QueryParams.of(request).optional('Version') ?? ''}`,
            400,
          );
    },
  };
}

/**
 * Injected faults in the query protocol's real shapes: throttling is HTTP 400 with code Throttling (what IAM and
 * STS send, and what the CLI's legacy retry rules match), server faults InternalFailure / ServiceUnavailable.
 */
export function queryFaultError(status: number): AwsServiceError {
  if (status === 429) return new AwsServiceError('Throttling', 'Rate exceeded', 400);
  if (status === 503) return new AwsServiceError('ServiceUnavailable', 'Service is unavailable', 503);
  if (status >= 500)
    return new AwsServiceError(
      'InternalFailure',
      'The request processing has failed because of an unknown error, exception or failure.',
      status,
    );
  if (status === 403)
    return new AwsServiceError('AccessDenied', 'User is not authorized to perform this operation', 403);
  return new AwsServiceError('InvalidRequest', `Injected fault ${status}`, status);
}

function xmlResponse(status: number, request: AwsRequest, body: string): AwsResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': request.requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}
