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

/**
 * SelfSubjectRulesReview status (authorization.k8s.io/v1 SubjectRulesReviewStatus,
 * https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/self-subject-rules-review-v1/): the
 * rules RBAC grants the requesting user in spec.namespace, a ResourceRule for each rule naming resources and a
 * NonResourceRule for each naming non-resource URLs, as pkg/registry/authorization/selfsubjectrulesreview/rest.go
 * builds them. The sandbox evaluates RBAC alone, so the list is complete (incomplete: false).
 */
export function rulesReviewStatus(
  authorizer: RbacAuthorizer,
  spec: unknown,
  user: { name: string; groups: string[] },
): Record<string, unknown> {
  const namespace = (spec as { namespace?: unknown } | undefined)?.namespace;
  // rest.go Create: "no namespace on request"
  if (typeof namespace !== 'string' || namespace === '') throw badRequest('no namespace on request');
  const rules = authorizer.rulesFor(user.name, user.groups, namespace);
  return {
    resourceRules: rules
      .filter((rule) => (rule.resources ?? []).length > 0)
      .map((rule) => ({
        verbs: rule.verbs ?? [],
        ...(rule.apiGroups === undefined ? {} : { apiGroups: rule.apiGroups }),
        resources: rule.resources,
        ...(rule.resourceNames === undefined || rule.resourceNames.length === 0
          ? {}
          : { resourceNames: rule.resourceNames }),
      })),
    nonResourceRules: rules
      .filter((rule) => (rule.nonResourceURLs ?? []).length > 0)
      .map((rule) => ({ verbs: rule.verbs ?? [], nonResourceURLs: rule.nonResourceURLs })),
    incomplete: false,
  };
}
