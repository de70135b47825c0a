import { Readable, Writable } from 'node:stream';
import type { ExitStatus } from '../../src/core/errors.js';
import { run } from '../../src/cli/main.js';
import type { System, SystemOptions } from '../../src/system.js';

export interface CliRun {
  code: ExitStatus;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** the whole environment the CLI sees (nothing is inherited from the test process) */
  env?: Record<string, string | undefined>;
  /** text on stdin */
  stdin?: string;
  /** replaces the composition root */
  system?: (options: SystemOptions) => Promise<System>;
  cwd?: string;
  /** abort it to interrupt the command (exit 130) */
  signal?: AbortSignal;
  /** how the person ran adot (default `adot`) */
  invokedAs?: string;
}

/** Runs the CLI in-process with captured, non-TTY streams. */
export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<CliRun> {
  const stdout = capture();
  const stderr = capture();
  const code = await run(argv, {
    stdin: Readable.from([options.stdin ?? '']),
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal ?? new AbortController().signal,
    ...(options.system === undefined ? {} : { system: options.system }),
    ...(options.invokedAs === undefined ? {} : { invokedAs: options.invokedAs }),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function capture(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
