// Runs every bench/*.mjs (except this runner) in turn, each in its own node process, on each node binary asked for,
// then prints the headline figures of all of them beside their anchors and targets, one table per Node version.
//
//   node bench/run.mjs [--node PATH]... [--only NAME[,NAME]...]
//
// --node (repeatable) or ADOT_BENCH_NODE (paths separated by ':') name the node binaries to run with; by default the
// node running this script. A bench spawns what it measures with its own node (process.execPath), so each of its
// figures is that Node version's. --only runs the named benches (file names without .mjs, e.g. startup,doctor).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuShareCell, describeCpuShare, isQuiet, measureCpuShare } from './lib/cpu-share.mjs';
import { printTable } from './lib/stats.mjs';

function options(argv) {
  const nodes = [];
  let only;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--node' && argv[i + 1]) nodes.push(argv[++i]);
    else if (argv[i] === '--only' && argv[i + 1]) only = argv[++i].split(',');
    else throw new Error(`unknown argument ${argv[i]}; usage: node bench/run.mjs [--node PATH]... [--only NAME,...]`);
  }
  if (nodes.length === 0) nodes.push(...(process.env.ADOT_BENCH_NODE ?? '').split(delimiter).filter(Boolean));
  if (nodes.length === 0) nodes.push(process.execPath);
  return { nodes, only };
}

function nodeVersion(node) {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${node} --version failed: ${result.error ?? result.stderr}`);
  return result.stdout.trim();
}

function readFigures(file) {
  try {
    return readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  } catch {
    return []; // the bench recorded no figure
  }
}

const { nodes, only } = options(process.argv.slice(2));
const dir = fileURLToPath(new URL('.', import.meta.url));
const benches = readdirSync(dir)
  .filter((name) => name.endsWith('.mjs') && name !== 'run.mjs' && name !== 'collector-runner.mjs')
  .filter((name) => only === undefined || only.includes(name.replace(/\.mjs$/, '')))
  .sort();
const cpu = cpus();
const machine = `${cpu.length} CPUs (nproc), ${cpu[0]?.model ?? 'unknown CPU'}`;
const results = mkdtempSync(join(tmpdir(), 'adot-bench-'));
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
const loadBefore = load();

let failed = 0;
const summaries = [];
try {
  for (const node of nodes) {
    const version = nodeVersion(node);
    const figures = [];
    for (const name of benches) {
      // measured just before the bench, as the host's load changes by the minute (lib/cpu-share.mjs)
      const share = await measureCpuShare();
      console.log(`\n== ${name} on node ${version}; ${describeCpuShare(share)}`);
      const file = join(results, `${summaries.length}-${name}.jsonl`);
      const result = spawnSync(node, [join(dir, name)], {
        stdio: 'inherit',
        env: { ...process.env, ADOT_BENCH_RESULTS: file },
      });
      if (result.status !== 0) failed++;
      figures.push(...readFigures(file).map((figure) => ({ ...figure, share })));
    }
    summaries.push({ version, node, figures });
  }
} finally {
  rmSync(results, { recursive: true, force: true });
}

console.log(`\n== summary: ${machine}; load average (1, 5, 15 min) ${loadBefore} before, ${load()} after`);
let shared = false;
for (const { version, node, figures } of summaries) {
  console.log(`\nnode ${version} (${node})`);
  printTable([
    ['figure', 'measured', 'anchor', 'target', 'verdict', 'CPU share', 'load (1 min)'],
    ...figures.map((f) => {
      shared ||= !isQuiet(f.share);
      const verdict = f.ok === undefined ? '' : f.ok ? 'ok' : 'MISSED';
      return [f.figure, f.measured, f.anchor, f.target, verdict, cpuShareCell(f.share, ' / '), f.load ?? ''];
    }),
  ]);
}
if (shared)
  console.log(
    '\n* taken while a busy loop got less than 90% of a CPU (lib/cpu-share.mjs): the host was running other work on ' +
      "this machine's CPUs, and CPU-bound figures (time, CPU per unit of work, loss at a rate) are not comparable " +
      'with those of a quiet host',
  );
if (failed > 0) console.log(`\n${failed} bench run(s) failed`);
process.exitCode = failed === 0 ? 0 : 1;
