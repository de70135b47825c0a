/**
 * Scrape limits and what a scrape keeps, against real HTTP targets: the limits of `global` and of each scrape config,
 * a failed scrape's series let go, a body or a line never read whole. (Each limit against Prometheus itself:
 * test/conformance/collector-scrape-limits.test.ts.)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { Settings, SettingsError } from '../../src/collector/config/settings.js';
import type { MetricSample } from '../../src/collector/model.js';
import {
  PrometheusReceiver,
  readPrometheusReceiverSettings,
} from '../../src/collector/receivers/prometheus/receiver.js';
import {
  readScrapeJobs,
  targetsFor,
  type ScrapeTarget,
} from '../../src/collector/receivers/prometheus/scrape-config.js';
import { scrapeOnce, ScrapedSamples, SeriesCache } from '../../src/collector/receivers/prometheus/scraper.js';
import { componentContext } from '../helpers/collector-context.js';
import { eventually } from '../helpers/eventually.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function page(text: string): Handler {
  return (_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end(text);
}

/** The targets of a receiver configuration (its `config` block as YAML), each job's address filled in. */
function targets(configYaml: string): ScrapeTarget[] {
  const settings = new Settings({ config: parse(configYaml) as unknown }, 'receivers.prometheus');
  return readScrapeJobs(settings).flatMap((job) => targetsFor(job, job.staticTargets));
}

function synthetic(samples: MetricSample[], name: string): number | undefined {
  return samples.find((sample) => sample.name === name)?.value;
}

/** A body streamed in 1 MiB pieces as the client reads it, never held: how much was written before the end. */
function streamed(prefix: string, piece: Buffer, pieces: number, suffix: string, sent: { bytes: number }): Handler {
  return (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.on('error', () => undefined);
    response.write(prefix);
    let written = 0;
    const more = (): void => {
      while (written < pieces) {
        written++;
        sent.bytes += piece.length;
        if (response.destroyed) return;
        if (!response.write(piece)) {
          response.once('drain', more);
          return;
        }
      }
      response.end(suffix);
    };
    response.once('close', () => (written = pieces));
    more();
  };
}

describe('scrape limits', () => {
  it('global limits apply to every scrape config, and a scrape config overrides them', async () => {
    const address = await serve(page('a 1\nb 2\nc 3\nd 4\n'));
    const [strict, loose] = targets(`
global: {sample_limit: 3, body_size_limit: 1MB}
scrape_configs:
  - {job_name: strict, static_configs: [{targets: ['${address}']}]}
  - {job_name: loose, sample_limit: 10, static_configs: [{targets: ['${address}']}]}
`);
    expect(strict!.limits).toMatchObject({ sampleLimit: 3, bodySizeLimit: 1024 * 1024 });
    expect(loose!.limits).toMatchObject({ sampleLimit: 10, bodySizeLimit: 1024 * 1024 });
    const failed = await scrapeOnce(strict!);
    expect(failed.error).toBe('sample limit exceeded');
    expect(failed.limit).toBe('sample_limit');
    expect(failed.samples.length).toBe(0);
    expect(synthetic(failed.synthetic, 'up')).toBe(0);
    const passed = await scrapeOnce(loose!);
    expect(passed.error).toBeUndefined();
    expect(passed.samples.length).toBe(4);
  });

  it('reads <size> as Prometheus does (base 2, a unit required) and names the key of a bad one', () => {
    const limitOf = (size: unknown) =>
      targets(
        `scrape_configs: [{job_name: j, body_size_limit: ${JSON.stringify(size)}, static_configs: [{targets: ['h:1']}]}]`,
      )[0]!.limits.bodySizeLimit;
    expect(limitOf('100MB')).toBe(100 * 1024 * 1024);
    expect(limitOf('1KiB')).toBe(1024);
    expect(limitOf('1.5KB')).toBe(1536);
    expect(limitOf('1MB512KB')).toBe(1024 * 1024 + 512 * 1024);
    expect(limitOf('0')).toBe(0);
    for (const bad of ['100', '10kB', 'lots', 100]) {
      let error: unknown;
      try {
        limitOf(bad);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(SettingsError);
      expect((error as SettingsError).path).toBe('receivers.prometheus.config.scrape_configs[0].body_size_limit');
    }
  });

  it('body_size_limit counts the uncompressed body, fails at the limit and reads no further', async () => {
    const text = Array.from({ length: 2000 }, (_, index) => `m{i="${index}"} ${index}`).join('\n') + '\n';
    const address = await serve((_request, response) =>
      response.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(text)),
    );
    const sent = { bytes: 0 };
    const endless = await serve(streamed('', Buffer.alloc(1024 * 1024, 'm 1\n'), 500, '', sent));
    const [zipped, stream] = targets(`
scrape_configs:
  - {job_name: zipped, body_size_limit: 16KB, static_configs: [{targets: ['${address}']}]}
  - {job_name: stream, body_size_limit: 4MB, static_configs: [{targets: ['${endless}']}]}
`);
    expect(gzipSync(text).length).toBeLessThan(16 * 1024);
    const result = await scrapeOnce(zipped!, new SeriesCache(), new ScrapedSamples(), { extraMetrics: true });
    expect(result.error).toBe('body size limit exceeded');
    expect(synthetic(result.synthetic, 'scrape_samples_scraped')).toBe(0);
    expect(synthetic(result.synthetic, 'scrape_body_size_bytes')).toBe(-1);
    const cut = await scrapeOnce(stream!);
    expect(cut.limit).toBe('body_size_limit');
    // 500 MiB were on offer; the scrape stopped reading at 4 MiB (plus what the sockets held)
    expect(sent.bytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('a single endless line fails the scrape once it passes 1 MiB, without being held whole', async () => {
    const sent = { bytes: 0 };
    const address = await serve(streamed('huge{v="', Buffer.alloc(1024 * 1024, 'x'), 500, '"} 1\n', sent));
    const [target] = targets(`scrape_configs: [{job_name: line, static_configs: [{targets: ['${address}']}]}]`);
    const cache = new SeriesCache();
    const result = await scrapeOnce(target!, cache);
    expect(result.limit).toBe('max_line_size');
    expect(result.error).toContain('longer than 1048576 bytes');
    expect(cache.size).toBe(0);
    expect(sent.bytes).toBeLessThan(64 * 1024 * 1024);
  });

  it('label limits count __name__ and the target labels, after metric relabeling, with Prometheus messages', async () => {
    const address = await serve(page(`ok 1\nwide{a="1",b="2"} 1\n`));
    const [wide, relabeled] = targets(`
scrape_configs:
  - {job_name: wide, label_limit: 4, static_configs: [{targets: ['${address}']}]}
  - job_name: relabeled
    label_limit: 4
    static_configs: [{targets: ['${address}']}]
    metric_relabel_configs: [{action: labeldrop, regex: b}]
`);
    const failed = await scrapeOnce(wide!);
    expect(failed.error).toBe('label_limit exceeded (metric: wide, number of labels: 5, limit: 4)');
    expect(failed.limit).toBe('label_limit');
    expect((await scrapeOnce(relabeled!)).error).toBeUndefined();
    const long = await serve(page(`m{${'n'.repeat(60)}="${'é'.repeat(40)}"} 1\n`));
    const [name, value] = targets(`
scrape_configs:
  - {job_name: name, label_name_length_limit: 20, static_configs: [{targets: ['${long}']}]}
  - {job_name: value, label_value_length_limit: 70, static_configs: [{targets: ['${long}']}]}
`);
    expect((await scrapeOnce(name!)).error).toBe(
      `label_name_length_limit exceeded (metric: m, label name: ${'n'.repeat(50)}, length: 60, limit: 20)`,
    );
    // lengths in UTF-8 bytes: 40 × é is 80 bytes
    expect((await scrapeOnce(value!)).error).toBe(
      `label_value_length_limit exceeded (metric: m, label name: ${'n'.repeat(60).slice(0, 50)}, value: "${'é'.repeat(40)}", length: 80, limit: 70)`,
    );
  });

  it('report_extra_scrape_metrics adds scrape_timeout_seconds, scrape_sample_limit and scrape_body_size_bytes', async () => {
    const text = 'a 1\nb 2\n';
    const address = await serve(page(text));
    const [target] = targets(`
scrape_configs: [{job_name: j, scrape_timeout: 3s, scrape_interval: 5s, sample_limit: 7, static_configs: [{targets: ['${address}']}]}]
`);
    const result = await scrapeOnce(target!, new SeriesCache(), new ScrapedSamples(), { extraMetrics: true });
    expect(synthetic(result.synthetic, 'scrape_timeout_seconds')).toBe(3);
    expect(synthetic(result.synthetic, 'scrape_sample_limit')).toBe(7);
    expect(synthetic(result.synthetic, 'scrape_body_size_bytes')).toBe(text.length);
    expect(synthetic((await scrapeOnce(target!)).synthetic, 'scrape_body_size_bytes')).toBeUndefined();
  });
});

describe('what a failing target leaves behind', () => {
  it('a target that keeps failing with new series each scrape keeps none of them', async () => {
    let round = 0;
    const address = await serve((_request, response) => {
      round++;
      const lines = Array.from({ length: 5000 }, (_, index) => `churn{round="${round}",i="${index}"} 1`);
      response.writeHead(200).end(`${lines.join('\n')}\nthis is not a sample\n`);
    });
    const [target] = targets(`scrape_configs: [{job_name: j, static_configs: [{targets: ['${address}']}]}]`);
    const cache = new SeriesCache();
    const samples = new ScrapedSamples();
    for (let scrape = 0; scrape < 10; scrape++) {
      const result = await scrapeOnce(target!, cache, samples);
      expect(result.error).toContain('line 5001');
      expect(synthetic(result.synthetic, 'scrape_samples_scraped')).toBe(5000);
      expect(cache.size).toBe(0);
      expect(samples.length).toBe(0);
    }
  });

  it('the receiver logs each failure reason (throttled) and counts it, by limit', async () => {
    const address = await serve(page('a 1\nb 2\nc 3\n'));
    const context = componentContext('prometheus', 'receivers');
    const settings = readPrometheusReceiverSettings(
      new Settings(
        {
          config: {
            global: { scrape_interval: '100ms', scrape_timeout: '100ms' },
            scrape_configs: [{ job_name: 'j', sample_limit: 2, static_configs: [{ targets: [address] }] }],
          },
        },
        'receivers.prometheus',
      ),
    );
    const received: MetricSample[] = [];
    const receiver = new PrometheusReceiver(context, settings, { consume: (items) => received.push(...items) });
    await receiver.start();
    try {
      const labels = { receiver: 'prometheus', transport: 'http' };
      await eventually(
        () => context.metrics.value('otelcol_receiver_scrapes_exceeded_limit', { ...labels, limit: 'sample_limit' }),
        (count) => count >= 3,
      );
      expect(context.metrics.value('otelcol_receiver_failed_scrapes', labels)).toBeGreaterThanOrEqual(3);
      const logged = context.logger.lines.filter((line) => line.includes('sample limit exceeded'));
      // three failures or more within a few hundred ms, one line: the log is throttled
      expect(logged).toHaveLength(1);
      expect(logged[0]).toContain(`scrape of http://${address}/metrics (job j) failed: sample limit exceeded`);
      expect(received.filter((sample) => sample.name === 'up').every((sample) => sample.value === 0)).toBe(true);
      expect(received.some((sample) => sample.name === 'a')).toBe(false);
    } finally {
      await receiver.shutdown();
    }
  });

  it('target_limit fails every target of the job without scraping it', async () => {
    let requests = 0;
    const count: Handler = (_request, response) => {
      requests++;
      response.writeHead(200).end('a 1\n');
    };
    const [one, two] = await Promise.all([serve(count), serve(count)]);
    const context = componentContext('prometheus', 'receivers');
    const settings = readPrometheusReceiverSettings(
      new Settings(
        {
          config: {
            global: { scrape_interval: '100ms', scrape_timeout: '100ms', target_limit: 1 },
            scrape_configs: [{ job_name: 'j', static_configs: [{ targets: [one, two] }] }],
          },
        },
        'receivers.prometheus',
      ),
    );
    const received: MetricSample[] = [];
    const receiver = new PrometheusReceiver(context, settings, { consume: (items) => received.push(...items) });
    await receiver.start();
    try {
      await eventually(
        () => received.filter((sample) => sample.name === 'up').length,
        (ups) => ups >= 4,
      );
      expect(requests).toBe(0);
      expect(received.filter((sample) => sample.name === 'up').every((sample) => sample.value === 0)).toBe(true);
      expect(context.logger.lines.join('\n')).toContain(
        'job j: target_limit exceeded (number of targets: 2, limit: 1): none of its targets is scraped',
      );
    } finally {
      await receiver.shutdown();
    }
  });
});
