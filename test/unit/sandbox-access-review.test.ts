import { describe, expect, it } from 'vitest';
import { rulesReviewStatus } from '../../src/sandbox/kube/access-review.js';
import { actingUser } from '../../src/sandbox/kube/impersonation.js';
import { forbiddenMessage, RbacAuthorizer, type RequestAttributes } from '../../src/sandbox/kube/rbac.js';
import { KubeApiError } from '../../src/sandbox/kube/status.js';
import { createClusterStore } from '../../src/sandbox/kube/store.js';
import type { KubeObject } from '../../src/sandbox/types.js';

const RBAC = 'rbac.authorization.k8s.io/v1';

function authorizerWith(objects: KubeObject[]): RbacAuthorizer {
  const store = createClusterStore();
  for (const object of objects) store.put(object);
  return new RbacAuthorizer(store);
}

const objects: KubeObject[] = [
  {
    apiVersion: RBAC,
    kind: 'ClusterRole',
    metadata: { name: 'reader' },
    rules: [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ],
  },
  {
    apiVersion: RBAC,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'alice-reader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
    subjects: [{ kind: 'User', name: 'alice' }],
  },
  {
    apiVersion: RBAC,
    kind: 'Role',
    metadata: { name: 'pods', namespace: 'team' },
    rules: [{ apiGroups: [''], resources: ['pods'], resourceNames: ['web-0'], verbs: ['delete'] }],
  },
  {
    apiVersion: RBAC,
    kind: 'RoleBinding',
    metadata: { name: 'alice-pods', namespace: 'team' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pods' },
    subjects: [{ kind: 'User', name: 'alice' }],
  },
];

describe('SelfSubjectRulesReview', () => {
  const alice = { name: 'alice', groups: ['system:authenticated'] };

  it("lists the rules of the user's cluster-wide and namespace bindings, split into resource and non-resource", () => {
    const status = rulesReviewStatus(authorizerWith(objects), { namespace: 'team' }, alice);
    expect(status.incomplete).toBe(false);
    expect(status.resourceRules).toEqual([
      { verbs: ['get', 'list'], apiGroups: ['apps'], resources: ['deployments'] },
      { verbs: ['delete'], apiGroups: [''], resources: ['pods'], resourceNames: ['web-0'] },
      {
        verbs: ['create'],
        apiGroups: ['authorization.k8s.io'],
        resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
      },
    ]);
    expect(status.nonResourceRules).toContainEqual({ verbs: ['get'], nonResourceURLs: ['/metrics'] });
    const elsewhere = rulesReviewStatus(authorizerWith(objects), { namespace: 'other' }, alice);
    expect(JSON.stringify(elsewhere.resourceRules)).not.toContain('web-0');
  });

  it('gives system:masters everything, and refuses a review without a namespace as the API server does', () => {
    const admin = { name: 'admin', groups: ['system:masters', 'system:authenticated'] };
    const status = rulesReviewStatus(authorizerWith([]), { namespace: 'default' }, admin);
    expect((status.resourceRules as unknown[])[0]).toEqual({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] });
    expect((status.nonResourceRules as unknown[])[0]).toEqual({ verbs: ['*'], nonResourceURLs: ['*'] });
    expect(() => rulesReviewStatus(authorizerWith([]), {}, admin)).toThrow('no namespace on request');
  });
});

describe('impersonation', () => {
  const admin = { name: 'admin', groups: ['system:masters'] };
  const authorize = (authorizer: RbacAuthorizer) => (attributes: RequestAttributes) => {
    if (!authorizer.authorize(attributes).allowed)
      throw new KubeApiError(403, 'Forbidden', forbiddenMessage(attributes));
  };

  it('acts as the user, a service account with its groups, or the groups asked for, when RBAC allows it', () => {
    const rbac = authorize(authorizerWith(objects));
    expect(actingUser({}, admin, rbac)).toBe(admin);
    expect(actingUser({ 'impersonate-user': ['bob'] }, admin, rbac)).toEqual({
      name: 'bob',
      groups: ['system:authenticated'],
    });
    expect(actingUser({ 'impersonate-user': ['system:serviceaccount:ns:sa'] }, admin, rbac)).toEqual({
      name: 'system:serviceaccount:ns:sa',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
    });
    expect(actingUser({ 'impersonate-user': ['bob'], 'impersonate-group': ['devs', 'ops'] }, admin, rbac)).toEqual({
      name: 'bob',
      groups: ['devs', 'ops'],
    });
  });

  it('refuses a requester without the impersonate verb, groups without a user, and what it does not emulate', () => {
    const rbac = authorize(authorizerWith(objects));
    const alice = { name: 'alice', groups: ['system:authenticated'] };
    expect(() => actingUser({ 'impersonate-user': ['bob'] }, alice, rbac)).toThrow(
      'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    expect(() => actingUser({ 'impersonate-group': ['devs'] }, admin, rbac)).toThrow(
      'requested [{Group  devs    }] without impersonating a user',
    );
    expect(() => actingUser({ 'impersonate-user': ['bob'], 'impersonate-uid': ['1'] }, admin, rbac)).toThrow(
      /does not emulate impersonating a uid/,
    );
  });
});
