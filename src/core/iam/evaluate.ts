/**
 * IAM policy evaluation for one account, as the IAM User Guide describes it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html): a request is
 * implicitly denied unless an Allow statement applies; an applicable Deny statement overrides every Allow.
 *
 * A statement applies when its Action (or NotAction), Resource (or NotResource; a trust policy has neither),
 * Principal (or NotPrincipal; resource-based policies only) and Condition all match the request. What the evaluator
 * does not understand never grants access: an Allow statement it cannot decide does not apply, a Deny statement it
 * cannot decide is assumed to apply, and both are reported in `unsupported`.
 */
import { evaluateCondition, type Truth } from './conditions.js';
import { actionMatches, resolveVariables, resourceMatches, type VariableScope } from './patterns.js';
import { principalMatch } from './principals.js';
import type {
  ContextValue,
  Evaluation,
  EvaluationRequest,
  PolicySource,
  PrincipalMatch,
  RequestContext,
  StatementRef,
} from './types.js';

type Statement = Record<string, unknown>;

interface ParsedPolicy {
  name: string;
  statements: Statement[];
  /** Version 2012-10-17 enables policy variables; older documents (or none) treat `${…}` literally */
  variables: boolean;
  unsupported: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parsePolicy(source: PolicySource): ParsedPolicy {
  let document = source.document;
  if (typeof document === 'string') {
    try {
      document = JSON.parse(document) as unknown;
    } catch {
      return { name: source.name, statements: [], variables: false, unsupported: [`${source.name}: not JSON`] };
    }
  }
  if (!isObject(document)) {
    return { name: source.name, statements: [], variables: false, unsupported: [`${source.name}: not a JSON object`] };
  }
  const raw = document.Statement;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const unsupported = raw === undefined ? [`${source.name}: no Statement`] : [];
  return {
    name: source.name,
    statements: list.map((statement) => (isObject(statement) ? statement : {})),
    variables: document.Version === '2012-10-17',
    unsupported,
  };
}

function contextLookup(context: RequestContext | undefined): (key: string) => ContextValue | undefined {
  const byName = new Map<string, ContextValue>();
  for (const [key, value] of Object.entries(context ?? {})) byName.set(key.toLowerCase(), value);
  return (key) => byName.get(key.toLowerCase());
}

function stringList(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  return list.every((item) => typeof item === 'string') ? (list as string[]) : undefined;
}

/** the element's name when the statement has it (a key holding undefined counts as absent, as in JSON) */
function present<K extends string>(statement: Statement, key: K): K | undefined {
  return statement[key] === undefined ? undefined : key;
}

interface StatementOutcome {
  effect: 'Allow' | 'Deny' | undefined;
  applies: Truth;
  principal?: PrincipalMatch;
  unsupported: string[];
}

function evaluateStatement(
  statement: Statement,
  request: EvaluationRequest,
  lookup: (key: string) => ContextValue | undefined,
  variables: VariableScope,
  where: string,
): StatementOutcome {
  const unsupported: string[] = [];
  const effect = statement.Effect === 'Allow' || statement.Effect === 'Deny' ? statement.Effect : undefined;
  if (effect === undefined) unsupported.push(`${where}: Effect must be Allow or Deny`);
  const parts: Truth[] = [];

  // Action / NotAction
  const actionKey = present(statement, 'Action') ?? present(statement, 'NotAction');
  const actions = actionKey === undefined ? undefined : stringList(statement[actionKey]);
  if (actions === undefined) {
    unsupported.push(`${where}: no Action or NotAction of strings`);
    parts.push('unknown');
  } else {
    const named = actions.some((pattern) => actionMatches(pattern, request.action));
    parts.push(actionKey === 'Action' ? named : !named);
  }

  // Resource / NotResource (absent in trust policies)
  const resourceKey = present(statement, 'Resource') ?? present(statement, 'NotResource');
  if (resourceKey !== undefined) {
    const resources = stringList(statement[resourceKey]);
    if (resources === undefined) {
      unsupported.push(`${where}: ${resourceKey} must be strings`);
      parts.push('unknown');
    } else {
      // a resource whose variable has no value matches no resource
      const named = resources.some((pattern) => {
        const resolved = resolveVariables(pattern, variables);
        return resolved !== undefined && resourceMatches(resolved, request.resource);
      });
      parts.push(resourceKey === 'Resource' ? named : !named);
    }
  }

  // Principal / NotPrincipal
  const principalKey =
    'Principal' in statement ? 'Principal' : 'NotPrincipal' in statement ? 'NotPrincipal' : undefined;
  let principal: PrincipalMatch | undefined;
  if (request.principal === undefined) {
    if (principalKey !== undefined) {
      unsupported.push(`${where}: ${principalKey} in an identity-based policy`);
      parts.push('unknown');
    }
  } else if (principalKey === undefined) {
    unsupported.push(`${where}: a resource-based policy statement needs Principal or NotPrincipal`);
    parts.push('unknown');
  } else {
    const outcome = principalMatch(statement[principalKey], request.principal, where);
    unsupported.push(...outcome.unsupported);
    if (outcome.unsupported.length > 0) parts.push('unknown');
    else if (principalKey === 'Principal') {
      principal = outcome.match;
      parts.push(outcome.match !== undefined);
    } else {
      principal = outcome.match === undefined ? 'any' : undefined;
      parts.push(outcome.match === undefined);
    }
  }

  const condition = evaluateCondition({ condition: statement.Condition, lookup, variables, where });
  unsupported.push(...condition.unsupported);
  parts.push(condition.holds);

  const applies: Truth = parts.includes(false) ? false : parts.includes('unknown') || !effect ? 'unknown' : true;
  return { effect, applies, ...(principal === undefined ? {} : { principal }), unsupported };
}

/**
 * Evaluates identity-based policies (no `principal` in the request) or one resource-based policy such as a trust
 * policy (with `principal`) for one request.
 */
export function evaluatePolicies(policies: readonly PolicySource[], request: EvaluationRequest): Evaluation {
  const lookup = contextLookup(request.context);
  const allowedBy: StatementRef[] = [];
  const deniedBy: StatementRef[] = [];
  const unsupported: string[] = [];
  for (const source of policies) {
    const policy = parsePolicy(source);
    unsupported.push(...policy.unsupported);
    const variables: VariableScope = { enabled: policy.variables, lookup };
    policy.statements.forEach((statement, index) => {
      const sid = typeof statement.Sid === 'string' && statement.Sid !== '' ? statement.Sid : undefined;
      const where = `${policy.name} statement ${index + 1}${sid === undefined ? '' : ` (${sid})`}`;
      const outcome = evaluateStatement(statement, request, lookup, variables, where);
      // only what concerns this request is reported
      if (outcome.applies === false) return;
      unsupported.push(...outcome.unsupported);
      const ref: StatementRef = {
        policy: policy.name,
        statement: index,
        ...(sid === undefined ? {} : { sid }),
        ...(outcome.principal === undefined ? {} : { principal: outcome.principal }),
      };
      // fail closed: an undecidable Deny (or a statement without a valid Effect) denies, an undecidable Allow does not
      if (outcome.effect === 'Deny' || outcome.effect === undefined) deniedBy.push(ref);
      else if (outcome.applies === true) allowedBy.push(ref);
    });
  }
  const decision = deniedBy.length > 0 ? 'explicit-deny' : allowedBy.length > 0 ? 'allow' : 'implicit-deny';
  return { decision, allowedBy, deniedBy, unsupported: [...new Set(unsupported)] };
}

export interface ActionCheck {
  action: string;
  resource: string;
}

export interface DeniedAction extends ActionCheck {
  decision: 'explicit-deny' | 'implicit-deny';
  deniedBy: StatementRef[];
  unsupported: string[];
  /** e.g. `no statement allows xray:PutTraceSegments on *` */
  reason: string;
}

function describeRef(ref: StatementRef): string {
  return `${ref.policy} statement ${ref.statement + 1}${ref.sid === undefined ? '' : ` (${ref.sid})`}`;
}

/** For doctor: the actions these identity-based policies do not allow, each with the reason. */
export function deniedActions(
  policies: readonly PolicySource[],
  actions: readonly ActionCheck[],
  context?: RequestContext,
): DeniedAction[] {
  const denied: DeniedAction[] = [];
  for (const check of actions) {
    const evaluation = evaluatePolicies(policies, { ...check, ...(context === undefined ? {} : { context }) });
    if (evaluation.decision === 'allow') continue;
    const reason =
      evaluation.decision === 'explicit-deny'
        ? `${check.action} on ${check.resource} is denied by ${evaluation.deniedBy.map(describeRef).join(', ')}`
        : `no statement allows ${check.action} on ${check.resource}`;
    denied.push({
      ...check,
      decision: evaluation.decision,
      deniedBy: evaluation.deniedBy,
      unsupported: evaluation.unsupported,
      reason,
    });
  }
  return denied;
}
