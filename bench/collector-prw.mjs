// Remote write benchmark (run after `npm run build`; ADOT_DIST=<dir> to use another build): a target exposing
// 100,000 series is scraped every 5 s and remote-written into one receiver, first by the bundled collector
// (prometheus receiver -> batch -> prometheusremotewrite), then by Debian's Prometheus in agent mode scraping the same
// target into the same receiver. Each scraper runs pinned to ONE core (taskset); the target and the receiver run
// here on another. Prints CPU seconds per million samples delivered and peak RSS (target <= 150 MB).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import protobuf from 'protobufjs';
import snappy from 'snappy';

const dist = new URL(
  process.env.ADOT_DIST ? `file://${process.env.ADOT_DIST.replace(/\/?$/, '/')}` : '../dist/',
  import.meta.url,
);
const SERIES = Number(process.env.BENCH_SERIES ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const INTERVAL = '5s';

const WriteRequest = protobuf
  .parse(
    `syntax = "proto3"; package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }`,
  )
  .root.lookupType('prometheus.WriteRequest');

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/** 100k series: 1,000 counters x 100 label combinations, values moving on every scrape. */
async function startTarget() {
  const lines = [];
  for (let metric = 0; metric < SERIES / 100; metric++) {
    lines.push(`# TYPE bench_metric_${metric}_total counter`);
    for (let pod = 0; pod < 100; pod++)
      lines.push(`bench_metric_${metric}_total{pod="pod-${pod}",namespace="bench",container="app"} `);
  }
  let scrapes = 0;
  const server = createServer((request, response) => {
    scrapes++;
    const body = lines
      .map((line, index) => (line.startsWith('#') ? line : `${line}${scrapes * 10 + (index % 7)}`))
      .join('\n');
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`${body}\n`);
  });
  return { address: `127.0.0.1:${await listen(server)}`, close: () => server.close() };
}

/** The receiver both scrapers write to: decodes every request and counts samples. */
async function startSink() {
  const sink = { samples: 0, requests: 0, errors: 0 };
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const message = WriteRequest.decode(snappy.uncompressSync(Buffer.concat(chunks)));
        for (const series of message.timeseries) sink.samples += series.samples.length;
        sink.requests++;
        response.writeHead(204).end();
      } catch (error) {
        sink.errors++;
        response.writeHead(400).end(String(error));
      }
    });
  });
  sink.url = `http://127.0.0.1:${await listen(server)}/api/v1/write`;
  sink.close = () => server.close();
  return sink;
}

function procStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticks;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds, maxRssBytes: Number(hwm?.[1] ?? 0) * 1024 };
}

async function runCollector(dir, target, sink) {
  const configFile = join(dir, 'otel.yaml');
  writeFileSync(
    configFile,
    `receivers:
  prometheus:
    config:
      scrape_configs:
        - job_name: bench
          scrape_interval: ${INTERVAL}
          scrape_timeout: ${INTERVAL}
          static_configs: [{targets: ['${target.address}']}]
processors:
  batch/metrics: {timeout: 1s}
exporters:
  prometheusremotewrite: {endpoint: '${sink.url}'}
service:
  telemetry: {metrics: {level: none}}
  pipelines:
    metrics: {receivers: [prometheus], processors: [batch/metrics], exporters: [prometheusremotewrite]}
`,
  );
  const runner = new URL('collector-runner.mjs', import.meta.url).pathname;
  const child = spawn('taskset', ['-c', '0', process.execPath, runner, dist.href, configFile], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // a runner that dies (e.g. dist/ not built) must fail the benchmark rather than leave it waiting forever
  const waitFor = (prefix) =>
    new Promise((resolve, reject) => {
      const onLine = (line) => {
        if (!line.startsWith(`${prefix} `)) return;
        lines.off('line', onLine);
        resolve(JSON.parse(line.slice(prefix.length + 1)));
      };
      lines.on('line', onLine);
      exited.then((code) => reject(new Error(`the collector runner exited (${code}) before printing ${prefix}`)));
    });
  await waitFor('READY');
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  const done = waitFor('DONE');
  child.kill('SIGTERM');
  const stats = await done;
  await exited;
  return { cpuSeconds: stats.cpuSeconds, maxRssBytes: stats.maxRssBytes };
}

async function runPrometheusAgent(dir, target, sink) {
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(
    configFile,
    `global: {scrape_interval: ${INTERVAL}, scrape_timeout: ${INTERVAL}}
scrape_configs:
  - job_name: bench
    static_configs: [{targets: ['${target.address}']}]
remote_write:
  - url: '${sink.url}'
`,
  );
  const child = spawn(
    'taskset',
    [
      '-c',
      '0',
      'prometheus',
      '--enable-feature=agent',
      `--config.file=${configFile}`,
      `--storage.agent.path=${join(dir, 'agent')}`,
      '--web.listen-address=127.0.0.1:0',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
  // taskset execs prometheus in place, so the child's pid is prometheus' own
  const stats = procStats(child.pid);
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
  return stats;
}

const dir = mkdtempSync(join(tmpdir(), 'adot-bench-prw-'));
const rows = [];
try {
  for (const [name, run] of [
    ['adot collector', runCollector],
    ['prometheus 2.42 --enable-feature=agent', runPrometheusAgent],
  ]) {
    const [target, sink] = await Promise.all([startTarget(), startSink()]);
    const stats = await run(dir, target, sink);
    target.close();
    sink.close();
    rows.push({ name, ...stats, samples: sink.samples, requests: sink.requests, errors: sink.errors });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const header = ['scraper', 'samples delivered', 'requests', 'rejected', 'CPU s', 'CPU s / 1M samples', 'peak RSS MB'];
const table = rows.map((row) => [
  row.name,
  row.samples,
  row.requests,
  row.errors,
  row.cpuSeconds.toFixed(2),
  (row.cpuSeconds / (row.samples / 1e6)).toFixed(2),
  (row.maxRssBytes / 1024 / 1024).toFixed(0),
]);
const widths = header.map((title, index) => Math.max(title.length, ...table.map((row) => String(row[index]).length)));
const line = (cells) =>
  cells
    .map((cell, index) => (index === 0 ? String(cell).padEnd(widths[index]) : String(cell).padStart(widths[index])))
    .join('  ');
console.log(`scrape -> remote write: ${SERIES} series every ${INTERVAL} for ${SECONDS} s, scraper pinned to one core`);
console.log(line(header));
for (const row of table) console.log(line(row));
console.log(
  'anchors: ADOT 2021 report, Prometheus -> remote write at 5,000 samples/s: 7% CPU, 273 MB; target RSS <= 150 MB',
);
