/**
 * Impersonation (`kubectl --as`, `--as-group`): the Impersonate-User and Impersonate-Group headers make a request
 * act as another user once RBAC allows the requester the `impersonate` verb on each (users, serviceaccounts, groups),
 * as the API server's impersonation filter does
 * (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation;
 * k8s.io/apiserver/pkg/endpoints/filters/impersonation.go WithImpersonation, buildImpersonationRequests).
 * Impersonate-Uid and Impersonate-Extra-* are not emulated: a request carrying them is refused rather than answered
 * as if they had been honoured.
 */
import type { RequestAttributes } from './rbac.js';
import type { UserInfo } from './resource-api.js';
import { KubeApiError } from './status.js';

const SERVICE_ACCOUNT_USER = /^system:serviceaccount:([^:]+):([^:]+)$/;
const AUTHENTICATED = 'system:authenticated';
const UNAUTHENTICATED = 'system:unauthenticated';
const ANONYMOUS = 'system:anonymous';

/** Node's headersDistinct: every header's values, lower-cased names */
export type DistinctHeaders = Record<string, string[] | undefined>;

/**
 * The user a request acts as: `requestor` unless it asks to impersonate someone; `authorize` throws the 403 the
 * API server answers when the requester may not impersonate one of them.
 */
export function actingUser(
  headers: DistinctHeaders,
  requestor: UserInfo,
  authorize: (attributes: RequestAttributes) => void,
): UserInfo {
  const requested = headers['impersonate-user']?.[0] ?? '';
  const requestedGroups = headers['impersonate-group'] ?? [];
  const extras = Object.keys(headers).filter(
    (name) => name === 'impersonate-uid' || name.startsWith('impersonate-extra-'),
  );
  if (requested === '' && requestedGroups.length === 0 && extras.length === 0) return requestor;
  if (extras.length > 0) {
    throw new KubeApiError(
      400,
      'BadRequest',
      `the sandbox does not emulate impersonating a uid or user extras (${extras.join(', ')}); use --as and --as-group only`,
    );
  }
  if (requested === '') {
    // buildImpersonationRequests's error, with the Go formatting of its []ObjectReference
    const references = requestedGroups.map((group) => `{Group  ${group}    }`).join(' ');
    throw new KubeApiError(500, 'InternalError', `requested [${references}] without impersonating a user`);
  }
  const acting = { user: requestor.name, groups: requestor.groups, verb: 'impersonate', apiGroup: '' };
  const serviceAccount = SERVICE_ACCOUNT_USER.exec(requested);
  let groups: string[] = [];
  if (serviceAccount !== null) {
    const [, namespace = '', name = ''] = serviceAccount;
    authorize({ ...acting, resource: 'serviceaccounts', namespace, name });
    // serviceaccount.MakeGroupNames
    if (requestedGroups.length === 0) groups = ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];
  } else {
    authorize({ ...acting, resource: 'users', name: requested });
  }
  for (const group of requestedGroups) {
    authorize({ ...acting, resource: 'groups', name: group });
    groups.push(group);
  }
  if (
    requestedGroups.length === 0 &&
    requested !== ANONYMOUS &&
    !groups.includes(AUTHENTICATED) &&
    !groups.includes(UNAUTHENTICATED)
  ) {
    groups.push(AUTHENTICATED);
  }
  return { name: requested, groups };
}
