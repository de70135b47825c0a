/**
 * IAM Roles for Service Accounts: ARNs, the role trust policy adot writes, and the checks doctor and install run on
 * an existing trust policy. IAM accepts many equivalent spellings of one trust policy (Action as string or list,
 * StringEquals or StringLike, Federated as string or list, several statements), so verification evaluates the
 * policy instead of comparing documents. Over ~400 lines because building, verifying, explaining and reconciling a
 * trust policy share one statement evaluator (evaluateStatement) and its condition model.
 */
import type { PolicyDocument, PolicyStatement } from '../ports.js';
import { COLLECTOR_DEFAULTS } from './defaults.js';
import { usageError } from './errors.js';
import { evaluateWebIdentityTrust } from './iam/web-identity.js';

export const WEB_IDENTITY_AUDIENCE = 'sts.amazonaws.com';
export const ASSUME_ROLE_WITH_WEB_IDENTITY = 'sts:AssumeRoleWithWebIdentity';
const POLICY_VERSION = '2012-10-17';

export interface TrustExpectation {
  providerArn: string;
  issuerUrl: string;
  namespace: string;
  serviceAccount: string;
}

export interface TrustProblem {
  field: 'principal' | 'action' | 'sub' | 'aud' | 'effect' | 'statement';
  observed: string;
  expected: string;
  message: string;
  /**
   * true when the problem stops the service account from assuming the role; false for advice about a policy that
   * admits it too broadly (no :sub or no :aud condition: other service accounts or audiences get in as well)
   */
  blocking: boolean;
}

/** `https://oidc.eks.REGION.amazonaws.com/id/ID` → `oidc.eks.REGION.amazonaws.com/id/ID` (the IAM spelling). */
export function issuerHostPath(issuerUrl: string): string {
  const hostPath = issuerUrl
    .trim()
    .replace(/^https:\/\//i, '')
    .replace(/\/+$/, '');
  if (hostPath === '' || /\s/.test(hostPath) || hostPath.includes('://')) {
    throw usageError('InvalidIssuerUrl', `Not an OIDC issuer URL: "${issuerUrl}"`, {
      hint: 'The issuer comes from: aws eks describe-cluster --name CLUSTER --query cluster.identity.oidc.issuer',
    });
  }
  return hostPath;
}

function requireAccount(account: string): void {
  if (!/^\d{12}$/.test(account)) {
    throw usageError('InvalidAccountId', `Not an AWS account id: "${account}" (expected 12 digits)`, {
      hint: 'Check the credentials in use: aws sts get-caller-identity',
    });
  }
}

export function oidcProviderArn(account: string, issuerUrl: string): string {
  requireAccount(account);
  return `arn:aws:iam::${account}:oidc-provider/${issuerHostPath(issuerUrl)}`;
}

/**
 * An IAM role name as IAM accepts it: 1-64 of letters, digits and +=,.@_-
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html, RoleName).
 */
export function assertRoleName(roleName: string): void {
  if (!/^[\w+=,.@-]{1,64}$/.test(roleName)) {
    throw usageError('InvalidRoleName', `Not a valid IAM role name: "${roleName}"`, {
      hint: `Use --role-name with 1-64 letters, digits or +=,.@_- (default ${COLLECTOR_DEFAULTS.roleName})`,
    });
  }
}

/** The ARN of a role; its name was checked where it was given (assertRoleName). */
export function roleArn(account: string, roleName: string): string {
  requireAccount(account);
  return `arn:aws:iam::${account}:role/${roleName}`;
}

export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

export function buildTrustPolicy(input: TrustExpectation): PolicyDocument {
  return { Version: POLICY_VERSION, Statement: [buildStatement(input)] };
}

function buildStatement(input: TrustExpectation): PolicyStatement {
  const hostPath = issuerHostPath(input.issuerUrl);
  return {
    Effect: 'Allow',
    Principal: { Federated: input.providerArn },
    Action: ASSUME_ROLE_WITH_WEB_IDENTITY,
    Condition: {
      StringEquals: {
        [`${hostPath}:sub`]: serviceAccountSubject(input.namespace, input.serviceAccount),
        [`${hostPath}:aud`]: WEB_IDENTITY_AUDIENCE,
      },
    },
  };
}

// ---------- evaluation of one statement ----------

type Record_ = Record<string, unknown>;

function isRecord(value: unknown): value is Record_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

function globMatches(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** One `Operator: {key: values}` block of a Condition that concerns a given key. */
interface ConditionBlock {
  operator: string;
  key: string;
  values: string[];
}

/** Strips set qualifiers and IfExists: for the single-valued web-identity keys they evaluate like the base operator. */
function baseOperator(operator: string): string {
  return operator.replace(/^(ForAnyValue|ForAllValues):/i, '').replace(/IfExists$/i, '');
}

function blockMatches(block: ConditionBlock, actual: string): boolean {
  const operator = baseOperator(block.operator).toLowerCase();
  switch (operator) {
    case 'stringequals':
      return block.values.includes(actual);
    case 'stringequalsignorecase':
      return block.values.some((value) => value.toLowerCase() === actual.toLowerCase());
    case 'stringlike':
      return block.values.some((value) => globMatches(value, actual));
    case 'stringnotequals':
      return !block.values.includes(actual);
    case 'stringnotequalsignorecase':
      return !block.values.some((value) => value.toLowerCase() === actual.toLowerCase());
    case 'stringnotlike':
      return !block.values.some((value) => globMatches(value, actual));
    default:
      return false;
  }
}

function isPositiveOperator(operator: string): boolean {
  return ['stringequals', 'stringequalsignorecase', 'stringlike'].includes(baseOperator(operator).toLowerCase());
}

function conditionBlocks(statement: Record_): ConditionBlock[] {
  const condition = statement.Condition;
  if (!isRecord(condition)) return [];
  const blocks: ConditionBlock[] = [];
  for (const [operator, entries] of Object.entries(condition)) {
    if (!isRecord(entries)) continue;
    for (const [key, values] of Object.entries(entries)) blocks.push({ operator, key, values: stringList(values) });
  }
  return blocks;
}

function describeBlocks(blocks: ConditionBlock[]): string {
  return blocks.map((block) => `${block.operator} ${block.key} = ${block.values.join(' | ')}`).join('; ');
}

interface StatementReport {
  index: number;
  effect: string;
  problems: TrustProblem[];
  /** principal, action and the :sub/:aud conditions all admit the expected service account */
  admits: boolean;
  /** principal and action match and no :sub/:aud condition excludes the service account (how a Deny applies) */
  applies: boolean;
}

function federatedPrincipals(statement: Record_): string[] {
  const principal = statement.Principal;
  if (principal === '*') return ['*'];
  if (!isRecord(principal)) return [];
  // {"AWS": "*"} names every principal, as "*" does
  if (stringList(principal.AWS).includes('*')) return ['*'];
  return stringList(principal.Federated);
}

function evaluateStatement(statement: Record_, index: number, expected: TrustExpectation): StatementReport {
  const hostPath = issuerHostPath(expected.issuerUrl);
  const subject = serviceAccountSubject(expected.namespace, expected.serviceAccount);
  const problems: TrustProblem[] = [];
  const where = `statement ${index + 1}`;

  const federated = federatedPrincipals(statement);
  if (!federated.includes(expected.providerArn) && !federated.includes('*')) {
    problems.push({
      field: 'principal',
      observed: federated.length > 0 ? federated.join(', ') : JSON.stringify(statement.Principal ?? null),
      expected: expected.providerArn,
      message: `${where}: Principal.Federated is not this cluster's OIDC provider`,
      blocking: true,
    });
  }

  const negated = statement.Action === undefined && statement.NotAction !== undefined;
  const actions = stringList(negated ? statement.NotAction : statement.Action);
  const named = actions.some((action) => globMatches(action, ASSUME_ROLE_WITH_WEB_IDENTITY, true));
  if (named === negated) {
    problems.push({
      field: 'action',
      observed: `${negated ? 'NotAction ' : ''}${actions.join(', ') || '(none)'}`,
      expected: ASSUME_ROLE_WITH_WEB_IDENTITY,
      message: `${where}: Action does not allow ${ASSUME_ROLE_WITH_WEB_IDENTITY}`,
      blocking: true,
    });
  }

  const blocks = conditionBlocks(statement);
  const blocksFor = (suffix: 'sub' | 'aud') =>
    blocks.filter((block) => block.key.toLowerCase() === `${hostPath}:${suffix}`.toLowerCase());

  const subBlocks = blocksFor('sub');
  const subProblem = conditionProblem(where, 'sub', subBlocks, subject, blocks, hostPath);
  if (subProblem) problems.push(subProblem);

  const audBlocks = blocksFor('aud');
  const audProblem = conditionProblem(where, 'aud', audBlocks, WEB_IDENTITY_AUDIENCE, blocks, hostPath);
  if (audProblem) problems.push(audProblem);

  const effect = typeof statement.Effect === 'string' ? statement.Effect : '';
  const admits = problems.length === 0;
  const applies =
    !problems.some((problem) => problem.field === 'principal' || problem.field === 'action') &&
    subBlocks.every((block) => blockMatches(block, subject)) &&
    audBlocks.every((block) => blockMatches(block, WEB_IDENTITY_AUDIENCE));
  if (effect !== 'Allow') {
    problems.push({
      field: 'effect',
      observed: effect || '(none)',
      expected: 'Allow',
      message: `${where}: Effect is ${effect || 'missing'}, so it does not allow the service account`,
      blocking: true,
    });
  }
  return { index, effect, problems, admits, applies };
}

function conditionProblem(
  where: string,
  suffix: 'sub' | 'aud',
  keyBlocks: ConditionBlock[],
  actual: string,
  allBlocks: ConditionBlock[],
  hostPath: string,
): TrustProblem | undefined {
  const key = `${hostPath}:${suffix}`;
  const expectedText = `StringEquals ${key} = ${actual}`;
  if (!keyBlocks.some((block) => isPositiveOperator(block.operator))) {
    const otherIssuer = allBlocks.filter((block) => block.key.toLowerCase().endsWith(`:${suffix}`));
    const observed = otherIssuer.length > 0 ? describeBlocks(otherIssuer) : '(no condition)';
    let message: string;
    if (otherIssuer.length > 0) {
      message = `${where}: the :${suffix} condition names another OIDC issuer, not ${hostPath}`;
    } else if (suffix === 'aud') {
      message = `${where}: no ${key} condition; the trust policy must pin the audience to ${WEB_IDENTITY_AUDIENCE} as well as the subject`;
    } else {
      message = `${where}: no ${key} condition, so the role is not bound to the collector's service account`;
    }
    // without a condition on the key the service account is admitted, with every other one (advice, not a block)
    return { field: suffix, observed, expected: expectedText, message, blocking: otherIssuer.length > 0 };
  }
  if (keyBlocks.every((block) => blockMatches(block, actual))) return undefined;
  return {
    field: suffix,
    observed: describeBlocks(keyBlocks),
    expected: expectedText,
    message: `${where}: ${suffix === 'sub' ? describeSubjectMismatch(keyBlocks, actual) : `the audience is not ${actual}`}`,
    blocking: true,
  };
}

function parseSubject(subject: string): { namespace: string; serviceAccount: string } | undefined {
  const match = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(subject);
  return match ? { namespace: match[1] ?? '', serviceAccount: match[2] ?? '' } : undefined;
}

function describeSubjectMismatch(blocks: ConditionBlock[], subject: string): string {
  const wanted = parseSubject(subject);
  const allowed = blocks.flatMap((block) => block.values).map(parseSubject);
  const first = allowed.find((value) => value !== undefined);
  if (wanted && first) {
    if (first.namespace === wanted.namespace) {
      return `the role trusts service account "${first.serviceAccount}", but the collector runs as "${wanted.serviceAccount}" (namespace ${wanted.namespace})`;
    }
    return `the role trusts namespace "${first.namespace}", but the collector runs in "${wanted.namespace}"`;
  }
  return `the :sub condition does not admit ${subject}`;
}

function statementsOf(document: unknown): Record_[] | undefined {
  if (typeof document === 'string') {
    try {
      return statementsOf(JSON.parse(document));
    } catch {
      return undefined;
    }
  }
  if (!isRecord(document)) return undefined;
  const statement = document.Statement;
  if (isRecord(statement)) return [statement];
  if (Array.isArray(statement)) return statement.filter(isRecord);
  return undefined;
}

/**
 * What stops the expected service account from assuming the role through this OIDC provider (blocking problems),
 * and advice about a policy that admits it too broadly (no :sub or :aud condition). Whether it is admitted is
 * decided by the IAM policy evaluator the sandbox's STS uses too (src/core/iam), so the two agree by construction:
 * there is a blocking problem exactly when the evaluator refuses; the statement-by-statement explanation below only
 * says why.
 */
export function verifyTrustPolicy(document: unknown, expected: TrustExpectation): TrustProblem[] {
  const evaluation = evaluateWebIdentityTrust(document, {
    providerArn: expected.providerArn,
    issuer: issuerHostPath(expected.issuerUrl),
    subject: serviceAccountSubject(expected.namespace, expected.serviceAccount),
    audience: WEB_IDENTITY_AUDIENCE,
  });
  const explained = explainTrustPolicy(document, expected);
  if (evaluation.decision === 'allow') return explained.filter((problem) => !problem.blocking);
  if (explained.some((problem) => problem.blocking)) return explained;
  return [
    ...explained,
    {
      field: 'statement',
      observed:
        evaluation.decision === 'explicit-deny'
          ? `denied by ${evaluation.deniedBy.map((ref) => `statement ${ref.statement + 1}`).join(', ')}`
          : 'no statement applies',
      expected: `an Allow statement for ${expected.providerArn} that applies to the service account`,
      message: `The trust policy does not allow ${ASSUME_ROLE_WITH_WEB_IDENTITY} to the service account${
        evaluation.unsupported.length > 0 ? ` (not understood: ${evaluation.unsupported.join('; ')})` : ''
      }`,
      blocking: true,
    },
  ];
}

/**
 * The statement-by-statement reading of a trust policy behind verifyTrustPolicy's messages, without the evaluator's
 * verdict (test/unit/irsa-agreement.test.ts holds the two to the same answer).
 */
export function explainTrustPolicy(document: unknown, expected: TrustExpectation): TrustProblem[] {
  const statements = statementsOf(document);
  if (!statements || statements.length === 0) {
    return [
      {
        field: 'statement',
        observed: statements
          ? 'no statements'
          : typeof document === 'string'
            ? 'a string'
            : JSON.stringify(document ?? null),
        expected: 'a trust policy document with a Statement list',
        message: 'The trust policy has no statements',
        blocking: true,
      },
    ];
  }
  const reports = statements.map((statement, index) => evaluateStatement(statement, index, expected));

  const denials = reports
    .filter((report) => report.effect === 'Deny' && report.applies)
    .map<TrustProblem>((report) => ({
      field: 'effect',
      observed: `statement ${report.index + 1}: Deny`,
      expected: 'no Deny statement matching the service account',
      message: `statement ${report.index + 1} denies ${ASSUME_ROLE_WITH_WEB_IDENTITY} to the collector's service account`,
      blocking: true,
    }));

  const allows = reports.filter((report) => report.effect === 'Allow');
  if (allows.some((report) => report.admits)) return denials;
  if (allows.length === 0) {
    return [
      ...denials,
      {
        field: 'statement',
        observed: `${statements.length} statement(s), none with Effect Allow`,
        expected: `an Allow statement for ${expected.providerArn}`,
        message: 'No statement allows the service account to assume the role',
        blocking: true,
      },
    ];
  }
  // Report the Allow statement closest to correct: the one that names our provider, with the fewest problems.
  const closest = [...allows].sort((a, b) => closeness(a) - closeness(b))[0];
  return [...denials, ...(closest?.problems ?? [])];
}

function closeness(report: StatementReport): number {
  const principalWrong = report.problems.some((problem) => problem.field === 'principal');
  return (principalWrong ? 100 : 0) + report.problems.length;
}

/** A statement that concerns this provider and service account (and is therefore ours to replace). */
function concernsExpected(statement: Record_, expected: TrustExpectation): boolean {
  if (!federatedPrincipals(statement).includes(expected.providerArn)) return false;
  const hostPath = issuerHostPath(expected.issuerUrl);
  const subBlocks = conditionBlocks(statement).filter(
    (block) => block.key.toLowerCase() === `${hostPath}:sub`.toLowerCase(),
  );
  if (!subBlocks.some((block) => isPositiveOperator(block.operator))) return true;
  const subject = serviceAccountSubject(expected.namespace, expected.serviceAccount);
  return subBlocks.every((block) => blockMatches(block, subject));
}

/**
 * The trust policy to write so the expected service account can assume the role: an existing policy that already
 * admits it is kept as is (changed: false); otherwise statements about other providers or other service accounts are
 * kept and the statements about this provider and service account are replaced by the one adot builds.
 */
export function reconcileTrustPolicy(
  existing: unknown,
  expected: TrustExpectation,
): { document: PolicyDocument; changed: boolean } {
  const statements = statementsOf(existing);
  if (!statements) return { document: buildTrustPolicy(expected), changed: true };
  if (verifyTrustPolicy(existing, expected).length === 0) {
    const version = isRecord(existing) && typeof existing.Version === 'string' ? existing.Version : POLICY_VERSION;
    return {
      document: {
        Version: version,
        Statement: statements as unknown as PolicyStatement[],
      },
      changed: false,
    };
  }
  const kept = statements.filter((statement) => !concernsExpected(statement, expected)) as unknown as PolicyStatement[];
  return {
    document: {
      Version: POLICY_VERSION,
      Statement: [...kept, buildStatement(expected)],
    },
    changed: true,
  };
}
