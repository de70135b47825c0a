#!/usr/bin/env node
// Runs the CLI from its bundle, dist/bundle/ (`npm run build` makes it; rolldown.config.mjs). Node >= 22.1 can keep
// V8's compiled code of it on disk between runs (module.enableCompileCache; Node 20 has no such API).
import module from 'node:module';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // `adot --version` alone prints package.json's version without loading the bundle: loading it and building the
  // command tree was ~15 ms of a ~85 ms run on Node 20 (README: Benchmarks). Anywhere else in a command line,
  // -V/--version goes through commander (src/cli/root.ts), which prints the same line.
  const { readFileSync } = process.getBuiltinModule('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${version}\n`);
} else {
  module.enableCompileCache?.();
  const { run } = await import('../dist/bundle/main.js');
  process.exitCode = await run(args, { ownsProcess: true });
}
