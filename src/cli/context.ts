import type { Command } from 'commander';
import type { ExitStatus } from '../core/errors.js';
import type { Output, OutputFormat } from '../ports.js';
import type { System, SystemIo } from '../system.js';
import type { GlobalOptions } from './program.js';

/** One run of a command, as its handler sees it. */
export interface Invocation {
  /** positional arguments */
  args: string[];
  /** the command's own options as commander collected them (camelCase keys): read them with parseOptions (src/cli/options.ts) */
  options: Record<string, unknown>;
  global: GlobalOptions;
  io: SystemIo;
  /** the IO host, available before (and without) a System */
  output: Output;
  /** the composition root, built on first call and closed by run() */
  system(): Promise<System>;
  /** absolute path of bin/adot.js and of node, for commands that start adot in another process */
  entryScript: string;
  nodePath: string;
  /** the process runs this command alone (bin/adot.js), not embedded (tests): it may be tuned process-wide */
  ownsProcess: boolean;
}

export type CommandHandler = (invocation: Invocation) => Promise<ExitStatus | void>;

/** What each src/cli/commands/<name>.ts receives in register(program, ctx). */
export interface CommandContext {
  /**
   * Wraps a handler into a commander action: merges global options with the environment, refuses an `-o` the
   * command does not accept (exit 2), and records the handler's exit status (void = 0).
   */
  action(spec: { outputs: readonly OutputFormat[] }, handler: CommandHandler): (...args: unknown[]) => Promise<void>;
}

export type Registrar = (program: Command, ctx: CommandContext) => void;
