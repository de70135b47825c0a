import { AdotError, failure, interrupted, usageError } from '../../core/errors.js';

export interface AwsCall {
  service: 'eks' | 'iam' | 'sts' | 'aps';
  operation: string;
  /** what the call was about, for messages (a cluster, a role …) */
  resource?: string;
  region?: string;
}

const CREDENTIALS_MISSING = new Set(['CredentialsProviderError']);
const CREDENTIALS_EXPIRED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'TokenRefreshRequired',
]);
const CREDENTIALS_INVALID = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
  'AuthFailure',
  'MissingAuthenticationToken',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'NotAuthorized']);
const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE']);

/** The error's AWS error code (SDK v3 puts it in `name`). */
export function awsErrorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/**
 * Turns an SDK error into an AdotError with a code and a hint the user can act on. Messages carry the service,
 * the operation and AWS's own message, never credentials (the SDK never puts secrets in error messages; we add
 * only the access key's absence or expiry, not its value).
 */
export function mapAwsError(error: unknown, call: AwsCall): AdotError {
  if (error instanceof AdotError) return error;
  const name = awsErrorName(error);
  // the call was cancelled (Ctrl-C aborted its signal): an interruption, not a failure of the call
  if (name === 'AbortError')
    return interrupted(`Interrupted during ${call.service}:${call.operation}`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  const what = `${call.service}:${call.operation}${call.resource === undefined ? '' : ` (${call.resource})`}`;
  const cause = { cause: error };

  if (/region is missing/i.test(message)) {
    return usageError('RegionMissing', 'no AWS region configured', {
      ...cause,
      hint: 'pass --region, set AWS_REGION, or set a region in your AWS profile',
    });
  }
  if (CREDENTIALS_MISSING.has(name) || /could not load credentials/i.test(message)) {
    return failure('AwsCredentialsMissing', `no AWS credentials found for ${what}`, {
      ...cause,
      hint: 'configure credentials (aws configure, or aws sso login for SSO profiles), then check: aws sts get-caller-identity',
    });
  }
  if (CREDENTIALS_EXPIRED.has(name) || /expired/i.test(name)) {
    return failure('AwsCredentialsExpired', `the AWS credentials have expired (${what})`, {
      ...cause,
      hint: 'refresh them (aws sso login, or new session credentials), then check: aws sts get-caller-identity',
    });
  }
  if (CREDENTIALS_INVALID.has(name)) {
    return failure('AwsCredentialsInvalid', `AWS rejected the credentials (${what}): ${message}`, {
      ...cause,
      hint: 'check which identity is in use: aws sts get-caller-identity',
    });
  }
  if (ACCESS_DENIED.has(name)) {
    return failure('AwsAccessDenied', `not allowed to call ${what}: ${message}`, {
      ...cause,
      hint: `grant ${call.service}:${call.operation} to the identity shown by: aws sts get-caller-identity`,
      details: { action: `${call.service}:${call.operation}` },
    });
  }
  if (THROTTLED.has(name)) {
    return failure('AwsThrottled', `AWS kept throttling ${what} after retries`, {
      ...cause,
      hint: 'wait a minute and run the command again',
    });
  }
  const code = (error as { code?: unknown }).code;
  if ((typeof code === 'string' && NETWORK_CODES.has(code)) || name === 'TimeoutError') {
    return failure(
      'AwsUnreachable',
      `cannot reach the AWS ${call.service.toUpperCase()} endpoint (${what}): ${message}`,
      {
        ...cause,
        hint: 'check the network, the region, and AWS_ENDPOINT_URL if you set one',
      },
    );
  }
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return failure('AwsError', `${what} failed: ${name || 'Error'}: ${message}`, {
    ...cause,
    details: { awsError: name, ...(status === undefined ? {} : { httpStatus: status }) },
  });
}

export function clusterNotFound(name: string, region: string | undefined, cause?: unknown): AdotError {
  const where = region === undefined ? '' : ` in ${region}`;
  return failure('ClusterNotFound', `EKS cluster "${name}" not found${where}`, {
    cause,
    hint: `list the clusters with: aws eks list-clusters${region === undefined ? '' : ` --region ${region}`}`,
  });
}
