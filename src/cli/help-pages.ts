import type { Command } from 'commander';

/**
 * The help pages bin/adot.js prints without loading the CLI bundle: `adot --help`, `adot install -h`,
 * `adot help doctor`, `adot sandbox start --help` … rendered at build time (rolldown.config.mjs writes them to
 * dist/bundle/help-pages.json) by the same run() that prints them otherwise, so they are the same bytes.
 *
 * Why: building the command tree (every command's options) and creating Node's stdout stream cost ~12 ms of a
 * ~34 ms `adot --help` on Node 24 (README: Benchmarks); a page read from a file costs ~1 ms. Help is the same on
 * every machine: it depends on no environment variable and is always formatted for HELP_WIDTH columns (help.ts).
 */
export interface HelpPages {
  /** the package version the pages were rendered for: bin/adot.js ignores pages of another version */
  version: string;
  /** the command line (its arguments joined by single spaces) → the index in texts of what it prints, exit 0 */
  pages: Record<string, number>;
  /** each page once (`adot install --help`, `-h` and `adot help install` print the same) */
  texts: string[];
}

/** The command lines that ask only for help: each command path with --help or -h, and `help <command>`. */
export function helpCommandLines(program: Command): string[][] {
  const lines: string[][] = [['help']];
  const visit = (command: Command, path: string[]): void => {
    lines.push([...path, '--help'], [...path, '-h']);
    if (path.length > 0) lines.push([...path.slice(0, -1), 'help', path[path.length - 1] as string]);
    for (const sub of command.commands) if (sub.name() !== 'help') visit(sub, [...path, sub.name()]);
  };
  visit(program, []);
  return lines;
}

export type RunToStrings = (argv: string[]) => Promise<{ status: number; stdout: string; stderr: string }>;

/** Renders each command line through run(); a line that writes to stderr or fails is left to the full CLI. */
export async function renderHelpPages(version: string, lines: string[][], run: RunToStrings): Promise<HelpPages> {
  const pages: Record<string, number> = {};
  const texts: string[] = [];
  for (const argv of lines) {
    const result = await run(argv);
    if (result.status !== 0 || result.stderr !== '' || result.stdout === '') continue;
    let index = texts.indexOf(result.stdout);
    if (index < 0) index = texts.push(result.stdout) - 1;
    pages[argv.join(' ')] = index;
  }
  return { version, pages, texts };
}
