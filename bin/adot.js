#!/usr/bin/env node
// Runs the CLI from its bundle, dist/bundle/ (`npm run build` makes it; rolldown.config.mjs). Node >= 22.1 can keep
// V8's compiled code of it on disk between runs (module.enableCompileCache; Node 20 has no such API).
import module from 'node:module';

module.enableCompileCache?.();
const { run } = await import('../dist/bundle/main.js');
process.exitCode = await run(process.argv.slice(2), { ownsProcess: true });
