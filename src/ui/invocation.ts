import { basename, relative } from 'node:path';

const SUBCOMMANDS = ['install', 'uninstall', 'doctor', 'apply-template', 'sandbox', 'collector', 'help', 'completion'];
/** `adot <subcommand>` in a hint or a next step: the program name as a command, not the word in prose */
const COMMAND_MENTION = new RegExp(`(?<![\\w./@-])adot (?=(?:${SUBCOMMANDS.join('|')})\\b)`, 'g');

/**
 * How the person ran adot, so that hints and next steps print a command that works when pasted: `npx adot` through
 * npx (npm exec sets npm_command=exec), `adot` from an installed bin (the link is named adot), `node bin/adot.js` when
 * the script was run with node directly.
 */
export function invocationName(input: {
  env: Record<string, string | undefined>;
  script?: string;
  cwd: string;
}): string {
  if (input.env['npm_command'] === 'exec') return 'npx adot';
  const script = input.script;
  if (script === undefined || basename(script) === 'adot') return 'adot';
  const path = relative(input.cwd, script);
  const shown = path.startsWith('..') || path === '' ? script : path;
  return `node ${/^[\w./-]+$/.test(shown) ? shown : JSON.stringify(shown)}`;
}

/** `text` with every `adot <subcommand>` written as the person invoked adot */
export function asInvoked(text: string, invokedAs: string): string {
  return invokedAs === 'adot' ? text : text.replace(COMMAND_MENTION, `${invokedAs} `);
}
