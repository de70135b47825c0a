/** The process streams as the CLI sees them; tests pass captured streams with isTTY false. */
export type OutStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
export type InStream = NodeJS.ReadableStream & { isTTY?: boolean };

export interface Streams {
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
}
