import type { RbacAuthorizer, RequestAttributes } from './rbac.js';
import { badRequest } from './status.js';

interface ReviewSpec {
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path?: string; verb?: string };
}

/** SelfSubjectAccessReview status for the requesting user: RBAC decides, as for their own requests */
export function accessReviewStatus(
  authorizer: RbacAuthorizer,
  spec: unknown,
  user: { name: string; groups: string[] },
): Record<string, unknown> {
  const review = (spec ?? {}) as ReviewSpec;
  let attributes: RequestAttributes;
  if (review.resourceAttributes !== undefined) {
    const resource = review.resourceAttributes;
    attributes = {
      user: user.name,
      groups: user.groups,
      verb: resource.verb ?? '',
      apiGroup: resource.group ?? '',
      resource: resource.resource ?? '',
      ...(resource.subresource ? { subresource: resource.subresource } : {}),
      ...(resource.namespace ? { namespace: resource.namespace } : {}),
      ...(resource.name ? { name: resource.name } : {}),
    };
  } else if (review.nonResourceAttributes !== undefined) {
    attributes = {
      user: user.name,
      groups: user.groups,
      verb: review.nonResourceAttributes.verb ?? '',
      path: review.nonResourceAttributes.path ?? '',
    };
  } else {
    throw badRequest(
      'SelfSubjectAccessReview: spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  }
  const decision = authorizer.authorize(attributes);
  return decision.allowed ? { allowed: true, reason: decision.reason } : { allowed: false };
}
