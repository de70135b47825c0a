import { describe, expect, it } from 'vitest';
import {
  deniedActions,
  evaluatePolicies,
  type EvaluationRequest,
  type PolicySource,
} from '../../src/core/iam/index.js';

const DOCS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide';

function policy(...statements: Record<string, unknown>[]): PolicySource {
  return { name: 'test', document: { Version: '2012-10-17', Statement: statements } };
}

const allow = (rest: Record<string, unknown>) => ({ Effect: 'Allow', ...rest });
const deny = (rest: Record<string, unknown>) => ({ Effect: 'Deny', ...rest });

/** The AWS managed policy AWSXRayDaemonWriteAccess v2 (AWS Managed Policy Reference). */
const XRAY_DAEMON = policy(
  allow({
    Sid: 'AWSXRayDaemonWriteAccess',
    Action: [
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'xray:GetSamplingStatisticSummaries',
    ],
    Resource: ['*'],
  }),
);

const LOG_STREAM = 'arn:aws:logs:us-east-1:111122223333:log-group:/aws/containerinsights/demo/prometheus:log-stream:s1';

interface Case {
  name: string;
  /** the documentation page (and example) the case mirrors */
  source?: string;
  policies: PolicySource[];
  request: EvaluationRequest;
  decision: 'allow' | 'explicit-deny' | 'implicit-deny';
  unsupported?: boolean;
}

const identityCases: Case[] = [
  {
    name: 'a managed policy allows one of its actions on any resource',
    policies: [XRAY_DAEMON],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'allow',
  },
  {
    name: 'no statement names the action: implicit deny',
    source: `${DOCS}/reference_policies_evaluation-logic.html`,
    policies: [XRAY_DAEMON],
    request: { action: 'logs:PutLogEvents', resource: LOG_STREAM },
    decision: 'implicit-deny',
  },
  {
    name: 'no policy at all: implicit deny',
    policies: [],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'implicit-deny',
  },
  {
    name: 'action prefix and name are case insensitive (iam:ListAccessKeys is IAM:listaccesskeys)',
    source: `${DOCS}/reference_policies_elements_action.html`,
    policies: [policy(allow({ Action: 'IAM:listaccesskeys', Resource: '*' }))],
    request: { action: 'iam:ListAccessKeys', resource: '*' },
    decision: 'allow',
  },
  {
    name: 'wildcard in the action name (iam:*AccessKey*)',
    source: `${DOCS}/reference_policies_elements_action.html`,
    policies: [policy(allow({ Action: 'iam:*AccessKey*', Resource: '*' }))],
    request: { action: 'iam:UpdateAccessKey', resource: '*' },
    decision: 'allow',
  },
  {
    name: 'xray:Put* allows PutTraceSegments',
    policies: [policy(allow({ Action: 'xray:Put*', Resource: '*' }))],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'allow',
  },
  {
    name: '? matches exactly one character',
    policies: [policy(allow({ Action: 'xray:PutTraceSegment?', Resource: '*' }))],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'allow',
  },
  {
    name: 'an explicit Deny overrides an Allow',
    source: `${DOCS}/reference_policies_evaluation-logic.html`,
    policies: [XRAY_DAEMON, policy(deny({ Action: 'xray:PutTraceSegments', Resource: '*' }))],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'explicit-deny',
  },
  {
    name: 'a Statement given as an object, not a list',
    policies: [
      { name: 'single', document: { Version: '2012-10-17', Statement: allow({ Action: 'xray:*', Resource: '*' }) } },
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'allow',
  },
  {
    name: 'a policy given as JSON text',
    policies: [{ name: 'text', document: JSON.stringify({ Statement: [allow({ Action: '*', Resource: '*' })] }) }],
    request: { action: 'aps:RemoteWrite', resource: 'arn:aws:aps:us-east-1:111122223333:workspace/ws-1' },
    decision: 'allow',
  },
  {
    name: 'resource ARN with a wildcard ending the log-group segment reaches the log streams',
    source: `${DOCS}/reference_policies_elements_resource.html`,
    policies: [
      policy(
        allow({
          Action: 'logs:PutLogEvents',
          Resource: 'arn:aws:logs:*:111122223333:log-group:/aws/containerinsights/*',
        }),
      ),
    ],
    request: { action: 'logs:PutLogEvents', resource: LOG_STREAM },
    decision: 'allow',
  },
  {
    name: 'resource ARNs are case sensitive',
    source: `${DOCS}/reference_policies_elements_resource.html`,
    policies: [policy(allow({ Action: 'logs:PutLogEvents', Resource: LOG_STREAM.toUpperCase() }))],
    request: { action: 'logs:PutLogEvents', resource: LOG_STREAM },
    decision: 'implicit-deny',
  },
  {
    name: 'a resource-restricted policy does not reach another log group',
    policies: [
      policy(allow({ Action: 'logs:PutLogEvents', Resource: 'arn:aws:logs:*:*:log-group:/other:log-stream:*' })),
    ],
    request: { action: 'logs:PutLogEvents', resource: LOG_STREAM },
    decision: 'implicit-deny',
  },
  {
    name: 'NotAction allows everything but the named actions',
    policies: [policy(allow({ NotAction: 'iam:*', Resource: '*' }))],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'allow',
  },
  {
    name: 'NotAction does not allow a named action',
    policies: [policy(allow({ NotAction: ['xray:*'], Resource: '*' }))],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'implicit-deny',
  },
  {
    name: 'NotResource with Deny denies every other resource',
    policies: [
      policy(
        allow({ Action: 'logs:*', Resource: '*' }),
        deny({ Action: 'logs:*', NotResource: 'arn:aws:logs:*:*:log-group:/ok*' }),
      ),
    ],
    request: { action: 'logs:PutLogEvents', resource: LOG_STREAM },
    decision: 'explicit-deny',
  },
  {
    name: 'StringEquals on a principal tag: present and equal',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_String (iam:*AccessKey* example)`,
    policies: [
      policy(
        allow({
          Action: 'iam:*AccessKey*',
          Resource: 'arn:aws:iam::111122223333:user/*',
          Condition: { StringEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } },
        }),
      ),
    ],
    request: {
      action: 'iam:CreateAccessKey',
      resource: 'arn:aws:iam::111122223333:user/bob',
      context: { 'aws:principaltag/job-category': 'iamuser-admin' },
    },
    decision: 'allow',
  },
  {
    name: 'StringEquals on a principal tag: the key is absent, so the condition is false',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_String`,
    policies: [
      policy(
        allow({
          Action: 'iam:*AccessKey*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/job-category': 'iamuser-admin' } },
        }),
      ),
    ],
    request: { action: 'iam:CreateAccessKey', resource: '*' },
    decision: 'implicit-deny',
  },
  {
    name: 'several operators and keys are ANDed, several values ORed',
    source: `${DOCS}/reference_policies_multi-value-conditions.html (department/role/PrincipalAccount example)`,
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: {
            StringEqualsIgnoreCase: {
              'aws:PrincipalTag/department': ['finance', 'hr', 'legal'],
              'aws:PrincipalTag/role': ['audit', 'security'],
            },
            StringEquals: { 'aws:PrincipalAccount': '123456789012' },
          },
        }),
      ),
    ],
    request: {
      action: 'xray:PutTraceSegments',
      resource: '*',
      context: {
        'aws:PrincipalTag/department': 'HR',
        'aws:PrincipalTag/role': 'audit',
        'aws:PrincipalAccount': '123456789012',
      },
    },
    decision: 'allow',
  },
  {
    name: 'one key of an AND fails',
    source: `${DOCS}/reference_policies_multi-value-conditions.html`,
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: {
            StringEqualsIgnoreCase: { 'aws:PrincipalTag/department': ['finance', 'hr'] },
            StringEquals: { 'aws:PrincipalAccount': '123456789012' },
          },
        }),
      ),
    ],
    request: {
      action: 'xray:PutTraceSegments',
      resource: '*',
      context: { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalAccount': '999999999999' },
    },
    decision: 'implicit-deny',
  },
  {
    name: 'a negated operator with several values is a NOR: denied outside the listed accounts',
    source: `${DOCS}/reference_policies_condition-keys.html#condition-keys-principalaccount (DenyAccessFromPrincipalNotInSpecificAccount)`,
    policies: [
      XRAY_DAEMON,
      policy(
        deny({
          Action: 'xray:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalAccount': ['123456789012', '111122223333'] } },
        }),
      ),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:PrincipalAccount': '999999999999' } },
    decision: 'explicit-deny',
  },
  {
    name: 'a negated operator with several values: a listed account is not denied',
    policies: [
      XRAY_DAEMON,
      policy(
        deny({
          Action: 'xray:*',
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:PrincipalAccount': ['123456789012', '111122223333'] } },
        }),
      ),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:PrincipalAccount': '111122223333' } },
    decision: 'allow',
  },
  {
    name: 'a negated operator on an absent key is true',
    source: `${DOCS}/reference_policies_elements_condition_operators.html (Important note)`,
    policies: [
      XRAY_DAEMON,
      policy(deny({ Action: '*', Resource: '*', Condition: { StringNotLike: { 'aws:PrincipalTag/team': 'obs*' } } })),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'explicit-deny',
  },
  {
    name: '...IfExists on an absent key is true',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_IfExists`,
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'obs' } },
        }),
      ),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'allow',
  },
  {
    name: '...IfExists on a present key is evaluated',
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: { StringEqualsIfExists: { 'aws:PrincipalTag/team': 'obs' } },
        }),
      ),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:PrincipalTag/team': 'web' } },
    decision: 'implicit-deny',
  },
  {
    name: 'StringLike with a wildcard',
    policies: [
      policy(
        allow({ Action: 'xray:*', Resource: '*', Condition: { StringLike: { 'aws:userid': 'AROA*:collector' } } }),
      ),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:userid': 'AROAEXAMPLE:collector' } },
    decision: 'allow',
  },
  {
    name: 'Bool aws:SecureTransport false denies',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_Boolean (BooleanExample)`,
    policies: [
      policy(
        allow({ Action: 's3:*', Resource: '*' }),
        deny({
          Sid: 'BooleanExample',
          Action: 's3:*',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ),
    ],
    request: { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context: { 'aws:SecureTransport': false } },
    decision: 'explicit-deny',
  },
  {
    name: 'Bool aws:SecureTransport true passes the same policy',
    policies: [
      policy(
        allow({ Action: 's3:*', Resource: '*' }),
        deny({ Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ),
    ],
    request: { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', context: { 'aws:SecureTransport': true } },
    decision: 'allow',
  },
  {
    name: 'NumericLessThanEquals on s3:max-keys',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_Numeric`,
    policies: [
      policy(
        allow({
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::example_bucket',
          Condition: { NumericLessThanEquals: { 's3:max-keys': '10' } },
        }),
      ),
    ],
    request: { action: 's3:ListBucket', resource: 'arn:aws:s3:::example_bucket', context: { 's3:max-keys': 11 } },
    decision: 'implicit-deny',
  },
  {
    name: 'DateGreaterThan on aws:TokenIssueTime (ISO)',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_Date`,
    policies: [
      policy(
        allow({
          Action: 'iam:*AccessKey*',
          Resource: '*',
          Condition: { DateGreaterThan: { 'aws:TokenIssueTime': '2020-01-01T00:00:01Z' } },
        }),
      ),
    ],
    request: { action: 'iam:ListAccessKeys', resource: '*', context: { 'aws:TokenIssueTime': '2024-05-01T10:00:00Z' } },
    decision: 'allow',
  },
  {
    name: 'DateLessThan against aws:EpochTime (epoch seconds)',
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: { DateLessThan: { 'aws:EpochTime': '2020-01-01T00:00:00Z' } },
        }),
      ),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:EpochTime': 1_700_000_000 } },
    decision: 'implicit-deny',
  },
  {
    name: 'IpAddress with IPv4 and IPv6 ranges',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_IPAddress`,
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:DB8:1234:5678::/64'] } },
        }),
      ),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:SourceIp': '2001:db8:1234:5678::9' } },
    decision: 'allow',
  },
  {
    name: 'NotIpAddress denies outside the range',
    policies: [
      XRAY_DAEMON,
      policy(deny({ Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:SourceIp': '198.51.100.7' } },
    decision: 'explicit-deny',
  },
  {
    name: 'StringLike lets a wildcard cross colons where ArnLike does not (StringLike)',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_ARN`,
    policies: [
      policy(
        allow({
          Action: 'sqs:*',
          Resource: '*',
          Condition: { StringLike: { 'aws:SourceArn': 'arn:aws:someservice:*:111122223333:finance/*' } },
        }),
      ),
    ],
    request: {
      action: 'sqs:SendMessage',
      resource: '*',
      context: {
        'aws:SourceArn': 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt',
      },
    },
    decision: 'allow',
  },
  {
    name: 'StringLike lets a wildcard cross colons where ArnLike does not (ArnLike)',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_ARN`,
    policies: [
      policy(
        allow({
          Action: 'sqs:*',
          Resource: '*',
          Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:someservice:*:111122223333:finance/*' } },
        }),
      ),
    ],
    request: {
      action: 'sqs:SendMessage',
      resource: '*',
      context: {
        'aws:SourceArn': 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt',
      },
    },
    decision: 'implicit-deny',
  },
  {
    name: 'ArnEquals on aws:PrincipalArn',
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/collector' } },
        }),
      ),
    ],
    request: {
      action: 'xray:PutTraceSegments',
      resource: '*',
      context: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/collector' },
    },
    decision: 'allow',
  },
  {
    name: 'Null true: the key must be absent',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_Null`,
    policies: [
      policy(allow({ Action: 'xray:*', Resource: '*', Condition: { Null: { 'aws:TokenIssueTime': 'true' } } })),
    ],
    request: {
      action: 'xray:PutTraceSegments',
      resource: '*',
      context: { 'aws:TokenIssueTime': '2024-05-01T10:00:00Z' },
    },
    decision: 'implicit-deny',
  },
  {
    name: 'ForAllValues on an absent key is true',
    source: `${DOCS}/reference_policies_multi-value-conditions.html`,
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } },
        }),
      ),
    ],
    request: { action: 'xray:TagResource', resource: '*' },
    decision: 'allow',
  },
  {
    name: 'ForAllValues: every request value must be listed',
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } },
        }),
      ),
    ],
    request: { action: 'xray:TagResource', resource: '*', context: { 'aws:TagKeys': ['team', 'owner'] } },
    decision: 'implicit-deny',
  },
  {
    name: 'ForAnyValue on an absent key is false',
    source: `${DOCS}/reference_policies_multi-value-conditions.html`,
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } },
        }),
      ),
    ],
    request: { action: 'xray:TagResource', resource: '*' },
    decision: 'implicit-deny',
  },
  {
    name: 'ForAnyValue: one listed request value is enough',
    policies: [
      policy(
        allow({ Action: 'xray:*', Resource: '*', Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['te*'] } } }),
      ),
    ],
    request: { action: 'xray:TagResource', resource: '*', context: { 'aws:TagKeys': ['owner', 'team'] } },
    decision: 'allow',
  },
  {
    name: 'a policy variable in the resource (home directory example)',
    source: `${DOCS}/reference_policies_elements_condition_operators.html#Conditions_String (S3 home directory example)`,
    policies: [policy(allow({ Action: 's3:*', Resource: ['arn:aws:s3:::BUCKET-NAME/home/${aws:username}/*'] }))],
    request: {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::BUCKET-NAME/home/janedoe/notes.txt',
      context: { 'aws:username': 'janedoe' },
    },
    decision: 'allow',
  },
  {
    name: 'a policy variable without a value matches no resource',
    source: `${DOCS}/reference_policies_variables.html#policy-vars-no-value`,
    policies: [policy(allow({ Action: 's3:*', Resource: ['arn:aws:s3:::BUCKET-NAME/home/${aws:username}/*'] }))],
    request: { action: 's3:GetObject', resource: 'arn:aws:s3:::BUCKET-NAME/home/janedoe/notes.txt' },
    decision: 'implicit-deny',
  },
  {
    name: 'a policy variable with a default value',
    source: `${DOCS}/reference_policies_variables.html#policy-vars-default-values`,
    policies: [
      policy(
        allow({ Action: 's3:*', Resource: "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}" }),
      ),
    ],
    request: { action: 's3:ListBucket', resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide' },
    decision: 'allow',
  },
  {
    name: 'variables are literal in a Version 2008-10-17 document',
    source: `${DOCS}/reference_policies_variables.html`,
    policies: [
      {
        name: 'old',
        document: {
          Version: '2008-10-17',
          Statement: [allow({ Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}' })],
        },
      },
    ],
    request: { action: 's3:GetObject', resource: 'arn:aws:s3:::b/janedoe', context: { 'aws:username': 'janedoe' } },
    decision: 'implicit-deny',
  },
  {
    name: '${*} is a literal asterisk, not a wildcard',
    source: `${DOCS}/reference_policies_variables.html#policy-vars-specialchars`,
    policies: [policy(allow({ Action: 's3:*', Resource: 'arn:aws:s3:::b/${*}' }))],
    request: { action: 's3:GetObject', resource: 'arn:aws:s3:::b/anything' },
    decision: 'implicit-deny',
  },
  {
    name: 'a condition variable without a value: StringEquals does not match',
    source: `${DOCS}/reference_policies_variables.html#policy-vars-no-value`,
    policies: [
      policy(
        allow({
          Action: 'xray:*',
          Resource: '*',
          Condition: { StringEquals: { 'aws:PrincipalTag/team': '${aws:username}' } },
        }),
      ),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:PrincipalTag/team': 'obs' } },
    decision: 'implicit-deny',
  },
  {
    name: 'condition key names are not case sensitive',
    source: `${DOCS}/reference_policies_elements_condition.html`,
    policies: [
      policy(
        allow({ Action: 'xray:*', Resource: '*', Condition: { StringEquals: { 'AWS:RequestedRegion': 'us-east-1' } } }),
      ),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:requestedregion': 'us-east-1' } },
    decision: 'allow',
  },
  {
    name: 'an unsupported condition operator never grants (Allow does not apply)',
    policies: [
      policy(allow({ Action: 'xray:*', Resource: '*', Condition: { StringMatchesRegex: { 'aws:userid': '.*' } } })),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*', context: { 'aws:userid': 'x' } },
    decision: 'implicit-deny',
    unsupported: true,
  },
  {
    name: 'an unsupported condition operator in a Deny is assumed to apply (fail closed)',
    policies: [
      XRAY_DAEMON,
      policy(deny({ Action: 'xray:*', Resource: '*', Condition: { StringMatchesRegex: { 'aws:userid': 'x' } } })),
    ],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'explicit-deny',
    unsupported: true,
  },
  {
    name: 'a Principal in an identity-based policy is not understood and grants nothing',
    source: `${DOCS}/reference_policies_elements_principal.html`,
    policies: [policy(allow({ Principal: '*', Action: 'xray:*', Resource: '*' }))],
    request: { action: 'xray:PutTraceSegments', resource: '*' },
    decision: 'implicit-deny',
    unsupported: true,
  },
];

const PROVIDER = 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE';
const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE';

const trustCases: Case[] = [
  {
    name: 'IRSA trust: Federated provider, sub and aud match',
    policies: [
      policy(
        allow({
          Principal: { Federated: PROVIDER },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:ns:sa', [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
          },
        }),
      ),
    ],
    request: {
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'Federated', id: PROVIDER },
      context: { [`${ISSUER}:sub`]: 'system:serviceaccount:ns:sa', [`${ISSUER}:aud`]: 'sts.amazonaws.com' },
    },
    decision: 'allow',
  },
  {
    name: 'IRSA trust: another provider is not admitted',
    policies: [policy(allow({ Principal: { Federated: PROVIDER }, Action: 'sts:AssumeRoleWithWebIdentity' }))],
    request: {
      action: 'sts:AssumeRoleWithWebIdentity',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'Federated', id: `${PROVIDER}OTHER` },
    },
    decision: 'implicit-deny',
  },
  {
    name: 'Pod Identity trust: Service pods.eks.amazonaws.com with sts:AssumeRole and sts:TagSession',
    policies: [
      policy(allow({ Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] })),
    ],
    request: {
      action: 'sts:TagSession',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'Service', id: 'pods.eks.amazonaws.com' },
    },
    decision: 'allow',
  },
  {
    name: 'AWS principal by account id admits a user of the account',
    source: `${DOCS}/reference_policies_elements_principal.html#principal-accounts`,
    policies: [policy(allow({ Principal: { AWS: '111122223333' }, Action: 'sts:AssumeRole' }))],
    request: {
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:user/alice' },
    },
    decision: 'allow',
  },
  {
    name: 'AWS principal root ARN does not admit another account',
    policies: [policy(allow({ Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'sts:AssumeRole' }))],
    request: {
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'AWS', id: 'arn:aws:iam::999999999999:user/alice' },
    },
    decision: 'implicit-deny',
  },
  {
    name: 'a role ARN principal admits the sessions of that role (role path not in the session ARN)',
    source: `${DOCS}/reference_policies_elements_principal.html#principal-roles`,
    policies: [
      policy(allow({ Principal: { AWS: ['arn:aws:iam::111122223333:role/team/builder'] }, Action: 'sts:AssumeRole' })),
    ],
    request: {
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'AWS', id: 'arn:aws:sts::111122223333:assumed-role/builder/ci' },
    },
    decision: 'allow',
  },
  {
    name: '{"AWS": "*"} is the same as "*"',
    source: `${DOCS}/reference_policies_elements_principal.html#principal-anonymous`,
    policies: [policy(allow({ Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }))],
    request: {
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'AWS', id: 'arn:aws:iam::999999999999:user/x' },
    },
    decision: 'allow',
  },
  {
    name: 'NotPrincipal with Deny denies everyone else',
    policies: [
      policy(
        allow({ Principal: '*', Action: 'sts:AssumeRole' }),
        deny({ NotPrincipal: { AWS: 'arn:aws:iam::111122223333:user/alice' }, Action: 'sts:AssumeRole' }),
      ),
    ],
    request: {
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:user/bob' },
    },
    decision: 'explicit-deny',
  },
];

describe('IAM policy evaluator: identity-based policies', () => {
  it.each(identityCases)('$name', ({ policies, request, decision, unsupported }) => {
    const evaluation = evaluatePolicies(policies, request);
    expect(evaluation.decision).toBe(decision);
    expect(evaluation.unsupported.length > 0).toBe(unsupported ?? false);
  });
});

describe('IAM policy evaluator: trust policies', () => {
  it.each(trustCases)('$name', ({ policies, request, decision }) => {
    expect(evaluatePolicies(policies, request).decision).toBe(decision);
  });

  it('says how the principal was admitted (account delegation needs an identity-based policy as well)', () => {
    const trust = [
      policy(
        allow({
          Principal: { AWS: ['111122223333', 'arn:aws:iam::111122223333:user/alice'] },
          Action: 'sts:AssumeRole',
        }),
      ),
    ];
    const asAlice = evaluatePolicies(trust, {
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:user/alice' },
    });
    expect(asAlice.allowedBy).toEqual([{ policy: 'test', statement: 0, principal: 'named' }]);
    const asBob = evaluatePolicies(trust, {
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::111122223333:role/r',
      principal: { type: 'AWS', id: 'arn:aws:iam::111122223333:user/bob' },
    });
    expect(asBob.allowedBy).toEqual([{ policy: 'test', statement: 0, principal: 'account' }]);
  });
});

describe('deniedActions (for doctor)', () => {
  it('lists the actions a policy set does not allow, with the statement that denies', () => {
    const denyPut = policy(deny({ Sid: 'NoTraces', Action: 'xray:PutTraceSegments', Resource: '*' }));
    const result = deniedActions(
      [XRAY_DAEMON, denyPut],
      [
        { action: 'xray:PutTraceSegments', resource: '*' },
        { action: 'xray:GetSamplingRules', resource: '*' },
        { action: 'logs:PutLogEvents', resource: LOG_STREAM },
      ],
    );
    expect(result).toEqual([
      {
        action: 'xray:PutTraceSegments',
        resource: '*',
        decision: 'explicit-deny',
        deniedBy: [{ policy: 'test', statement: 0, sid: 'NoTraces' }],
        unsupported: [],
        reason: 'xray:PutTraceSegments on * is denied by test statement 1 (NoTraces)',
      },
      {
        action: 'logs:PutLogEvents',
        resource: LOG_STREAM,
        decision: 'implicit-deny',
        deniedBy: [],
        unsupported: [],
        reason: `no statement allows logs:PutLogEvents on ${LOG_STREAM}`,
      },
    ]);
  });

  it('a valid custom policy passes where comparing managed policy ARNs would not', () => {
    const custom = policy(allow({ Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' }));
    expect(deniedActions([custom], [{ action: 'xray:PutTraceSegments', resource: '*' }])).toEqual([]);
  });
});
