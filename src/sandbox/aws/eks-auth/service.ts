import { AwsServiceError } from '../../types.js';
import type { AuthFailure } from '../protocols/authorization.js';
import type { AwsRequest, AwsResponse } from '../protocols/request.js';
import { restJsonError, restJsonInput, restJsonResponse } from '../protocols/rest-json.js';
import type { AwsService } from '../protocols/service.js';
import { assumeRoleForPodIdentity, type EksAuthDependencies } from './assume-role-for-pod-identity.js';

const ROUTE = /^\/clusters\/([^/]+)\/assume-role-for-pod-identity$/;
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/**
 * Amazon EKS Auth (botocore eks-auth/2023-11-26, restJson1, signing name `eks-auth`): AssumeRoleForPodIdentity,
 * `POST /clusters/{clusterName}/assume-role-for-pod-identity {token}`, authorized as `eks-auth:AssumeRoleForPodIdentity`
 * on the cluster (the node role's AmazonEKSWorkerNodePolicy grants it). The model gives AccessDeniedException HTTP 400.
 */
export function eksAuthService(deps: EksAuthDependencies): AwsService {
  return {
    signingName: 'eks-auth',
    faultService: 'eks-auth',
    operationOf(request) {
      return request.method === 'POST' && ROUTE.test(request.path) ? 'AssumeRoleForPodIdentity' : undefined;
    },
    serve(request: AwsRequest): AwsResponse {
      const clusterName = decodeURIComponent(ROUTE.exec(request.path)?.[1] ?? '');
      const token = restJsonInput(request).token;
      if (typeof token !== 'string' || token === '') {
        throw new AwsServiceError('InvalidParameterException', 'token is required', 400); // message not public
      }
      return restJsonResponse(request, assumeRoleForPodIdentity(deps, clusterName, token));
    },
    renderError: restJsonError,
    faultError(status) {
      if (status === 429) return new AwsServiceError('ThrottlingException', 'Rate exceeded', 429);
      if (status === 503) return new AwsServiceError('ServiceUnavailableException', 'Service unavailable', 503);
      if (status >= 500) return new AwsServiceError('InternalServerException', 'An internal error occurred', status);
      return new AwsServiceError('InvalidRequestException', `Injected fault ${status}`, status);
    },
    missingAuthentication() {
      return new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    },
    unknownOperation(request) {
      return new AwsServiceError(
        'UnknownOperationException',
        `No operation matches ${request.method} ${request.path}`,
        404,
      );
    },
    permissions(request) {
      const clusterName = decodeURIComponent(ROUTE.exec(request.path)?.[1] ?? '');
      const region = request.scope?.region ?? deps.eks.region;
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_eks-auth.html: on the cluster
      return [
        {
          action: 'eks-auth:AssumeRoleForPodIdentity',
          resource: `arn:aws:eks:${region}:${deps.eks.account}:cluster/${clusterName}`,
        },
      ];
    },
    authFailure(failure: AuthFailure) {
      if (failure.kind === 'access-denied') return new AwsServiceError('AccessDeniedException', failure.message, 400);
      if (failure.kind === 'expired') {
        return new AwsServiceError(
          'ExpiredTokenException',
          'The security token included in the request is expired',
          400,
        );
      }
      return new AwsServiceError('UnrecognizedClientException', INVALID_TOKEN, 403);
    },
  };
}
