import { describe, expect, test } from 'vitest';
import {
  buildTrustPolicy,
  issuerHostPath,
  oidcProviderArn,
  reconcileTrustPolicy,
  roleArn,
  assertRoleName,
  serviceAccountSubject,
  verifyTrustPolicy,
  type TrustExpectation,
} from '../../src/core/irsa.js';
import { AdotError } from '../../src/core/errors.js';

const issuerUrl = 'https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const hostPath = 'oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF';
const providerArn = `arn:aws:iam::123456789012:oidc-provider/${hostPath}`;
const expected: TrustExpectation = {
  providerArn,
  issuerUrl,
  namespace: 'aws-otel-eks',
  serviceAccount: 'aws-otel-collector',
};
const subject = 'system:serviceaccount:aws-otel-eks:aws-otel-collector';

function statement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: { Federated: providerArn },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [`${hostPath}:sub`]: subject,
        [`${hostPath}:aud`]: 'sts.amazonaws.com',
      },
    },
    ...overrides,
  };
}

function policy(...statements: Record<string, unknown>[]) {
  return { Version: '2012-10-17', Statement: statements };
}

function usageCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AdotError && error.kind === 'usage') return error.code;
    throw error;
  }
  return undefined;
}

describe('ARNs and names', () => {
  test('issuerHostPath strips the scheme and a trailing slash', () => {
    expect(issuerHostPath(issuerUrl)).toBe(hostPath);
    expect(issuerHostPath(`${issuerUrl}/`)).toBe(hostPath);
    expect(issuerHostPath(hostPath)).toBe(hostPath);
    expect(usageCode(() => issuerHostPath('https://'))).toBe('InvalidIssuerUrl');
  });

  test('oidcProviderArn, roleArn and assertRoleName', () => {
    expect(oidcProviderArn('123456789012', issuerUrl)).toBe(providerArn);
    expect(roleArn('123456789012', 'EKS-ADOT-ServiceAccount-Role')).toBe(
      'arn:aws:iam::123456789012:role/EKS-ADOT-ServiceAccount-Role',
    );
    expect(usageCode(() => roleArn('1234', 'x'))).toBe('InvalidAccountId');
    expect(usageCode(() => assertRoleName('bad name'))).toBe('InvalidRoleName');
    expect(usageCode(() => oidcProviderArn('12345678901a', issuerUrl))).toBe('InvalidAccountId');
  });

  test('serviceAccountSubject', () => {
    expect(serviceAccountSubject('aws-otel-eks', 'aws-otel-collector')).toBe(subject);
  });
});

test('buildTrustPolicy pins both :sub and :aud', () => {
  expect(buildTrustPolicy(expected)).toEqual(policy(statement()));
  expect(verifyTrustPolicy(buildTrustPolicy(expected), expected)).toEqual([]);
});

describe('verifyTrustPolicy accepts equivalent forms', () => {
  test('Action as a list, Federated as a list, single Statement object', () => {
    const document = {
      Version: '2012-10-17',
      Statement: statement({
        Action: ['sts:TagSession', 'sts:AssumeRoleWithWebIdentity'],
        Principal: {
          Federated: ['arn:aws:iam::123456789012:oidc-provider/other', providerArn],
        },
      }),
    };
    expect(verifyTrustPolicy(document, expected)).toEqual([]);
  });

  test('StringLike with a wildcard subject, condition values as lists, sub and aud under different operators', () => {
    const document = policy(
      statement({
        Condition: {
          StringLike: {
            [`${hostPath}:sub`]: ['system:serviceaccount:aws-otel-eks:*'],
          },
          StringEquals: { [`${hostPath}:aud`]: ['sts.amazonaws.com'] },
        },
      }),
    );
    expect(verifyTrustPolicy(document, expected)).toEqual([]);
  });

  test('StringLike with an exact value and action wildcards', () => {
    const document = policy(
      statement({
        Action: 'sts:AssumeRoleWith*',
        Condition: {
          StringLike: {
            [`${hostPath}:sub`]: subject,
            [`${hostPath}:aud`]: 'sts.amazonaws.com',
          },
        },
      }),
    );
    expect(verifyTrustPolicy(document, expected)).toEqual([]);
  });

  test('one matching Allow among several statements is enough', () => {
    const unrelated = {
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole',
    };
    expect(verifyTrustPolicy(policy(unrelated, statement()), expected)).toEqual([]);
  });
});

describe('verifyTrustPolicy reports problems', () => {
  test("the blog's adot-collector vs aws-otel-collector trap", () => {
    const document = policy(
      statement({
        Condition: {
          StringEquals: {
            [`${hostPath}:sub`]: 'system:serviceaccount:aws-otel-eks:adot-collector',
            [`${hostPath}:aud`]: 'sts.amazonaws.com',
          },
        },
      }),
    );
    const problems = verifyTrustPolicy(document, expected);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'sub' });
    expect(problems[0]?.observed).toContain('system:serviceaccount:aws-otel-eks:adot-collector');
    expect(problems[0]?.expected).toContain(subject);
    expect(problems[0]?.message).toContain('"adot-collector"');
    expect(problems[0]?.message).toContain('"aws-otel-collector"');
  });

  test('a namespace mismatch is named as such', () => {
    const document = policy(
      statement({
        Condition: {
          StringEquals: {
            [`${hostPath}:sub`]: 'system:serviceaccount:default:aws-otel-collector',
            [`${hostPath}:aud`]: 'sts.amazonaws.com',
          },
        },
      }),
    );
    expect(verifyTrustPolicy(document, expected)[0]?.message).toContain('namespace "default"');
  });

  test(':sub without :aud is a problem (the eksctl lesson)', () => {
    const document = policy(
      statement({
        Condition: { StringEquals: { [`${hostPath}:sub`]: subject } },
      }),
    );
    const problems = verifyTrustPolicy(document, expected);
    expect(problems.map((problem) => problem.field)).toEqual(['aud']);
    expect(problems[0]?.observed).toBe('(no condition)');
  });

  test('no condition at all: both sub and aud are missing', () => {
    const document = policy(statement({ Condition: undefined }));
    expect(verifyTrustPolicy(document, expected).map((problem) => problem.field)).toEqual(['sub', 'aud']);
  });

  test('StringEquals does not treat "*" as a wildcard', () => {
    const document = policy(
      statement({
        Condition: {
          StringEquals: {
            [`${hostPath}:sub`]: 'system:serviceaccount:aws-otel-eks:*',
            [`${hostPath}:aud`]: 'sts.amazonaws.com',
          },
        },
      }),
    );
    expect(verifyTrustPolicy(document, expected).map((problem) => problem.field)).toEqual(['sub']);
  });

  test('a wrong provider ARN and a condition for another issuer', () => {
    const otherHost = 'oidc.eks.us-east-1.amazonaws.com/id/FFFF';
    const document = policy(
      statement({
        Principal: {
          Federated: `arn:aws:iam::123456789012:oidc-provider/${otherHost}`,
        },
        Condition: {
          StringEquals: {
            [`${otherHost}:sub`]: subject,
            [`${otherHost}:aud`]: 'sts.amazonaws.com',
          },
        },
      }),
    );
    const problems = verifyTrustPolicy(document, expected);
    expect(problems.map((problem) => problem.field)).toEqual(['principal', 'sub', 'aud']);
    expect(problems[0]?.expected).toBe(providerArn);
    expect(problems[1]?.message).toContain('another OIDC issuer');
  });

  test('a wrong action and a wrong audience', () => {
    const document = policy(
      statement({
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: {
            [`${hostPath}:sub`]: subject,
            [`${hostPath}:aud`]: 'example.com',
          },
        },
      }),
    );
    expect(verifyTrustPolicy(document, expected).map((problem) => problem.field)).toEqual(['action', 'aud']);
  });

  test('a matching Deny statement is a problem even next to a matching Allow', () => {
    const problems = verifyTrustPolicy(policy(statement(), statement({ Effect: 'Deny' })), expected);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      field: 'effect',
      observed: 'statement 2: Deny',
    });
  });

  test('a Deny without conditions applies to every service account', () => {
    const problems = verifyTrustPolicy(
      policy(statement(), statement({ Effect: 'Deny', Condition: undefined })),
      expected,
    );
    expect(problems.map((problem) => problem.field)).toEqual(['effect']);
  });

  test('a Deny for another service account does not matter', () => {
    const denyOther = statement({
      Effect: 'Deny',
      Condition: {
        StringEquals: { [`${hostPath}:sub`]: 'system:serviceaccount:x:y' },
      },
    });
    expect(verifyTrustPolicy(policy(statement(), denyOther), expected)).toEqual([]);
  });

  test('StringNotEquals excluding the subject makes the Allow inapplicable', () => {
    const document = policy(
      statement({
        Condition: {
          StringEquals: { [`${hostPath}:aud`]: 'sts.amazonaws.com' },
          StringLike: {
            [`${hostPath}:sub`]: 'system:serviceaccount:aws-otel-eks:*',
          },
          StringNotEquals: { [`${hostPath}:sub`]: subject },
        },
      }),
    );
    expect(verifyTrustPolicy(document, expected).map((problem) => problem.field)).toEqual(['sub']);
  });

  test('documents without statements', () => {
    expect(verifyTrustPolicy(undefined, expected)[0]?.field).toBe('statement');
    expect(verifyTrustPolicy({ Version: '2012-10-17', Statement: [] }, expected)[0]?.field).toBe('statement');
    expect(verifyTrustPolicy('{"Statement": []}', expected)[0]?.field).toBe('statement');
    const onlyDeny = verifyTrustPolicy(policy(statement({ Effect: 'Deny' })), expected);
    expect(onlyDeny.map((problem) => problem.field)).toEqual(['effect', 'statement']);
  });

  test('the Allow statement naming our provider is the one reported', () => {
    const unrelated = {
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole',
    };
    const missingAud = statement({
      Condition: { StringEquals: { [`${hostPath}:sub`]: subject } },
    });
    expect(verifyTrustPolicy(policy(unrelated, missingAud), expected).map((problem) => problem.field)).toEqual(['aud']);
  });
});

describe('reconcileTrustPolicy', () => {
  test('a correct policy is kept unchanged, in whatever form it is written', () => {
    const existing = {
      Version: '2012-10-17',
      Statement: statement({ Action: ['sts:AssumeRoleWithWebIdentity'] }),
    };
    const result = reconcileTrustPolicy(existing, expected);
    expect(result.changed).toBe(false);
    expect(result.document.Statement).toEqual([existing.Statement]);
  });

  test('no usable document: the built policy', () => {
    expect(reconcileTrustPolicy(undefined, expected)).toEqual({
      document: buildTrustPolicy(expected),
      changed: true,
    });
  });

  test('keeps unrelated statements and replaces the broken one for this service account', () => {
    const unrelated = {
      Effect: 'Allow',
      Principal: { Service: 'ec2.amazonaws.com' },
      Action: 'sts:AssumeRole',
    };
    const missingAud = statement({
      Condition: { StringEquals: { [`${hostPath}:sub`]: subject } },
    });
    const result = reconcileTrustPolicy(policy(unrelated, missingAud), expected);
    expect(result.changed).toBe(true);
    expect(result.document.Statement).toEqual([unrelated, statement()]);
    expect(verifyTrustPolicy(result.document, expected)).toEqual([]);
  });

  test('the adot-collector trap: the other service account keeps its grant, ours is added', () => {
    const trap = statement({
      Condition: {
        StringEquals: {
          [`${hostPath}:sub`]: 'system:serviceaccount:aws-otel-eks:adot-collector',
          [`${hostPath}:aud`]: 'sts.amazonaws.com',
        },
      },
    });
    const result = reconcileTrustPolicy(policy(trap), expected);
    expect(result.changed).toBe(true);
    expect(result.document.Statement).toEqual([trap, statement()]);
  });

  test('removes a Deny for this service account', () => {
    const result = reconcileTrustPolicy(policy(statement(), statement({ Effect: 'Deny' })), expected);
    expect(result).toEqual({ document: policy(statement()), changed: true });
  });

  test('is idempotent', () => {
    const first = reconcileTrustPolicy(policy(statement({ Condition: undefined })), expected);
    const second = reconcileTrustPolicy(first.document, expected);
    expect(second).toEqual({ document: first.document, changed: false });
  });
});
