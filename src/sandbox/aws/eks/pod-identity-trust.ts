/**
 * Whether a role's trust policy lets EKS Pod Identity use it: an Allow statement for the service principal
 * pods.eks.amazonaws.com with sts:AssumeRole and, unless the association disables session tags, sts:TagSession
 * (https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html). Conditions are not judged here: they test
 * the session tags of each credential request, which exist only when a pod asks.
 */
export const POD_IDENTITY_PRINCIPAL = 'pods.eks.amazonaws.com';

type Json = Record<string, unknown>;

/** undefined when the trust policy admits EKS Pod Identity, else what is missing */
export function podIdentityTrustProblem(document: string, disableSessionTags: boolean): string | undefined {
  let parsed: unknown;
  try {
    // IAM hands policy documents out URL-encoded; the sandbox's IAM keeps them as given
    parsed = JSON.parse(document.trim().startsWith('%') ? decodeURIComponent(document) : document);
  } catch {
    return 'the trust policy is not JSON';
  }
  const statements = toList((parsed as Json | null)?.Statement).filter(
    (statement): statement is Json => typeof statement === 'object' && statement !== null,
  );
  const trusting = statements.filter(
    (statement) => statement.Effect === 'Allow' && servicePrincipals(statement).includes(POD_IDENTITY_PRINCIPAL),
  );
  if (trusting.length === 0) return `no statement allows the service principal ${POD_IDENTITY_PRINCIPAL}`;
  const actions = trusting.flatMap((statement) => toList(statement.Action).map(String));
  const needed = disableSessionTags ? ['sts:AssumeRole'] : ['sts:AssumeRole', 'sts:TagSession'];
  const missing = needed.filter((action) => !actions.some((granted) => actionMatches(granted, action)));
  return missing.length === 0 ? undefined : `${POD_IDENTITY_PRINCIPAL} is not allowed ${missing.join(' and ')}`;
}

function servicePrincipals(statement: Json): string[] {
  const principal = statement.Principal;
  if (principal === '*') return [POD_IDENTITY_PRINCIPAL];
  if (typeof principal !== 'object' || principal === null) return [];
  return toList((principal as Json).Service).map(String);
}

/** IAM action matching: case-insensitive, with * and ? wildcards */
function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

function toList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}
