import { usageError } from '../../core/errors.js';

/** A missing value when no one can be asked: name the flag (and its environment variable). */
export function missingValue(flag: string, what: string, env?: string): Error {
  return usageError('MissingValue', `${what} is required: pass ${flag}${env === undefined ? '' : ` or set ${env}`}`, {
    hint: `pass ${flag} <value>, or run in a terminal (without --yes and with CI unset) to be asked`,
  });
}

export { regionOfArn } from '../../core/arn.js';
