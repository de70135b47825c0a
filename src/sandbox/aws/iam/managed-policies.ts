import { createHash } from 'node:crypto';
import data from './managed-policies.json' with { type: 'json' };

/**
 * The AWS managed policies the sandbox knows, with their real default documents and version ids. The data file is
 * taken from moto 5.2.1 (moto/iam/aws_managed_policies.py, which moto imports from AWS) and checked against the
 * AWS Managed Policy Reference (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/); descriptions
 * come from that reference. Only the policies adot and its users attach are kept, not all of AWS's.
 */
export interface AwsManagedPolicyRecord {
  PolicyName: string;
  Path: string;
  Description: string;
  DefaultVersionId: string;
  CreateDate: string;
  UpdateDate: string;
  Document: unknown;
}

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicyRecord[] = data.policies;

export function awsManagedPolicyArn(record: Pick<AwsManagedPolicyRecord, 'Path' | 'PolicyName'>): string {
  return `arn:aws:iam::aws:policy${record.Path}${record.PolicyName}`;
}

/** An IAM-style unique id (prefix + 17 upper-case alphanumerics) derived from a string, stable across runs. */
export function stableId(prefix: string, from: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(from).digest();
  let id = prefix;
  for (let index = 0; index < 17; index += 1) id += alphabet[(digest[index] ?? 0) % alphabet.length];
  return id;
}
