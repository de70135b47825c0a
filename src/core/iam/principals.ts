/**
 * The Principal / NotPrincipal element of resource-based policies (a role's trust policy), per
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html :
 * - `"*"` and `{"AWS": "*"}` are equivalent and name every principal;
 * - `{"AWS": "123456789012"}` and `{"AWS": "arn:aws:iam::123456789012:root"}` name the account (every principal in
 *   it, to whom the account must then grant the permission with an identity-based policy);
 * - a role ARN names the role, so every session of it; an assumed-role ARN names one session; a user ARN one user;
 * - `{"Service": "pods.eks.amazonaws.com"}` a service, `{"Federated": PROVIDER}` an identity provider;
 * - no wildcard may match part of a principal name or ARN.
 * A role's path is not part of its session ARN (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`), so a role ARN
 * principal is matched by account and role name.
 */
import type { PrincipalMatch, RequestPrincipal } from './types.js';

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

interface AwsIdentity {
  account: string;
  /** the ARN the request is made with */
  arn: string;
  /** for a role session, the role's name */
  roleName?: string;
}

function awsIdentity(id: string): AwsIdentity | undefined {
  const session = /^arn:aws[a-z-]*:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(id);
  if (session) return { account: session[1] ?? '', arn: id, roleName: session[2] ?? '' };
  const iam = /^arn:aws[a-z-]*:iam::(\d{12}):(.+)$/.exec(id);
  if (iam) return { account: iam[1] ?? '', arn: id };
  return undefined;
}

function awsEntryMatch(entry: string, identity: AwsIdentity): PrincipalMatch | undefined {
  if (entry === '*') return 'any';
  if (/^\d{12}$/.test(entry)) return entry === identity.account ? 'account' : undefined;
  const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(entry);
  if (root) return root[1] === identity.account ? 'account' : undefined;
  if (entry === identity.arn) return 'named';
  const role = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(entry);
  if (role && identity.roleName !== undefined && role[1] === identity.account && role[2] === identity.roleName)
    return 'named';
  return undefined;
}

export interface PrincipalOutcome {
  match: PrincipalMatch | undefined;
  unsupported: string[];
}

/** How the element admits the principal, or undefined when it does not name it. */
export function principalMatch(element: unknown, principal: RequestPrincipal, where: string): PrincipalOutcome {
  if (element === '*') return { match: 'any', unsupported: [] };
  if (typeof element !== 'object' || element === null || Array.isArray(element)) {
    return { match: undefined, unsupported: [`${where}: Principal must be "*" or an object`] };
  }
  const entries = element as Record<string, unknown>;
  const unsupported: string[] = [];
  // {"AWS": "*"} names every principal, like "*"
  if (asList(entries.AWS).includes('*')) return { match: 'any', unsupported };
  const named = asList(entries[principal.type]).filter((entry): entry is string => typeof entry === 'string');
  if (principal.type !== 'AWS') {
    return { match: named.includes(principal.id) ? 'named' : undefined, unsupported };
  }
  const identity = awsIdentity(principal.id);
  if (identity === undefined) {
    return { match: undefined, unsupported: [`${where}: ${principal.id} is not an AWS principal ARN`] };
  }
  const matches = named.map((entry) => awsEntryMatch(entry, identity)).filter((m) => m !== undefined);
  const best = matches.includes('named') ? 'named' : matches.includes('account') ? 'account' : matches[0];
  return { match: best, unsupported };
}
