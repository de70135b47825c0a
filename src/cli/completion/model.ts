import type { Command } from 'commander';

/** What a shell completes at one command path ('' is `adot` itself, 'sandbox start' a subcommand). */
export interface CompletionNode {
  path: string;
  /** words that descend to another node */
  subcommands: string[];
  /** words offered that do not descend: choices of a positional argument (`completion bash|zsh|fish`) */
  arguments: string[];
  /** the node's own options and the global ones, with their one-line help */
  options: CompletionOption[];
}

export interface CompletionOption {
  long?: string;
  short?: string;
  description: string;
  /** takes a value (`--target <target>`) */
  valued: boolean;
  /** the values a shell offers after it: choices, targets, scenario names; none = file names */
  values: readonly string[];
}

export interface CompletionModel {
  nodes: CompletionNode[];
}

/** Values of options that commander knows only as free text, by long flag: the real lists (targets, scenarios …). */
export type OptionValues = Readonly<Record<string, readonly string[]>>;

/**
 * The completion model of the command tree as commander sees it (visible commands and options only, the `help`
 * command included), so that no shell script keeps a copy of the commands or flags by hand.
 */
export function completionModel(program: Command, values: OptionValues): CompletionModel {
  const help = program.createHelp();
  const globals = help.visibleOptions(program).map((option) => describe(option, values));
  const nodes: CompletionNode[] = [];
  const visit = (command: Command, path: string): void => {
    const subcommands = help.visibleCommands(command);
    const own = command === program ? [] : help.visibleOptions(command).map((option) => describe(option, values));
    nodes.push({
      path,
      subcommands: subcommands.map((sub) => sub.name()),
      arguments: command.registeredArguments.flatMap((argument) => argument.argChoices ?? []),
      options: [...own, ...globals],
    });
    for (const sub of subcommands) {
      const subPath = path === '' ? sub.name() : `${path} ${sub.name()}`;
      // commander's help command is made on demand and has no subcommands: it completes the command names
      if (sub.name() === 'help' && !command.commands.includes(sub)) {
        const named = subcommands.filter((candidate) => candidate !== sub).map((candidate) => candidate.name());
        nodes.push({ path: subPath, subcommands: [], arguments: named, options: globals });
        continue;
      }
      visit(sub, subPath);
    }
  };
  visit(program, '');
  return { nodes };
}

function describe(
  option: {
    long?: string | undefined;
    short?: string | undefined;
    description: string;
    required: boolean;
    optional: boolean;
    argChoices?: string[] | undefined;
  },
  values: OptionValues,
): CompletionOption {
  return {
    ...(option.long === undefined ? {} : { long: option.long }),
    ...(option.short === undefined ? {} : { short: option.short }),
    description: option.description.split('\n')[0] ?? '',
    valued: option.required || option.optional,
    values: option.argChoices ?? (option.long === undefined ? undefined : values[option.long]) ?? [],
  };
}

/** Every flag (long and short) of the model that takes a value. */
export function valuedFlags(model: CompletionModel): string[] {
  const flags = new Set<string>();
  for (const node of model.nodes) {
    for (const option of node.options) {
      if (!option.valued) continue;
      if (option.long !== undefined) flags.add(option.long);
      if (option.short !== undefined) flags.add(option.short);
    }
  }
  return [...flags].sort();
}

/** Each valued flag with the values offered after it (the first declaration of a flag wins). */
export function flagValues(model: CompletionModel): Map<string, readonly string[]> {
  const found = new Map<string, readonly string[]>();
  for (const node of model.nodes) {
    for (const option of node.options) {
      if (!option.valued) continue;
      for (const flag of [option.long, option.short]) {
        if (flag !== undefined && !found.has(flag)) found.set(flag, option.values);
      }
    }
  }
  return found;
}

/** The words a shell offers at a node: subcommands, argument choices and flags. */
export function nodeWords(node: CompletionNode): string[] {
  const flags = node.options.flatMap((option) => [option.long, option.short].filter((flag) => flag !== undefined));
  return [...node.subcommands, ...node.arguments, ...flags];
}
