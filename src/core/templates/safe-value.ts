import { usageError } from '../errors.js';

/** Refuses control characters (newlines included) and template tokens in any value, whatever its field. */
export function assertSafeValue(value: string, flag: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw usageError('UnsafeValue', `${flag} must not contain newlines or control characters`, {
      hint: `Give ${flag} a single-line value`,
      details: { flag },
    });
  }
  if (value.includes('{{') || value.includes('}}')) {
    throw usageError('UnsafeValue', `${flag} must not contain "{{" or "}}"`, {
      details: { flag },
    });
  }
}
