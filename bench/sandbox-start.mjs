// Sandbox start to ready: in-process startSandbox() per scenario, and the detached `adot sandbox start` (spawn,
// serve, files written) followed by `adot sandbox stop`. Median of N runs each; target: ready <= 1 s.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordFigure } from './lib/report.mjs';
import { median, printTable, timeAsync } from './lib/stats.mjs';
import { benchEnv } from './lib/bench-env.mjs';

const RUNS = Number(process.argv[2] ?? 10);
const TARGET_MS = 1000;
const bin = fileURLToPath(new URL('../bin/adot.js', import.meta.url));
const { startSandbox } = await import('../dist/sandbox/sandbox.js');
const { scenarioSeed } = await import('../dist/sandbox/seed/scenarios.js');

async function inProcess(scenario) {
  const samples = [];
  for (let run = 0; run <= RUNS; run++) {
    let sandbox;
    const ms = await timeAsync(async () => {
      sandbox = await startSandbox({ seed: scenarioSeed(scenario) });
    });
    await sandbox.stop();
    if (run > 0) samples.push(ms); // the first run warms the module cache
  }
  return median(samples);
}

function detached() {
  const starts = [];
  const stops = [];
  for (let run = 0; run < RUNS; run++) {
    const dir = mkdtempSync(join(tmpdir(), 'adot-bench-'));
    const cli = (args) => {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [bin, ...args, '--dir', dir], {
        stdio: ['ignore', 'ignore', 'pipe'],
        env: benchEnv(),
      });
      if (result.status !== 0) throw new Error(`adot ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    starts.push(cli(['sandbox', 'start', '--scenario', 'fresh']));
    stops.push(cli(['sandbox', 'stop']));
    rmSync(dir, { recursive: true, force: true });
  }
  return { start: median(starts), stop: median(stops) };
}

const rows = [['measure', 'median ms', 'target ms', 'verdict']];
const verdict = (ms) => (ms <= TARGET_MS ? 'ok' : 'over target');
const inProcessMs = {};
for (const scenario of ['fresh', 'installed-healthy', 'flaky-api']) {
  const ms = (inProcessMs[scenario] = await inProcess(scenario));
  rows.push([`startSandbox (${scenario})`, ms.toFixed(1), TARGET_MS, verdict(ms)]);
}
const cli = detached();
recordFigure({
  figure: 'adot sandbox start, to ready (detached)',
  measured: `${cli.start.toFixed(0)} ms`,
  anchor: `startSandbox in-process: ${inProcessMs.fresh.toFixed(0)} ms`,
  target: `<= ${TARGET_MS} ms`,
  ok: cli.start <= TARGET_MS,
});
rows.push(['adot sandbox start (detached, to ready)', cli.start.toFixed(1), TARGET_MS, verdict(cli.start)]);
rows.push(['adot sandbox stop (process gone)', cli.stop.toFixed(1), '', '']);
console.log(`sandbox start to ready on node ${process.version}, median of ${RUNS} runs`);
printTable(rows);
