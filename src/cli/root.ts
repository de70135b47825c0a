import { Command } from 'commander';
import type { ExitStatus } from '../core/errors.js';
import { usageError } from '../core/errors.js';
import type { System, SystemIo, SystemOptions } from '../system.js';
import { COMMANDS } from './commands/index.js';
import { HELP_WIDTH } from './help.js';
import type { CommandContext } from './context.js';
import { addGlobalOptions, resolveGlobalOptions } from './program.js';

export interface RootOptions {
  version: string;
  io: SystemIo;
  makeSystem: (options: SystemOptions) => Promise<System>;
  entryScript: string;
  nodePath: string;
  ownsProcess: boolean;
  /** the exit status a handler returned */
  onStatus: (status: ExitStatus) => void;
  /** every System built, so that run() can close it */
  onSystem: (system: System) => void;
}

/** The commander tree: global options, every command, output to our streams, errors thrown instead of exiting. */
export function createRootCommand(options: RootOptions): Command {
  const { io } = options;
  const program = new Command('adot')
    .description('Install and diagnose the AWS Distro for OpenTelemetry (ADOT) add-on on Amazon EKS')
    .version(options.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      // run() prints usage errors itself (text or JSON), with a hint
      outputError: () => undefined,
      // help is formatted for HELP_WIDTH columns wherever it is printed (like git's and kubectl's), not for the
      // terminal's width: the same text in a terminal, a pipe and the docs, and bin/adot.js can print it ready-made
      getOutHelpWidth: () => HELP_WIDTH,
      getErrHelpWidth: () => HELP_WIDTH,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showSuggestionAfterError(true)
    // subcommands inherit these (commander copies them in .command()): help of `adot install` lists the global
    // options too, and `adot help install` prints it
    .configureHelp({ showGlobalOptions: true })
    .helpCommand('help [command]', 'show help for a command');
  addGlobalOptions(program);
  program.addHelpText(
    'after',
    [
      '',
      'Examples:',
      '  # try it on this machine, nothing of AWS needed',
      '  adot install --sandbox --target xray --yes',
      '  # what a cluster lacks before an install, then install (asks for what is missing)',
      '  adot doctor --pre --cluster demo --region us-west-2 && adot install --cluster demo --region us-west-2',
      '  # CI: no prompts, a JSON document on stdout',
      '  adot install --cluster demo --target xray --yes -o json',
      '',
      'adot help <command> (or adot <command> --help) shows its options and examples;',
      'adot completion bash|zsh|fish prints a shell completion script. Contract: docs/contract.md',
    ].join('\n'),
  );

  const context: CommandContext = {
    action:
      (spec, handler) =>
      async (...actionArgs: unknown[]) => {
        const command = actionArgs[actionArgs.length - 1] as Command;
        const global = resolveGlobalOptions(program.opts(), io.env);
        if (!spec.outputs.includes(global.output)) {
          throw usageError('UnsupportedOutput', `adot ${command.name()} does not support -o ${global.output}`, {
            hint: `use one of: ${spec.outputs.map((format) => `-o ${format}`).join(', ')}`,
          });
        }
        // loaded here, not at the top: `adot --help` and `--version` must not pay for chalk, ora and yaml
        const { createOutput } = await import('../system.js');
        const output = createOutput(global, io);
        let system: Promise<System> | undefined;
        const status = await handler({
          args: actionArgs.slice(0, -2).map(String),
          options: command.opts(),
          global,
          io,
          output,
          system: () =>
            (system ??= options.makeSystem({ ...global, io, outputPort: output }).then((built) => {
              options.onSystem(built);
              return built;
            })),
          entryScript: options.entryScript,
          nodePath: options.nodePath,
          ownsProcess: options.ownsProcess,
        });
        options.onStatus(status ?? 0);
      },
  };
  for (const register of COMMANDS) register(program, context);
  return program;
}
