import { AwsServiceError } from '../../types.js';

/** CloudWatch Logs errors: awsJson1.1 `__type` codes, all HTTP 400 as the service answers them. */
export function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError('InvalidParameterException', message, 400);
}

export function resourceNotFound(message: string): AwsServiceError {
  return new AwsServiceError('ResourceNotFoundException', message, 400);
}

export function resourceAlreadyExists(message: string): AwsServiceError {
  return new AwsServiceError('ResourceAlreadyExistsException', message, 400);
}
