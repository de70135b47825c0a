// Child process of the collector benchmarks: runs the bundled collector runtime from a configuration file with
// the environment it was given, prints `READY {addresses}` once started, and on SIGTERM shuts down gracefully and
// prints `DONE {cpu, maxRssBytes, metrics}` (its own CPU time and peak RSS, measured from inside).
import { readFileSync } from 'node:fs';

const [distUrl, configFile] = process.argv.slice(2);
const { prepareConfigText } = await import(new URL('collector/config/load.js', distUrl).href);
const { tuneHeapForCollector } = await import(new URL('collector/runtime/heap-tuning.js', distUrl).href);
// as `adot collector run` does in a process of its own
tuneHeapForCollector();
const { startCollector } = await import(new URL('collector/runtime/collector.js', distUrl).href);

const logger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (message) => process.stderr.write(`warn ${message}\n`),
  error: (message) => process.stderr.write(`error ${message}\n`),
};
const { config } = prepareConfigText(readFileSync(configFile, 'utf8'), configFile, process.env);
const collector = await startCollector({ config, env: process.env, logger, shutdownTimeoutMs: 30_000 });
const receivers = Object.fromEntries(Object.keys(config.receivers).map((id) => [id, collector.receiverAddress(id)]));
process.stdout.write(`READY ${JSON.stringify({ receivers, telemetry: collector.telemetryAddress })}\n`);

process.once('SIGTERM', () => {
  collector.shutdown().then(() => {
    const cpu = process.cpuUsage();
    const metrics = collector.metrics.exposition();
    process.stdout.write(
      `DONE ${JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssBytes: process.resourceUsage().maxRSS * 1024, metrics })}\n`,
    );
  });
});
