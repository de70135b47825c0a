// adot's start-up cost: `adot --version` and `adot --help` against bare `node -e 0`, median of N runs each.
// Target: at most 1.5x node's own start-up. Run after a build: `npm run bench` (or node bench/startup.mjs).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median, printTable } from './lib/stats.mjs';

const RUNS = Number(process.argv[2] ?? 21);
const TARGET_RATIO = 1.5;
const bin = fileURLToPath(new URL('../bin/adot.js', import.meta.url));

function time(args) {
  const samples = [];
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    samples.push(elapsed);
  }
  return median(samples);
}

time([bin, '--version']); // warm the file-system cache once
const baseline = time(['-e', '0']);
const rows = [
  ['node -e 0', baseline],
  ['adot --version', time([bin, '--version'])],
  ['adot --help', time([bin, '--help'])],
];

console.log(`start-up, median of ${RUNS} runs (target: <= ${TARGET_RATIO}x node -e 0)`);
printTable([
  ['command', 'median ms', 'ratio', 'verdict'],
  ...rows.map(([name, ms]) => {
    const ratio = ms / baseline;
    const verdict = name === 'node -e 0' ? '' : ratio <= TARGET_RATIO ? 'ok' : 'over target';
    return [name, ms.toFixed(1), ratio.toFixed(2), verdict];
  }),
]);
