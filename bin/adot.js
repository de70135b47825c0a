#!/usr/bin/env node
// Runs the CLI from its bundle, dist/bundle/ (`npm run build` makes it; rolldown.config.mjs). Node >= 22.1 can keep
// V8's compiled code of it on disk between runs (module.enableCompileCache; Node 20 has no such API).
//
// Two answers need no bundle, and are written to fd 1 directly (creating process.stdout loads Node's stream and
// net code, ~2 ms): `adot --version` alone prints package.json's version, and a command line that asks only for
// help prints its page from dist/bundle/help-pages.json, which the build renders with the bundle's own run()
// (src/cli/help-pages.ts). Loading the bundle and building the command tree was ~12 ms of a ~34 ms `adot --help` on
// Node 24 (README: Benchmarks). Any other command line, a help flag among other arguments included, goes through
// commander (src/cli/root.ts), which prints the same text.
import module from 'node:module';

const args = process.argv.slice(2);
const fs = process.getBuiltinModule('node:fs');
const ready = args.length === 1 && (args[0] === '--version' || args[0] === '-V') ? versionLine() : helpPage(args);
if (ready !== undefined) {
  writeToStdout(ready);
} else {
  module.enableCompileCache?.();
  const { run } = await import('../dist/bundle/main.js');
  process.exitCode = await run(args, { ownsProcess: true });
}

function versionLine() {
  return `${readPackageVersion()}\n`;
}

function readPackageVersion() {
  return JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
}

function helpPage(argv) {
  if (argv.length === 0 || argv.length > 4) return undefined;
  if (!argv.some((arg) => arg === 'help' || arg === '--help' || arg === '-h')) return undefined;
  let help;
  try {
    help = JSON.parse(fs.readFileSync(new URL('../dist/bundle/help-pages.json', import.meta.url), 'utf8'));
  } catch {
    return undefined; // not built yet, or unreadable: the bundle renders the page itself
  }
  if (help.version !== readPackageVersion()) return undefined;
  const index = help.pages[argv.join(' ')];
  return index === undefined ? undefined : help.texts[index];
}

function writeToStdout(text) {
  const bytes = Buffer.from(text);
  let offset = 0;
  try {
    while (offset < bytes.length) offset += fs.writeSync(1, bytes, offset);
  } catch (error) {
    // a non-blocking stdout that is full (a pipe a parent made non-blocking): the stream waits until it drains
    if (error.code === 'EAGAIN') process.stdout.write(bytes.subarray(offset));
    // the reader went away (`adot --help | head -1`): nothing more to say
    else if (error.code !== 'EPIPE') throw error;
  }
}
