/**
 * Why a trust policy does not let a principal assume the role: the IAM evaluator (src/core/iam) decides; this
 * explains its decision part by part (principal, action, each condition key) for the Allow statement that comes
 * closest, so doctor can say which element to fix. An empty list means the evaluator allows every action asked.
 */
import { evaluatePolicies, type RequestContext, type RequestPrincipal } from '../iam/index.js';

export interface TrustRequest {
  principal: RequestPrincipal;
  /** every action the principal calls to assume the role (e.g. sts:AssumeRole and sts:TagSession) */
  actions: readonly string[];
  /** the role's ARN (trust policies have no Resource element; the evaluator needs one) */
  resource: string;
  context: RequestContext;
}

export interface TrustFinding {
  field: 'principal' | 'action' | 'condition' | 'effect' | 'statement';
  observed: string;
  expected: string;
  message: string;
}

type Statement = Record<string, unknown>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function statementsOf(document: unknown): Statement[] | undefined {
  let parsed = document;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed) as unknown;
    } catch {
      return undefined;
    }
  }
  if (!isObject(parsed)) return undefined;
  const raw = parsed.Statement;
  if (isObject(raw)) return [raw];
  return Array.isArray(raw) ? raw.filter(isObject) : undefined;
}

function allows(statement: Statement, request: TrustRequest, action: string): boolean {
  const document = { Version: '2012-10-17', Statement: [statement] };
  return (
    evaluatePolicies([{ name: 'trust', document }], {
      action,
      resource: request.resource,
      principal: request.principal,
      context: request.context,
    }).decision === 'allow'
  );
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}

function contextValue(context: RequestContext, key: string): string {
  const found = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase());
  return found === undefined ? '(not set)' : text(found[1]);
}

/** The findings for one Allow statement: each element tested alone, the others made to match anything. */
function statementFindings(statement: Statement, index: number, request: TrustRequest): TrustFinding[] {
  const where = `statement ${index + 1}`;
  const findings: TrustFinding[] = [];
  const { Condition: condition, ...rest } = statement;
  const principalKey = 'Principal' in rest ? 'Principal' : 'NotPrincipal';
  const actionKey = 'Action' in rest ? 'Action' : 'NotAction';
  const anyAction = { Effect: 'Allow', [principalKey]: rest[principalKey], Action: '*' };
  if (!allows(anyAction, request, request.actions[0] ?? 'sts:AssumeRole')) {
    findings.push({
      field: 'principal',
      observed: text(rest[principalKey]),
      expected: `${request.principal.type}: ${request.principal.id}`,
      message: `${where}: its ${principalKey} does not name ${request.principal.id}`,
    });
  }
  for (const action of request.actions) {
    if (!allows({ Effect: 'Allow', Principal: '*', [actionKey]: rest[actionKey] }, request, action)) {
      findings.push({
        field: 'action',
        observed: text(rest[actionKey]),
        expected: action,
        message: `${where}: its ${actionKey} does not allow ${action}`,
      });
    }
  }
  if (isObject(condition)) {
    for (const [operator, block] of Object.entries(condition)) {
      if (!isObject(block)) continue;
      for (const [key, values] of Object.entries(block)) {
        const alone = { Effect: 'Allow', Principal: '*', Action: '*', Condition: { [operator]: { [key]: values } } };
        if (allows(alone, request, request.actions[0] ?? 'sts:AssumeRole')) continue;
        findings.push({
          field: 'condition',
          observed: `${key} = ${contextValue(request.context, key)}`,
          expected: `${operator} ${key} ${text(values)}`,
          message: `${where}: condition ${operator} ${key} ${text(values)} does not hold (the request has ${contextValue(request.context, key)})`,
        });
      }
    }
  }
  return findings;
}

export function explainTrust(document: unknown, request: TrustRequest): TrustFinding[] {
  const evaluations = request.actions.map((action) => ({
    action,
    evaluation: evaluatePolicies([{ name: 'trust policy', document }], {
      action,
      resource: request.resource,
      principal: request.principal,
      context: request.context,
    }),
  }));
  if (evaluations.every(({ evaluation }) => evaluation.decision === 'allow')) return [];
  const denials: TrustFinding[] = evaluations.flatMap(({ action, evaluation }) =>
    evaluation.deniedBy.map((ref) => ({
      field: 'effect' as const,
      observed: `statement ${ref.statement + 1}: Deny`,
      expected: `no Deny statement for ${action}`,
      message: `statement ${ref.statement + 1}${ref.sid === undefined ? '' : ` (${ref.sid})`} denies ${action} to ${request.principal.id}`,
    })),
  );
  if (denials.length > 0) return denials;
  const statements = statementsOf(document) ?? [];
  const candidates = statements
    .map((statement, index) => ({ statement, index }))
    .filter(({ statement }) => statement.Effect === 'Allow');
  if (candidates.length === 0) {
    return [
      {
        field: 'statement',
        observed: `${statements.length} statement(s), none with Effect Allow`,
        expected: `an Allow statement for ${request.principal.id}`,
        message: `no statement allows ${request.principal.id} to assume the role`,
      },
    ];
  }
  const ranked = candidates
    .map(({ statement, index }) => statementFindings(statement, index, request))
    .map((findings) => ({
      findings,
      score: findings.length + (findings.some((f) => f.field === 'principal') ? 100 : 0),
    }))
    .sort((a, b) => a.score - b.score);
  const closest = ranked[0]?.findings ?? [];
  if (closest.length > 0) return closest;
  // every element passes alone but the statement as a whole does not (e.g. an undecidable part): say so
  const unsupported = evaluations.flatMap(({ evaluation }) => evaluation.unsupported);
  return [
    {
      field: 'statement',
      observed: unsupported.length > 0 ? unsupported.join('; ') : 'no statement applies',
      expected: `an Allow statement for ${request.principal.id}`,
      message: `no statement allows ${request.actions.join(' and ')} to ${request.principal.id}${unsupported.length > 0 ? ` (adot cannot evaluate: ${unsupported.join('; ')})` : ''}`,
    },
  ];
}
