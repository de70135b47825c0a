/** What a failed AWS SDK call surfaced: the error's name and message, and the HTTP status of the answer. */
export interface AwsCallError {
  name: string;
  message: string;
  status: number | undefined;
}

/** Awaits a call that must fail and returns its error; a call that succeeds fails the test. */
export async function errorOf(promise: Promise<unknown>): Promise<AwsCallError> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
