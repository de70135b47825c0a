import type { AwsServiceError, FaultTarget } from '../../types.js';
import type { AuthFailure, RequiredPermission } from './authorization.js';
import type { AwsRequest, AwsResponse } from './request.js';

/**
 * One emulated AWS service behind the shared endpoint. The server finds the service from the request's credential
 * scope, asks it which operation the request names (for the request log and fault injection), then serves it.
 * Errors thrown as AwsServiceError are rendered by the service itself, in its protocol's shape. Before serving,
 * the server authenticates the request's credentials and, for role sessions, authorizes `permissions()` against the
 * role's policies.
 */
export interface AwsService {
  /** the SigV4 signing name: eks, iam, sts … */
  readonly signingName: string;
  /** the name faults and the request log use */
  readonly faultService: FaultTarget['service'];
  /** the operation the request names; undefined when the service has no such operation */
  operationOf(request: AwsRequest): string | undefined;
  serve(request: AwsRequest, operation: string): AwsResponse;
  renderError(error: AwsServiceError, request: AwsRequest): AwsResponse;
  /** the error this protocol answers an injected fault of that HTTP status with (throttling, internal failure …) */
  faultError(status: number): AwsServiceError;
  /** the error for a request without a usable signature */
  missingAuthentication(): AwsServiceError;
  /** the error for a request that names no known operation */
  unknownOperation(request: AwsRequest): AwsServiceError;
  /**
   * The IAM permissions the operation needs, from the AWS Service Authorization Reference; an empty list for
   * operations that need none (sts:GetCallerIdentity) or are authorized by the service itself (sts:AssumeRole*).
   */
  permissions(request: AwsRequest, operation: string): RequiredPermission[];
  /** the error for refused credentials or a denied action, in the protocol's shape */
  authFailure(failure: AuthFailure): AwsServiceError;
}
