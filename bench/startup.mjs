// adot's start-up cost: `adot --version` and `adot --help` against bare `node -e 0` on the same node, median of N
// runs each, the three interleaved (one of each per round) so that a change in the machine's load hits all alike.
// Target: at most 1.3x node's own start-up. Run after a build: `npm run bench` (or node bench/startup.mjs [N]).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchEnv } from './lib/bench-env.mjs';
import { recordFigure } from './lib/report.mjs';
import { median, printTable } from './lib/stats.mjs';

const RUNS = Number(process.argv[2] ?? 31);
const TARGET_RATIO = 1.3;
const bin = fileURLToPath(new URL('../bin/adot.js', import.meta.url));

const commands = [
  ['node -e 0', ['-e', '0']],
  ['adot --version', [bin, '--version']],
  ['adot --help', [bin, '--help']],
];

function once(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: benchEnv() });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return elapsed;
}

// warm the file-system cache, and Node's compile cache where it has one (module.enableCompileCache in bin/adot.js)
for (const [, args] of commands) once(args);
const samples = commands.map(() => []);
for (let run = 0; run < RUNS; run++) commands.forEach(([, args], index) => samples[index].push(once(args)));
const medians = samples.map(median);
const baseline = medians[0];

console.log(
  `start-up on node ${process.version}, median of ${RUNS} interleaved runs (target: <= ${TARGET_RATIO}x node -e 0)`,
);
printTable([
  ['command', 'median ms', 'ratio', 'verdict'],
  ...commands.map(([name], index) => {
    const ratio = medians[index] / baseline;
    const verdict = index === 0 ? '' : ratio <= TARGET_RATIO ? 'ok' : 'over target';
    return [name, medians[index].toFixed(1), ratio.toFixed(2), verdict];
  }),
]);
commands.slice(1).forEach(([name], offset) => {
  const ms = medians[offset + 1];
  recordFigure({
    figure: `${name} (start-up)`,
    measured: `${ms.toFixed(0)} ms = ${(ms / baseline).toFixed(2)}x`,
    anchor: `node -e 0: ${baseline.toFixed(0)} ms`,
    target: `<= ${TARGET_RATIO}x`,
    ok: ms / baseline <= TARGET_RATIO,
  });
});
