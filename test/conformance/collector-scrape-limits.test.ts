/**
 * Scrape limits, cross-checked with Debian's Prometheus (2.42): both scrape the same targets under the same per-job
 * limits; the collector remote-writes into that Prometheus with the external label scraper="adot", so `up` and
 * `scrape_samples_scraped` of each job can be compared side by side. (Limits in `global` came with Prometheus 2.45,
 * after Debian's version: they are tested against the collector alone, in the integration tests.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import { startPrometheus, type PrometheusServer } from '../helpers/collector-prometheus.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

/** Expositions by path: each job scrapes its own. */
const PAGES: Record<string, string> = {
  '/fits': 'fits_total{a="1"} 1\nfits_total{a="2"} 2\n',
  '/body': Array.from({ length: 100 }, (_, index) => `body_series{index="${index}"} ${index}`).join('\n') + '\n',
  '/samples': Array.from({ length: 10 }, (_, index) => `many_samples{index="${index}"} ${index}`).join('\n') + '\n',
  '/labels': 'few 1\nmany_labels{a="1",b="2"} 1\n',
  '/name': 'short 1\nlong_name{a_rather_long_label_name="x"} 1\n',
  '/value': `short 1\nlong_value{v="${'v'.repeat(40)}"} 1\n`,
};

/** One scrape config per limit; the target list is filled in with the server's address. */
function scrapeConfigs(address: string, second: string): string {
  const job = (name: string, path: string, limit: string, targets = `['${address}']`) =>
    `  - job_name: ${name}\n    metrics_path: ${path}\n    ${limit}\n    static_configs: [{targets: ${targets}}]\n`;
  return [
    job('fits', '/fits', 'sample_limit: 5'),
    job('body', '/body', 'body_size_limit: 1KB'),
    job('samples', '/samples', 'sample_limit: 5'),
    // job and instance count, as does __name__: many_labels has 5 labels
    job('labels', '/labels', 'label_limit: 4'),
    job('name', '/name', 'label_name_length_limit: 10'),
    job('value', '/value', 'label_value_length_limit: 30'),
    job('targets', '/fits', 'target_limit: 1', `['${address}', '${second}']`),
  ].join('');
}

async function serve(): Promise<{ server: Server; address: string }> {
  const server = createServer((request, response) => {
    const page = PAGES[request.url ?? ''];
    if (page === undefined) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('scrape limits: the collector and Prometheus agree', () => {
  let prometheus: PrometheusServer;
  let collector: RunningCollector;
  let servers: Server[];

  beforeAll(async () => {
    const [one, two] = await Promise.all([serve(), serve()]);
    servers = [one.server, two.server];
    const jobs = scrapeConfigs(one.address, two.address);
    prometheus = await startPrometheus(`global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n${jobs}`);
    const config = `
receivers:
  prometheus:
    config:
      global: {scrape_interval: 1s, scrape_timeout: 1s}
      scrape_configs:
${jobs.replace(/^/gm, '        ')}
exporters:
  prometheusremotewrite:
    endpoint: ${prometheus.url}/api/v1/write
    external_labels: {scraper: adot}
service:
  telemetry: {metrics: {address: "127.0.0.1:0"}}
  pipelines:
    metrics: {receivers: [prometheus], exporters: [prometheusremotewrite]}
`;
    collector = await startCollector({
      config: prepareConfigText(config, 'otel.yaml', {}).config,
      env: {},
      logger: memoryLogger(),
    });
  }, 30_000);

  afterAll(async () => {
    await collector?.shutdown();
    await prometheus?.close();
    for (const server of servers ?? []) {
      server.closeAllConnections();
      server.close();
    }
  });

  /** metric by job, for Prometheus's own scrapes and the collector's, once both have them for every job */
  async function bothSides(
    metric: string,
  ): Promise<{ prometheus: Record<string, number>; adot: Record<string, number> }> {
    const jobs = ['fits', 'body', 'samples', 'labels', 'name', 'value', 'targets'];
    const read = async () => {
      const rows = await prometheus.query(`max by (job, scraper) (${metric})`);
      const sides = { prometheus: {} as Record<string, number>, adot: {} as Record<string, number> };
      for (const row of rows) {
        const side = row.metric['scraper'] === 'adot' ? sides.adot : sides.prometheus;
        side[row.metric['job'] ?? ''] = Number(row.value[1]);
      }
      return sides;
    };
    return eventually(read, (sides) => jobs.every((job) => job in sides.prometheus && job in sides.adot), 20_000);
  }

  it('up: 1 within the limits, 0 for each limit exceeded', async () => {
    const up = await bothSides('up');
    expect(up.adot).toEqual(up.prometheus);
    expect(up.adot).toEqual({ fits: 1, body: 0, samples: 0, labels: 0, name: 0, value: 0, targets: 0 });
  });

  it('scrape_samples_scraped: what each failed scrape read before it failed, as Prometheus reports it', async () => {
    const scraped = await bothSides('scrape_samples_scraped');
    expect(scraped.adot).toEqual(scraped.prometheus);
    expect(scraped.adot).toEqual({ fits: 2, body: 0, samples: 10, labels: 2, name: 2, value: 2, targets: 0 });
  });

  it('scrape_samples_post_metric_relabeling of a failed scrape, as Prometheus reports it', async () => {
    const kept = await bothSides('scrape_samples_post_metric_relabeling');
    expect(kept.adot).toEqual(kept.prometheus);
    expect(kept.adot).toEqual({ fits: 2, body: 0, samples: 10, labels: 1, name: 1, value: 1, targets: 0 });
  });

  it('the collector counts each limit it saw exceeded in its own metrics', () => {
    const count = (limit: string) =>
      collector.metrics.value('otelcol_receiver_scrapes_exceeded_limit', {
        receiver: 'prometheus',
        transport: 'http',
        limit,
      });
    for (const limit of [
      'body_size_limit',
      'sample_limit',
      'label_limit',
      'label_name_length_limit',
      'label_value_length_limit',
      'target_limit',
    ])
      expect(count(limit), limit).toBeGreaterThan(0);
  });
});
