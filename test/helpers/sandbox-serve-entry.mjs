// The smallest `adot sandbox serve`: what bin/adot.js does for that command, without the CLI frame.
// Usage: node sandbox-serve-entry.mjs sandbox serve --dir DIR [--seed FILE | --scenario NAME] --instance TOKEN
import { sandboxServe } from '../../dist/app/sandbox.js';

const args = process.argv.slice(2);
const valueOf = (flag) => {
  const index = args.indexOf(flag);
  return index === -1 ? undefined : args[index + 1];
};
const controller = new AbortController();
process.once('SIGTERM', () => controller.abort());
process.once('SIGINT', () => controller.abort());
try {
  await sandboxServe({
    dir: valueOf('--dir'),
    seedFile: valueOf('--seed'),
    scenario: valueOf('--scenario'),
    instance: valueOf('--instance'),
    signal: controller.signal,
  });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
