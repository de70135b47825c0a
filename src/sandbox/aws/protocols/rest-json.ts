import { AwsServiceError } from '../../types.js';
import type { AwsRequest, AwsResponse } from './request.js';

/**
 * restJson1 bodies: timestamps go out as epoch seconds (the protocol's default format). A replacer sees a Date
 * only through `this[key]`, because JSON.stringify has already called Date.toJSON on `value`.
 */
export function restJsonBody(document: unknown): string {
  return JSON.stringify(document, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Date ? raw.getTime() / 1000 : value;
  });
}

export function restJsonResponse(request: AwsRequest, document: unknown, status = 200): AwsResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': request.requestId },
    body: restJsonBody(document),
  };
}

/** `x-amzn-ErrorType` names the error; the body carries `message` plus the members the error shape models. */
export function restJsonError(error: AwsServiceError, request: AwsRequest): AwsResponse {
  return {
    status: error.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': request.requestId,
      'x-amzn-errortype': error.code,
    },
    body: restJsonBody({ ...error.extra, message: error.message }),
  };
}

/** The body of a restJson1 request as an object; an empty body is an empty object. */
export function restJsonInput(request: AwsRequest): Record<string, unknown> {
  const text = request.body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsServiceError('SerializationException', 'Could not parse the request body as JSON', 400);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 'The request body must be a JSON object', 400);
  }
  return parsed as Record<string, unknown>;
}
