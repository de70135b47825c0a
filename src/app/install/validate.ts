import { usageError } from '../../core/errors.js';

/**
 * Input checks that need no AWS or Kubernetes call, run before anything else so bad input exits 2 having
 * touched nothing.
 */
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

export function validateClusterName(name: string): string {
  if (!EKS_CLUSTER_NAME.test(name)) {
    throw usageError('InvalidClusterName', `Not a valid EKS cluster name: "${name}"`, {
      hint: '1-100 letters, digits, - or _, starting with a letter or digit; list them with: aws eks list-clusters',
    });
  }
  return name;
}

export function validateRoleName(name: string): string {
  if (!/^[\w+=,.@-]{1,64}$/.test(name)) {
    throw usageError('InvalidRoleName', `Not a valid IAM role name: "${name}"`, {
      hint: 'Use --role-name with 1-64 letters, digits or +=,.@_- (default EKS-ADOT-ServiceAccount-Role)',
    });
  }
  return name;
}

/** `--set key=value` (repeatable) into a map; the keys are checked against the templates by validateTemplateValues. */
export function parseSetValues(values: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const entry of values) {
    const equals = entry.indexOf('=');
    if (equals <= 0) {
      throw usageError('InvalidSet', `--set expects key=value, got "${entry}"`, {
        hint: 'e.g. --set batch.timeout=5s (adot apply-template --help lists the keys)',
      });
    }
    result[entry.slice(0, equals).trim()] = entry.slice(equals + 1);
  }
  return result;
}

/** A missing value when no one can be asked: name the flag (and its environment variable). */
export function missingValue(flag: string, what: string, env?: string): Error {
  return usageError('MissingValue', `${what} is required: pass ${flag}${env === undefined ? '' : ` or set ${env}`}`, {
    hint: `pass ${flag} <value>, or run in a terminal (without --yes and with CI unset) to be asked`,
  });
}

export { regionOfArn } from '../../core/arn.js';
