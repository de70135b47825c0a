import type { ClusterStore, KubeObject } from '../types.js';

/** What a request asks to do, in the terms RBAC rules are written in. */
export interface RequestAttributes {
  user: string;
  groups: string[];
  verb: string;
  /** resource requests */
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** non-resource requests (e.g. /metrics) */
  path?: string;
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

const rbacApiVersion = 'rbac.authorization.k8s.io/v1';

/** Group members bypass RBAC, as in Kubernetes (the sandbox's unauthenticated mode runs as such a user). */
export const superuserGroup = 'system:masters';

/**
 * What every authenticated user may do in a fresh Kubernetes cluster through the default bindings of
 * system:discovery, system:public-info-viewer and system:basic-user, which the sandbox does not store as objects.
 */
const defaultRules: PolicyRule[] = [
  {
    verbs: ['get'],
    nonResourceURLs: [
      '/api',
      '/api/*',
      '/apis',
      '/apis/*',
      '/openapi',
      '/openapi/*',
      '/version',
      '/version/',
      '/healthz',
      '/livez',
      '/readyz',
    ],
  },
  {
    verbs: ['create'],
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
  },
];

function subjectMatches(subject: Subject, user: string, groups: string[]): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user;
    case 'Group':
      return subject.name !== undefined && groups.includes(subject.name);
    case 'ServiceAccount':
      return user === `system:serviceaccount:${subject.namespace ?? ''}:${subject.name ?? ''}`;
    default:
      return false;
  }
}

function includesOrStar(list: string[] | undefined, value: string): boolean {
  return list !== undefined && (list.includes('*') || list.includes(value));
}

function resourceMatches(resources: string[] | undefined, resource: string, subresource: string | undefined): boolean {
  if (resources === undefined) return false;
  const combined = subresource === undefined ? resource : `${resource}/${subresource}`;
  return resources.some((candidate) => {
    if (candidate === '*' || candidate === combined) return true;
    if (subresource !== undefined) return candidate === `*/${subresource}` || candidate === `${resource}/*`;
    return false;
  });
}

function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  if (!includesOrStar(rule.verbs, request.verb)) return false;
  if (request.path !== undefined) {
    return (rule.nonResourceURLs ?? []).some(
      (url) =>
        url === '*' || url === request.path || (url.endsWith('*') && (request.path ?? '').startsWith(url.slice(0, -1))),
    );
  }
  if (!includesOrStar(rule.apiGroups, request.apiGroup ?? '')) return false;
  if (!resourceMatches(rule.resources, request.resource ?? '', request.subresource)) return false;
  if (rule.resourceNames !== undefined && rule.resourceNames.length > 0) {
    return request.name !== undefined && rule.resourceNames.includes(request.name);
  }
  return true;
}

function rulesOf(object: KubeObject | undefined): PolicyRule[] {
  return Array.isArray(object?.rules) ? (object.rules as PolicyRule[]) : [];
}

/** RBAC over the Roles, ClusterRoles and their bindings held in the store. */
export class RbacAuthorizer {
  constructor(private readonly store: ClusterStore) {}

  authorize(request: RequestAttributes): Decision {
    if (request.groups.includes(superuserGroup)) return { allowed: true, reason: `member of ${superuserGroup}` };
    if (defaultRules.some((rule) => ruleAllows(rule, request)))
      return { allowed: true, reason: 'allowed by default discovery roles' };

    for (const binding of this.store.list(rbacApiVersion, 'ClusterRoleBinding')) {
      if (!this.boundTo(binding, request)) continue;
      const role = this.referencedRole(binding, undefined);
      if (rulesOf(role).some((rule) => ruleAllows(rule, request))) {
        return {
          allowed: true,
          reason: `RBAC: allowed by ClusterRoleBinding "${binding.metadata.name}" of ClusterRole "${role?.metadata.name ?? ''}" to User "${request.user}"`,
        };
      }
    }
    if (request.namespace !== undefined && request.path === undefined) {
      for (const binding of this.store.list(rbacApiVersion, 'RoleBinding', request.namespace)) {
        if (!this.boundTo(binding, request)) continue;
        const role = this.referencedRole(binding, request.namespace);
        if (rulesOf(role).some((rule) => ruleAllows(rule, request))) {
          const roleRef = binding.roleRef as { kind?: string; name?: string };
          return {
            allowed: true,
            reason: `RBAC: allowed by RoleBinding "${binding.metadata.name}/${request.namespace}" of ${roleRef.kind ?? ''} "${roleRef.name ?? ''}" to User "${request.user}"`,
          };
        }
      }
    }
    return { allowed: false, reason: '' };
  }

  /**
   * Every rule that applies to the user in `namespace`: those of the ClusterRoles bound cluster-wide, then those of
   * the Roles and ClusterRoles bound in the namespace (plugin/pkg/auth/authorizer/rbac RulesFor over the bindings,
   * pkg/registry/rbac/validation/rule.go VisitRulesFor), with the default discovery rules; a member of
   * system:masters gets cluster-admin's rules, through which Kubernetes binds that group.
   */
  rulesFor(user: string, groups: string[], namespace: string): PolicyRule[] {
    const request = { user, groups };
    const rules: PolicyRule[] = [];
    if (groups.includes(superuserGroup)) {
      rules.push({ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] });
    }
    for (const binding of this.store.list(rbacApiVersion, 'ClusterRoleBinding')) {
      if (this.boundTo(binding, request)) rules.push(...rulesOf(this.referencedRole(binding, undefined)));
    }
    for (const binding of this.store.list(rbacApiVersion, 'RoleBinding', namespace)) {
      if (this.boundTo(binding, request)) rules.push(...rulesOf(this.referencedRole(binding, namespace)));
    }
    return [...rules, ...defaultRules];
  }

  private boundTo(binding: KubeObject, request: { user: string; groups: string[] }): boolean {
    const subjects = Array.isArray(binding.subjects) ? (binding.subjects as Subject[]) : [];
    return subjects.some((subject) => subjectMatches(subject, request.user, request.groups));
  }

  private referencedRole(binding: KubeObject, namespace: string | undefined): KubeObject | undefined {
    const roleRef = (binding.roleRef ?? {}) as { kind?: string; name?: string };
    if (roleRef.name === undefined) return undefined;
    if (roleRef.kind === 'ClusterRole') return this.store.get(rbacApiVersion, 'ClusterRole', roleRef.name);
    if (roleRef.kind === 'Role' && namespace !== undefined)
      return this.store.get(rbacApiVersion, 'Role', roleRef.name, namespace);
    return undefined;
  }
}

/** `pods "p" is forbidden: User "x" cannot get resource "pods" in API group "" in the namespace "y"` */
export function forbiddenMessage(request: RequestAttributes): string {
  if (request.path !== undefined)
    return `forbidden: User "${request.user}" cannot ${request.verb} path "${request.path}"`;
  const resource =
    request.subresource === undefined ? (request.resource ?? '') : `${request.resource ?? ''}/${request.subresource}`;
  const group = request.apiGroup ?? '';
  const subject = group === '' ? (request.resource ?? '') : `${request.resource ?? ''}.${group}`;
  const named = request.name === undefined ? subject : `${subject} "${request.name}"`;
  const scope = request.namespace === undefined ? 'at the cluster scope' : `in the namespace "${request.namespace}"`;
  return `${named} is forbidden: User "${request.user}" cannot ${request.verb} resource "${resource}" in API group "${group}" ${scope}`;
}
