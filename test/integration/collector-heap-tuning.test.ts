/**
 * `adot collector run` tunes V8's heap for a process that runs nothing but a collector
 * (src/collector/runtime/heap-tuning.ts): its young generation is grown to YOUNG_GENERATION_BYTES (8 MiB) as it starts
 * and held there, where V8 would let it reach 32 or 64 MiB (the bound below allows one growth more). Whether V8 honours that
 * depends on the Node version (the same flag given on the command line is raised to V8's minimum and does nothing),
 * so this checks it in the process that runs the pipeline, on the Node that runs the tests: a probe preloaded into
 * the collector's process (test/fixtures/collector-heap/heap-probe.mjs) samples the size of V8's new space while the
 * collector scrapes 20,000 series every 200 ms and remote-writes them. The control runs the same pipeline from dist/
 * in a process that does not tune the heap, and shows that this load grows the young generation past the bound there.
 * Run it on each supported Node: `PATH=<dir of node>:$PATH npx vitest run test/integration/collector-heap-tuning.test.ts`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { YOUNG_GENERATION_BYTES } from '../../src/collector/runtime/heap-tuning.js';
import { localServers } from '../helpers/local-http.js';

const ADOT = resolve('bin/adot.js');
const PROBE = pathToFileURL(resolve('test/fixtures/collector-heap/heap-probe.mjs')).href;
const UNTUNED = resolve('test/fixtures/collector-heap/untuned-collector.mjs');
const DIST = pathToFileURL(`${resolve('dist')}/`).href;
const SERIES = 20_000;
/** held at YOUNG_GENERATION_BYTES; twice that allows one growth more, still under V8's untuned 32 or 64 MiB */
const HELD_AT_MOST = 2 * YOUNG_GENERATION_BYTES;

/** What the probe wrote: each size the new space took, from when (Date.now()). */
interface HeapProbe {
  sizes: [at: number, bytes: number][];
  version: string;
}

/** The new space's largest size, and its size when the first scrape was served (the collector was running). */
interface YoungGeneration {
  atFirstScrape: number;
  max: number;
  scrapes: number;
  version: string;
}

let dir: string;
const servers = localServers();
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adot-heap-'));
});
afterEach(async () => {
  servers.close();
  await rm(dir, { recursive: true, force: true });
});

/** A target whose values move on every scrape, and a remote-write backend that accepts everything. */
async function configFile(): Promise<{ file: string; scrapes: () => number; firstScrapeAt: () => number }> {
  let scrapes = 0;
  let firstScrapeAt = 0;
  const target = await servers.serve((_request, response) => {
    scrapes += 1;
    if (scrapes === 1) firstScrapeAt = Date.now();
    const lines = ['# TYPE heap_probe_total counter'];
    for (let series = 0; series < SERIES; series++) lines.push(`heap_probe_total{id="${series}"} ${scrapes + series}`);
    response.writeHead(200, { 'content-type': 'text/plain' }).end(`${lines.join('\n')}\n`);
  });
  const backend = (await servers.sink()).address;
  const file = join(dir, 'otel.yaml');
  await writeFile(
    file,
    [
      'receivers:',
      '  prometheus:',
      '    config:',
      '      scrape_configs:',
      '        - job_name: heap',
      '          scrape_interval: 200ms',
      '          scrape_timeout: 200ms',
      `          static_configs: [{targets: ["${target}"]}]`,
      'exporters:',
      '  prometheusremotewrite:',
      `    endpoint: http://${backend}/api/v1/write`,
      'service:',
      '  telemetry: {metrics: {level: none}}',
      '  pipelines:',
      '    metrics: {receivers: [prometheus], exporters: [prometheusremotewrite]}',
    ].join('\n'),
  );
  return { file, scrapes: () => scrapes, firstScrapeAt: () => firstScrapeAt };
}

/** Runs `args` under this Node with the probe preloaded for a few seconds of scraping, then stops it with SIGTERM. */
async function probe(args: (file: string) => string[]): Promise<YoungGeneration> {
  const { file, scrapes, firstScrapeAt } = await configFile();
  const probeFile = join(dir, 'probe.json');
  const child = spawn(process.execPath, ['--import', PROBE, ...args(file)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env['PATH'] ?? '', HEAP_PROBE_FILE: probeFile },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    // until 12 scrapes were served (some 2.5 s), not for a time: a loaded machine only makes it longer
    while (scrapes() < 12) {
      expect(child.exitCode, stderr).toBe(null);
      await new Promise((done) => setTimeout(done, 100));
    }
    child.kill('SIGTERM');
    await exited;
    const { sizes, version } = JSON.parse(await readFile(probeFile, 'utf8')) as HeapProbe;
    const atFirstScrape = sizes.filter(([at]) => at <= firstScrapeAt()).at(-1)?.[1] ?? NaN;
    return { atFirstScrape, max: Math.max(...sizes.map(([, bytes]) => bytes)), scrapes: scrapes(), version };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const QUIET_SPELL = resolve('test/fixtures/collector-heap/quiet-spell.mjs');

interface QuietSpell {
  version: string;
  grown: number;
  afterCollection: number;
  later: number;
}

/** Runs a fixture under this Node (node flags first) to its end, and returns the JSON it printed on stdout. */
async function fixtureResult<T>(args: string[]): Promise<T> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  expect(code, stdout).toBe(0);
  return JSON.parse(stdout) as T;
}

/** The young generation across a quiet spell and a full collection (the fixture says how), tuned or only held. */
async function quietSpell(mode: 'tuned' | 'held'): Promise<QuietSpell> {
  return fixtureResult<QuietSpell>([QUIET_SPELL, DIST, mode]);
}

const CAPPED = resolve('test/fixtures/collector-heap/capped-young-generation.mjs');

interface Capped {
  version: string;
  newSpace: number;
  scavenges: number;
  garbageBatches: number;
}

/** The capped fixture under `--max-semi-space-size=<mib>` (as a user's NODE_OPTIONS may set it). */
async function capped(mib: number): Promise<Capped> {
  return fixtureResult<Capped>([`--max-semi-space-size=${mib}`, CAPPED, DIST]);
}

describe('collector heap tuning, on the Node running the tests', () => {
  it('the load grows the young generation of a process that does not tune the heap (the control)', async () => {
    const untuned = await probe((file) => [UNTUNED, DIST, file]);
    console.log(
      `untuned ${untuned.version}: new space ${mib(untuned.atFirstScrape)} at the first scrape, ` +
        `${mib(untuned.max)} at most over ${untuned.scrapes} scrapes`,
    );
    expect(untuned.version).toBe(process.version);
    expect(untuned.max).toBeGreaterThan(HELD_AT_MOST);
  }, 60_000);

  it('`adot collector run` holds its young generation near YOUNG_GENERATION_BYTES under the same load', async () => {
    const tuned = await probe((file) => [ADOT, 'collector', 'run', '--config', file, '--shutdown-timeout', '2s']);
    console.log(
      `adot collector run ${tuned.version}: new space ${mib(tuned.atFirstScrape)} at the first scrape, ` +
        `${mib(tuned.max)} at most over ${tuned.scrapes} scrapes`,
    );
    expect(tuned.version).toBe(process.version);
    expect(tuned.max).toBeLessThanOrEqual(HELD_AT_MOST);
  }, 60_000);

  it('grows the young generation back when V8 shrinks it after a quiet spell (Node 24 does), and no further', async () => {
    const held = await quietSpell('held');
    const tuned = await quietSpell('tuned');
    console.log(
      `${tuned.version}: held only, new space ${mib(held.grown)} -> ${mib(held.afterCollection)} after a quiet spell and ` +
        `a full collection; tuned ${mib(tuned.grown)} -> ${mib(tuned.afterCollection)} -> ${mib(tuned.later)}`,
    );
    expect(tuned.version).toBe(process.version);
    expect(tuned.grown).toBe(YOUNG_GENERATION_BYTES);
    expect(tuned.later).toBeGreaterThanOrEqual(YOUNG_GENERATION_BYTES);
    expect(tuned.later).toBeLessThanOrEqual(HELD_AT_MOST);
  }, 30_000);

  it('gives up growing the young generation where V8 caps it lower, instead of allocating without end', async () => {
    const result = await capped(1);
    console.log(
      `${result.version} --max-semi-space-size=1: new space ${mib(result.newSpace)}, ` +
        `${result.scavenges} scavenges for tuning and ${result.garbageBatches} batches of garbage`,
    );
    expect(result.version).toBe(process.version);
    expect(result.newSpace).toBeLessThan(YOUNG_GENERATION_BYTES);
    // each batch of garbage (~1.5 MB) takes a scavenge or two; giving up costs 64 small batches (~25 MB) once, where
    // an endless attempt took 10,000 batches as the process started and again after every collection
    expect(result.scavenges).toBeLessThan(400);
  }, 30_000);
});
