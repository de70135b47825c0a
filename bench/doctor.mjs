// Doctor benchmark (run after `npm run build`): the full `adot doctor` against a sandbox (installed-healthy), median
// wall time of >= 10 runs, in-process and as a CLI process, side by side with the same facts gathered by
// bench/doctor-facts.sh with the `aws` CLI and `kubectl`, one call after another like a person's script.
// Also reports the sequential round trips on doctor's critical path. Prints a table. Targets: the CLI process
// <= 400 ms median and >= 10x faster than the script.
// Usage: node bench/doctor.mjs [--runs N] [--script-runs N] (BENCH_SCRIPT_RUNS=N: the script's default)
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { benchEnv } from './lib/bench-env.mjs';
import { recordFigure } from './lib/report.mjs';

// this process loads the SDK from dist/ for the in-process runs; its Node 20 notice is not what is measured
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const dist = new URL('../dist/', import.meta.url);
const { startSandbox } = await import(new URL('sandbox/sandbox.js', dist).href);
const { scenarioSeed } = await import(new URL('sandbox/seed/scenarios.js', dist).href);
const { run } = await import(new URL('cli/main.js', dist).href);
const { createSystem } = await import(new URL('system.js', dist).href);
const { doctor } = await import(new URL('app/doctor.js', dist).href);

const exec = promisify(execFile);
const binAdot = fileURLToPath(new URL('../bin/adot.js', import.meta.url));
const factsScript = fileURLToPath(new URL('doctor-facts.sh', import.meta.url));

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive integer`);
  return value;
}
const RUNS = Math.max(10, option('--runs', 10));
const TARGET_MS = 400;
const TARGET_SPEEDUP = 10;
const SCRIPT_RUNS = option('--script-runs', Number(process.env.BENCH_SCRIPT_RUNS ?? 10));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timed(times, body) {
  const samples = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    await body();
    samples.push(performance.now() - started);
  }
  return samples;
}

function quietIo(env) {
  return {
    stdin: Readable.from(['']),
    stdout: new PassThrough().resume(),
    stderr: new PassThrough().resume(),
    env,
    cwd: process.cwd(),
    signal: new AbortController().signal,
  };
}

const sandbox = await startSandbox({ seed: scenarioSeed('installed-healthy') });
const dir = mkdtempSync(join(tmpdir(), 'adot-bench-doctor-'));
try {
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sandbox.kubeconfig());
  const env = sandbox.env(kubeconfig);
  const cluster = sandbox.defaultCluster;

  // one direct run: exit status, round trips and AWS calls of one doctor
  const system = await createSystem({
    cluster,
    region: sandbox.region,
    kubeconfig: [kubeconfig],
    output: 'json',
    yes: true,
    color: false,
    verbose: false,
    sandbox: false,
    io: quietIo(env),
  });
  const before = sandbox.awsRequests().length;
  const probe = await doctor(system, { cluster });
  const awsCalls = sandbox.awsRequests().length - before;
  await system.close();
  if (probe.exitStatus !== 0) {
    const failed = probe.document.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}: ${c.message}`);
    throw new Error(`doctor failed on installed-healthy:\n${failed.join('\n')}`);
  }

  await run(['doctor', '-o', 'json'], { ...quietIo(env) }); // warm-up: module loading
  const inProcess = await timed(RUNS, async () => {
    const code = await run(['doctor', '-o', 'json'], quietIo(env));
    if (code !== 0) throw new Error(`adot doctor exited ${code}`);
  });
  const processEnv = benchEnv({ HOME: dir, ...env });
  const asProcess = await timed(RUNS, () =>
    exec(process.execPath, [binAdot, 'doctor', '-o', 'json'], { env: processEnv }),
  );
  let scriptCalls = 0;
  const scriptEnv = { ...processEnv, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  const script = await timed(SCRIPT_RUNS, async () => {
    const { stdout } = await exec('bash', [factsScript], { env: scriptEnv, maxBuffer: 64 * 1024 * 1024 });
    scriptCalls = Number(/calls (\d+)\s*$/.exec(stdout)?.[1] ?? NaN);
  });

  const scriptMedian = median(script);
  const rows = [
    ['adot doctor (in-process)', RUNS, median(inProcess), probe.roundTrips],
    ['adot doctor (node bin/adot.js)', RUNS, median(asProcess), probe.roundTrips],
    ['doctor-facts.sh (aws + kubectl, sequential)', SCRIPT_RUNS, scriptMedian, scriptCalls],
  ];
  const header = ['', 'runs', 'median ms', 'sequential round trips', 'script / this'];
  const lines = rows.map(([name, runs, ms, trips]) => [
    name,
    String(runs),
    ms.toFixed(0),
    String(trips),
    (scriptMedian / ms).toFixed(1) + 'x',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const format = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(
    `doctor on installed-healthy: ${probe.document.summary.pass} checks pass; ${awsCalls} AWS calls per run, all in ${probe.roundTrips} sequential rounds`,
  );
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  const processMs = median(asProcess);
  console.log(
    `target: the CLI process <= ${TARGET_MS} ms and >= ${TARGET_SPEEDUP}x the script (node ${process.version})`,
  );
  recordFigure({
    figure: 'adot doctor, CLI process (installed-healthy)',
    measured: `${processMs.toFixed(0)} ms = ${(scriptMedian / processMs).toFixed(1)}x faster`,
    anchor: `aws + kubectl script: ${(scriptMedian / 1000).toFixed(1)} s`,
    target: `<= ${TARGET_MS} ms, >= ${TARGET_SPEEDUP}x`,
    ok: processMs <= TARGET_MS && scriptMedian / processMs >= TARGET_SPEEDUP,
  });
  recordFigure({
    figure: 'adot doctor, in-process (modules loaded)',
    measured: `${median(inProcess).toFixed(0)} ms`,
    anchor: `${probe.roundTrips} sequential rounds, ${awsCalls} AWS calls`,
  });
} finally {
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
}
