import { isAdotError } from '../../core/errors.js';

/**
 * A prompt's validation from the check a flag's value goes through: the answer is accepted exactly when the flag
 * would be, and a refused answer is asked again with the flag's message and hint instead of ending the run.
 */
export function validatedAs(check: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      check(value);
      return true;
    } catch (error) {
      if (isAdotError(error)) return error.hint === undefined ? error.message : `${error.message} (${error.hint})`;
      return error instanceof Error ? error.message : String(error);
    }
  };
}
