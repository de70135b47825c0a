/**
 * The vocabulary of the IAM policy evaluator: what is asked (an action on a resource, by a principal, in a request
 * context) and what it answers. Pure data; see evaluate.ts for the rules.
 */

/** A value of the request context: single-valued keys hold a string, number or boolean; multivalued keys a list. */
export type ContextValue = string | string[] | boolean | number;

/** Condition keys of the request context; names are matched case-insensitively, as IAM does. */
export type RequestContext = Readonly<Record<string, ContextValue>>;

/**
 * Who makes the request, for resource-based policies (a role's trust policy). `id` is an ARN for AWS principals
 * (`arn:aws:iam::ACCOUNT:user/NAME`, `arn:aws:iam::ACCOUNT:role/NAME`, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`,
 * `arn:aws:iam::ACCOUNT:root`), a service name for services (`pods.eks.amazonaws.com`) and a provider ARN or name
 * for federated principals (`arn:aws:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID`).
 */
export interface RequestPrincipal {
  type: 'AWS' | 'Service' | 'Federated';
  id: string;
}

export interface EvaluationRequest {
  /** `service:Action`, e.g. `xray:PutTraceSegments` */
  action: string;
  /** the resource ARN the action needs, or `*` for actions without resource types */
  resource: string;
  /** set for resource-based policies (trust policies), whose statements name principals; absent for identity policies */
  principal?: RequestPrincipal;
  context?: RequestContext;
}

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

/** How a statement's Principal element admitted the requester (resource-based policies only). */
export type PrincipalMatch = 'any' | 'account' | 'named';

/** One statement of one policy: the policy's name, the statement's position (0-based) and its Sid when it has one. */
export interface StatementRef {
  policy: string;
  statement: number;
  sid?: string;
  /** resource-based policies: whether the statement admitted the requester by `*`, by its account, or by name */
  principal?: PrincipalMatch;
}

export interface Evaluation {
  decision: Decision;
  /** the Allow statements that apply to the request */
  allowedBy: StatementRef[];
  /** the Deny statements that apply to the request (or that could not be evaluated and are assumed to apply) */
  deniedBy: StatementRef[];
  /** parts of the policies the evaluator does not understand; they never grant access (fail closed) */
  unsupported: string[];
}

/** A policy to evaluate: its name (for reports) and its document, parsed or as JSON text. */
export interface PolicySource {
  name: string;
  document: unknown;
}
