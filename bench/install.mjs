// Install benchmark (run after `npm run build`): how fast `adot install` notices that the emulated add-on turned
// ACTIVE, and how many DescribeAddon calls it spends, side by side with `aws eks wait addon-active` (10 s polling);
// and the wall time of a full install with addonCreateSeconds 5 (target <= 8 s). Prints a table.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { recordFigure } from './lib/report.mjs';

const dist = new URL('../dist/', import.meta.url);
const { startSandbox } = await import(new URL('sandbox/sandbox.js', dist).href);
const { scenarioSeed } = await import(new URL('sandbox/seed/scenarios.js', dist).href);
const { run } = await import(new URL('cli/main.js', dist).href);

const ADDON_CREATE_SECONDS = 5;
const RUNS = 3;

function seedWith(presets) {
  // the blog's world: both sides install v0.45.0-eksbuild.1
  const seed = scenarioSeed('blog-2022');
  return {
    ...seed,
    behaviour: { ...seed.behaviour, addonCreateSeconds: ADDON_CREATE_SECONDS, rolloutSeconds: 1 },
    clusters: (seed.clusters ?? []).map((cluster) => ({
      ...cluster,
      presets: [...(cluster.presets ?? []), ...presets],
    })),
  };
}

async function withSandbox(seed, body) {
  const sandbox = await startSandbox({ seed });
  const dir = mkdtempSync(join(tmpdir(), 'adot-bench-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sandbox.kubeconfig());
  try {
    return await body(sandbox, sandbox.env(kubeconfig));
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Polls the emulator in-process (no HTTP) every 5 ms and records when the add-on turned ACTIVE. */
function watchActive(sandbox) {
  const cluster = sandbox.defaultCluster;
  let activeAt;
  let requestsAtActive;
  const timer = setInterval(() => {
    if (activeAt !== undefined) return;
    try {
      if (sandbox.eks.describeAddon(cluster, 'adot').status === 'ACTIVE') {
        activeAt = performance.now();
        requestsAtActive = sandbox.awsRequests().length;
      }
    } catch {
      // not created yet
    }
  }, 5);
  return {
    stop: () => clearInterval(timer),
    get activeAt() {
      return activeAt;
    },
    get requestsAtActive() {
      return requestsAtActive;
    },
  };
}

function describeAddonCalls(records) {
  return records.filter((r) => r.service === 'eks' && r.operation === 'DescribeAddon').length;
}

async function adotInstall() {
  return withSandbox(seedWith([]), async (sandbox, env) => {
    const watcher = watchActive(sandbox);
    const stderr = new PassThrough();
    let noticedAt;
    stderr.on('data', (chunk) => {
      if (noticedAt === undefined && /ACTIVE after/.test(String(chunk))) noticedAt = performance.now();
    });
    const stdout = new PassThrough();
    stdout.resume();
    const started = performance.now();
    const code = await run(['install', '--target', 'xray', '-o', 'json'], {
      stdin: Readable.from(['']),
      stdout,
      stderr,
      env,
      cwd: process.cwd(),
      signal: new AbortController().signal,
    });
    const wall = performance.now() - started;
    watcher.stop();
    if (code !== 0) throw new Error(`adot install exited ${code}`);
    const records = sandbox.awsRequests();
    const createIndex = records.findIndex((r) => r.operation === 'CreateAddon');
    return {
      wall,
      lagMs: noticedAt - watcher.activeAt,
      polls: describeAddonCalls(records.slice(createIndex)),
    };
  });
}

async function awsCliWait() {
  return withSandbox(seedWith(['addon-rbac']), async (sandbox, env) => {
    const cliEnv = { ...process.env, ...env, AWS_PAGER: '' };
    const aws = (args) => promisify(execFile)('aws', args, { env: cliEnv });
    await aws([
      'eks',
      'create-addon',
      '--cluster-name',
      sandbox.defaultCluster,
      '--addon-name',
      'adot',
      '--addon-version',
      'v0.45.0-eksbuild.1',
    ]);
    const before = sandbox.awsRequests().length;
    const watcher = watchActive(sandbox);
    await aws(['eks', 'wait', 'addon-active', '--cluster-name', sandbox.defaultCluster, '--addon-name', 'adot']);
    const noticedAt = performance.now();
    watcher.stop();
    return { lagMs: noticedAt - watcher.activeAt, polls: describeAddonCalls(sandbox.awsRequests().slice(before)) };
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const installs = [];
for (let i = 0; i < RUNS; i += 1) installs.push(await adotInstall());
const cli = await awsCliWait();

const rows = [
  ['measure', 'adot install', 'aws eks wait addon-active', 'target'],
  [
    'ACTIVE -> noticed (median)',
    `${(median(installs.map((r) => r.lagMs)) / 1000).toFixed(2)} s`,
    `${(cli.lagMs / 1000).toFixed(2)} s`,
    '<= 2 s',
  ],
  ['DescribeAddon calls while waiting', String(median(installs.map((r) => r.polls))), String(cli.polls), ''],
  [
    `full install, addonCreateSeconds ${ADDON_CREATE_SECONDS} (median of ${RUNS})`,
    `${(median(installs.map((r) => r.wall)) / 1000).toFixed(2)} s`,
    '-',
    '<= 8 s',
  ],
];
const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
for (const row of rows) console.log(row.map((cell, col) => cell.padEnd(widths[col])).join('  '));
const lagSeconds = median(installs.map((r) => r.lagMs)) / 1000;
const wallSeconds = median(installs.map((r) => r.wall)) / 1000;
recordFigure({
  figure: 'adot install: add-on ACTIVE -> noticed',
  measured: `${lagSeconds.toFixed(2)} s`,
  anchor: `aws eks wait addon-active: ${(cli.lagMs / 1000).toFixed(2)} s`,
  target: '<= 2 s',
  ok: lagSeconds <= 2,
});
recordFigure({
  figure: `adot install, full (addonCreateSeconds ${ADDON_CREATE_SECONDS})`,
  measured: `${wallSeconds.toFixed(2)} s`,
  target: '<= 8 s',
  ok: wallSeconds <= 8,
});
