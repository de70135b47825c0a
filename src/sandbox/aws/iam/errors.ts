import { AwsServiceError } from '../../types.js';

/** IAM's error codes and HTTP statuses (iam/2010-05-08 model). */
export const noSuchEntity = (message: string) => new AwsServiceError('NoSuchEntity', message, 404);
export const entityAlreadyExists = (message: string) => new AwsServiceError('EntityAlreadyExists', message, 409);
export const malformedPolicyDocument = (message: string) =>
  new AwsServiceError('MalformedPolicyDocument', message, 400);
export const deleteConflict = (message: string) => new AwsServiceError('DeleteConflict', message, 409);
export const invalidInput = (message: string) => new AwsServiceError('InvalidInput', message, 400);
export const validationError = (message: string) => new AwsServiceError('ValidationError', message, 400);
export const limitExceeded = (message: string) => new AwsServiceError('LimitExceeded', message, 409);
/** IAM's AccessDenied (query protocol): 403 */
export const accessDenied = (message: string) => new AwsServiceError('AccessDenied', message, 403);
