import { AwsServiceError } from '../../types.js';

/** EKS errors in the shapes of the eks/2017-11-01 model: `message` plus the resource names the service echoes. */
export interface EksErrorContext {
  clusterName?: string;
  addonName?: string;
}

export function resourceNotFound(message: string, context: EksErrorContext = {}): AwsServiceError {
  return new AwsServiceError('ResourceNotFoundException', message, 404, { ...context });
}

export function resourceInUse(message: string, context: EksErrorContext = {}): AwsServiceError {
  return new AwsServiceError('ResourceInUseException', message, 409, { ...context });
}

export function invalidParameter(message: string, context: EksErrorContext = {}): AwsServiceError {
  return new AwsServiceError('InvalidParameterException', message, 400, { ...context });
}

export function invalidRequest(message: string, context: EksErrorContext = {}): AwsServiceError {
  return new AwsServiceError('InvalidRequestException', message, 400, { ...context });
}

export function resourceLimitExceeded(message: string, context: EksErrorContext = {}): AwsServiceError {
  return new AwsServiceError('ResourceLimitExceededException', message, 400, { ...context });
}
