import type { Command } from 'commander';
import { usageError } from '../core/errors.js';
import type { OutputFormat } from '../ports.js';

/** the columns every help page is formatted for (src/cli/root.ts) */
export const HELP_WIDTH = 80;

/** One line of a command's Examples section: what it does, then the command. */
export interface Example {
  what: string;
  run: string;
}

export interface Usage {
  /** the -o formats the command accepts (the same list its ctx.action refuses others by) */
  outputs: readonly OutputFormat[];
  examples: readonly Example[];
}

/** Ends a command's help with the -o formats it accepts and its examples, the way kubectl and helm show them. */
export function describeUsage(command: Command, usage: Usage): Command {
  return command.addHelpText('after', () =>
    [
      '',
      `Output formats: ${usage.outputs.map((format) => `-o ${format}`).join(', ')}`,
      '',
      'Examples:',
      ...usage.examples.map((example) => `  # ${example.what}\n  ${example.run}`),
    ].join('\n'),
  );
}

const HELP_FLAGS = new Set(['-h', '--help']);

/**
 * The command whose help argv asks for (`adot X --help`, `adot help X`, `adot X Y -h`), or undefined when argv
 * asks for no help. Options and their values are skipped by name: a token that names a subcommand descends.
 */
export function commandAskedForHelp(program: Command, argv: readonly string[]): Command | undefined {
  const helpCommand = argv[0] === 'help';
  if (!helpCommand && !argv.some((arg) => HELP_FLAGS.has(arg))) return undefined;
  let command = program;
  for (const arg of helpCommand ? argv.slice(1) : argv) {
    if (arg.startsWith('-')) continue;
    const sub = command.commands.find((candidate) => candidate.name() === arg);
    if (sub === undefined) continue;
    command = sub;
  }
  return command;
}

/**
 * Refuses `adot help NAME` (or `adot sandbox help NAME`) for a command that does not exist, as a usage error (exit 2,
 * and the error document under -o json) instead of commander's help on stderr.
 */
export function assertHelpTopicExists(program: Command, argv: readonly string[]): void {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  let command = program;
  for (const [index, word] of words.entries()) {
    if (word === 'help' && !command.commands.some((sub) => sub.name() === 'help')) {
      const topic = words[index + 1];
      const names = program
        .createHelp()
        .visibleCommands(command)
        .map((sub) => sub.name())
        .filter((name) => name !== 'help');
      if (topic === undefined || names.includes(topic)) return;
      const path = [program.name(), ...words.slice(0, index)].join(' ');
      throw usageError('UnknownCommand', `unknown command '${topic}'`, {
        hint: `${path} help <command>, one of: ${names.join(', ')}`,
      });
    }
    const sub = command.commands.find((candidate) => candidate.name() === word);
    if (sub === undefined) return;
    command = sub;
  }
}

/**
 * Adds the `--set` keys and their meaning to the help of a command that has `--set`. Loaded only when such help is
 * asked for: the table of keys lives with the code that applies them (src/core/templates/settings.ts), which loads
 * the collector-configuration code that `adot --help` and `--version` must not pay for.
 */
export async function addSetKeysHelp(command: Command): Promise<void> {
  if (!command.options.some((option) => option.long === '--set')) return;
  const [{ describeSettableKeys }, { TEMPLATE_TARGETS }] = await Promise.all([
    import('../core/templates/settings.js'),
    import('../core/targets.js'),
  ]);
  const keys = describeSettableKeys(TEMPLATE_TARGETS);
  const width = Math.max(...keys.map(({ key }) => key.length));
  command.addHelpText('after', () =>
    [
      '',
      '--set keys (--set key=value, repeatable):',
      ...keys.map(
        ({ key, description, targets }) =>
          `  ${key.padEnd(width)}  ${description}${targets === undefined ? '' : ` (--target ${targets.join(' or ')})`}`,
      ),
    ].join('\n'),
  );
}
