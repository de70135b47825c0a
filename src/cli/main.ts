import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { type ExitStatus, isAdotError } from '../core/errors.js';
import { packageFileUrl, packageVersion } from '../package-files.js';
import type { System, SystemOptions } from '../system.js';
import { errorDocumentFor, errorDocument } from '../ui/json.js';
import { resolveColorLevel } from '../ui/color.js';
import { asInvoked, invocationName } from '../ui/invocation.js';
import type { InStream, OutStream } from '../ui/streams.js';
import { addSetKeysHelp, assertHelpTopicExists, commandAskedForHelp } from './help.js';
import { helpCommandLines, renderHelpPages, type HelpPages } from './help-pages.js';
import { createRootCommand } from './root.js';

export interface CliDeps {
  stdin: InStream;
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** when given, the caller owns interruption; otherwise run() turns SIGINT into an abort */
  signal?: AbortSignal;
  /** replaces the composition root (tests, embedding) */
  system?: (options: SystemOptions) => Promise<System>;
  /** the process runs adot alone (bin/adot.js), so a command may tune it process-wide (the collector's V8 heap) */
  ownsProcess?: boolean;
  /** how the person ran adot, for the commands hints print (default: told by npm's environment and the script path) */
  invokedAs?: string;
}

/**
 * Runs adot with these arguments and returns the exit status. The one place that maps errors to exit codes:
 * AdotError -> its status, commander usage errors -> 2, an interrupted wait -> 130, anything else -> 1
 * ("internal error", stack only under -v). Never calls process.exit.
 */
export async function run(argv: string[], deps: Partial<CliDeps> = {}): Promise<ExitStatus> {
  const stdout = deps.stdout ?? quietOnClosedPipe(process.stdout);
  const stderr = deps.stderr ?? quietOnClosedPipe(process.stderr);
  const env = deps.env ?? process.env;
  if (deps.env === undefined) quietSdkNodeVersionWarning();
  const cwd = deps.cwd ?? process.cwd();
  const invokedAs =
    deps.invokedAs ??
    (deps.env === undefined
      ? invocationName({ env, cwd, ...(process.argv[1] ? { script: process.argv[1] } : {}) })
      : 'adot');
  const controller = new AbortController();
  // every SDK and Kubernetes call in flight listens on this one signal (doctor makes dozens at once): Node's default
  // of 10 listeners would print a MaxListenersExceededWarning to the user's terminal
  setMaxListeners(1000, controller.signal);
  const detach = deps.signal ? follow(deps.signal, controller) : interruptOnSigint(controller);
  const systems: System[] = [];
  let status: ExitStatus = 0;
  const verbose = argv.includes('-v') || argv.includes('--verbose');
  let commandNames: string[] = [];
  try {
    const makeSystem =
      deps.system ?? (async (options: SystemOptions) => (await import('../system.js')).createSystem(options));
    const program = createRootCommand({
      version: packageVersion(),
      io: {
        // process.stdin is made on first use (it loads Node's stream or tty code): most commands never read it
        get stdin() {
          return deps.stdin ?? process.stdin;
        },
        stdout,
        stderr,
        env,
        cwd,
        signal: controller.signal,
        invokedAs,
      },
      makeSystem,
      entryScript: fileURLToPath(packageFileUrl('bin/adot.js')),
      nodePath: process.execPath,
      ownsProcess: deps.ownsProcess ?? false,
      onStatus: (returned) => (status = returned),
      onSystem: (system) => systems.push(system),
    });
    commandNames = program.commands.map((command) => command.name());
    assertHelpTopicExists(program, argv);
    const helpOf = commandAskedForHelp(program, argv);
    if (helpOf !== undefined) await addSetKeysHelp(helpOf);
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const aborted = controller.signal.aborted;
    status = await report(error, { argv, stdout, stderr, env, verbose, aborted, commandNames, invokedAs });
  } finally {
    for (const system of systems) {
      await system.close().catch((error: unknown) => {
        if (verbose) stderr.write(`warning: cleanup failed: ${String(error)}\n`);
      });
    }
    detach();
  }
  return status;
}

/**
 * Every help page, rendered by run() itself: the build writes them to dist/bundle/help-pages.json for bin/adot.js
 * (src/cli/help-pages.ts says why).
 */
export async function helpPages(): Promise<HelpPages> {
  const { Readable, Writable } = await import('node:stream');
  const sink = (chunks: string[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString());
        done();
      },
    });
  const render = async (argv: string[]) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const status = await run(argv, {
      stdout: sink(stdout),
      stderr: sink(stderr),
      env: {},
      cwd: '/',
      signal: new AbortController().signal,
      system: () => Promise.reject(new Error('a help page runs no command')),
    });
    return { status, stdout: stdout.join(''), stderr: stderr.join('') };
  };
  const program = createRootCommand({
    version: packageVersion(),
    io: {
      stdin: Readable.from([]),
      stdout: sink([]),
      stderr: sink([]),
      env: {},
      cwd: '/',
      signal: new AbortController().signal,
    },
    makeSystem: () => Promise.reject(new Error('a help page runs no command')),
    entryScript: '',
    nodePath: '',
    ownsProcess: false,
    onStatus: () => undefined,
    onSystem: () => undefined,
  });
  return renderHelpPages(packageVersion(), helpCommandLines(program), render);
}

interface ReportContext {
  argv: string[];
  stdout: OutStream;
  stderr: OutStream;
  env: Record<string, string | undefined>;
  verbose: boolean;
  aborted: boolean;
  commandNames: string[];
  invokedAs: string;
}

async function report(error: unknown, context: ReportContext): Promise<ExitStatus> {
  if (error instanceof CommanderError && error.exitCode === 0) return 0; // --help, --version
  const json = requestedFormat(context.argv) === 'json';
  const { createStyle } = await import('../ui/style.js');
  const style = createStyle(
    resolveColorLevel({
      flag: !context.argv.includes('--no-color'),
      env: context.env,
      isTTY: Boolean(context.stderr.isTTY),
    }),
  );
  const print = (code: string, message: string, hint: string | undefined): void => {
    if (json) context.stdout.write(`${JSON.stringify(errorDocument({ code, message, hint }), null, 2)}\n`);
    else {
      const shown = (text: string) => asInvoked(text, context.invokedAs);
      context.stderr.write(
        `${style.fail('error:')} ${shown(message)}\n${hint ? `${style.dim('hint:')} ${shown(hint)}\n` : ''}`,
      );
    }
  };

  if (error instanceof CommanderError) {
    if (error.code === 'commander.help') return 2; // no command given: help went to stderr
    const message = error.message.replace(/^error: /, '');
    const command = context.argv.find((arg) => context.commandNames.includes(arg));
    print('UsageError', message, `see: adot ${command === undefined ? '' : `${command} `}--help`);
    return 2;
  }
  if (isAdotError(error)) {
    print(error.code, error.message, error.hint);
    if (context.verbose && error.cause !== undefined) context.stderr.write(`cause: ${describeCause(error.cause)}\n`);
    return error.exitStatus;
  }
  if (context.aborted) {
    print('Interrupted', 'interrupted', undefined);
    return 130;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    context.stdout.write(`${JSON.stringify(errorDocumentFor(error), null, 2)}\n`);
  } else {
    print('InternalError', `internal error: ${message}`, context.verbose ? undefined : 'run again with -v for details');
  }
  if (context.verbose && error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n`);
  return 1;
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  return `${cause.name}: ${cause.message}`;
}

/** -o/--output as written, found without commander so that errors during parsing are reported in that format */
function requestedFormat(argv: string[]): string | undefined {
  let format: string | undefined;
  argv.forEach((arg, index) => {
    if (arg === '-o' || arg === '--output') format = argv[index + 1];
    else if (arg.startsWith('--output=')) format = arg.slice('--output='.length);
    else if (/^-o[a-z]+$/.test(arg)) format = arg.slice(2);
  });
  return format;
}

/**
 * The AWS SDK warns on every run under Node 20 that its releases from 2027 will need Node 22. adot pins its SDK
 * versions and supports Node >= 20.19 (package.json engines), so the warning is noise on a CLI's stderr. The SDK
 * reads only process.env for this switch; a user who sets it keeps their value.
 */
function quietSdkNodeVersionWarning(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}

/**
 * A reader that went away (`adot install --help | head -1`) ends the output, not the run with a stack trace: Node
 * emits EPIPE as an 'error' event on the stream, which crashes the process when nothing listens.
 */
function quietOnClosedPipe<Stream extends NodeJS.WritableStream>(stream: Stream): Stream {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return stream;
}

function follow(signal: AbortSignal, controller: AbortController): () => void {
  const abort = (): void => controller.abort(signal.reason);
  if (signal.aborted) abort();
  signal.addEventListener('abort', abort, { once: true });
  return () => signal.removeEventListener('abort', abort);
}

/**
 * The one owner of SIGINT and SIGTERM for the whole run (spinners and prompts included): the first Ctrl-C (or
 * SIGTERM, e.g. `sandbox stop` ending `sandbox serve`) aborts the running command, which stops at its next safe point
 * and exits 130; a second one ends the process at once, by the signal.
 *
 * The handler stays installed after the first signal on purpose: ora's cursor restore listens through signal-exit,
 * which re-raises a signal (killing the process before it can report) when its own listeners are the only ones left.
 */
function interruptOnSigint(controller: AbortController): () => void {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      controller.abort();
      return;
    }
    detach();
    process.kill(process.pid, signal);
  };
  const detach = (): void => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  return detach;
}
