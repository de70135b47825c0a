import { AwsServiceError } from '../../types.js';

/** One IAM permission a request needs: an action on a resource ARN (`*` for actions without resource types). */
export interface RequiredPermission {
  action: string;
  resource: string;
}

/** Why the server refuses a request before serving it. */
export type AuthFailure =
  | { kind: 'access-denied'; message: string }
  /** an access key the sandbox never issued, or a session token that does not go with it */
  | { kind: 'unrecognized' }
  | { kind: 'expired' };

const INVALID_TOKEN = 'The security token included in the request is invalid.';
const EXPIRED_TOKEN = 'The security token included in the request is expired';

/**
 * JSON protocols (restJson1, awsJson1.1): AccessDeniedException, UnrecognizedClientException and
 * ExpiredTokenException, each service with its own HTTP status (CloudWatch Logs answers its errors with 400, the
 * restJson1 services with 403).
 */
export function jsonAuthFailure(status: number): (failure: AuthFailure) => AwsServiceError {
  return (failure) => {
    if (failure.kind === 'access-denied') return new AwsServiceError('AccessDeniedException', failure.message, status);
    if (failure.kind === 'expired') return new AwsServiceError('ExpiredTokenException', EXPIRED_TOKEN, status);
    return new AwsServiceError('UnrecognizedClientException', INVALID_TOKEN, status);
  };
}

/** Query protocol (IAM, STS): AccessDenied, InvalidClientTokenId and ExpiredToken, all HTTP 403. */
export function queryAuthFailure(failure: AuthFailure): AwsServiceError {
  if (failure.kind === 'access-denied') return new AwsServiceError('AccessDenied', failure.message, 403);
  if (failure.kind === 'expired') return new AwsServiceError('ExpiredToken', EXPIRED_TOKEN, 403);
  return new AwsServiceError('InvalidClientTokenId', INVALID_TOKEN, 403);
}
