import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import { createServingCertificate } from '../../src/sandbox/kube/certificate.js';
import { startFakeRemoteWriteReceiver, type FakeRemoteWriteReceiver } from '../helpers/collector-remote-write.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

describe('collector: https scrapes with tls_config and bearer_token_file (as the apiserver and node jobs use)', () => {
  let server: Server;
  let receiver: FakeRemoteWriteReceiver;
  let collector: RunningCollector;
  let dir: string;
  const logger = memoryLogger();

  beforeAll(async () => {
    const certificate = createServingCertificate({ commonName: 'metrics', hosts: ['127.0.0.1'] });
    server = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
      if (request.headers.authorization !== 'Bearer sa-token') {
        response.writeHead(401).end();
        return;
      }
      response
        .writeHead(200, { 'content-type': 'text/plain' })
        .end('# TYPE apiserver_requests_total counter\napiserver_requests_total 42\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = await startFakeRemoteWriteReceiver();
    dir = await mkdtemp(join(tmpdir(), 'adot-tls-'));
    await writeFile(join(dir, 'ca.crt'), certificate.cert);
    await writeFile(join(dir, 'token'), 'sa-token\n');
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const job = (name: string, tls: string) => `
        - job_name: ${name}
          scheme: https
          scrape_interval: 200ms
          scrape_timeout: 150ms
          tls_config: ${tls}
          bearer_token_file: ${join(dir, 'token')}
          static_configs: [{targets: ['${address}']}]`;
    const text = `
receivers:
  prometheus:
    config:
      scrape_configs:${job('trusted', `{ca_file: ${join(dir, 'ca.crt')}}`)}${job('untrusted', '{}')}
exporters:
  prometheusremotewrite: {endpoint: '${receiver.url}'}
service:
  telemetry: {metrics: {level: none}}
  pipelines:
    metrics: {receivers: [prometheus], exporters: [prometheusremotewrite]}
`;
    const { config } = prepareConfigText(text, 'otel.yaml', {});
    collector = await startCollector({ config, env: {}, logger });
  });

  afterAll(async () => {
    await collector?.shutdown();
    await receiver?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await rm(dir, { recursive: true, force: true });
  });

  it('trusts the given CA and sends the token; without the CA the scrape fails (up 0) and says why', async () => {
    const upOf = (job: string) =>
      receiver.writes.flatMap((write) =>
        write.series
          .filter(
            (series) =>
              series.labels.some((l) => l.name === 'job' && l.value === job) &&
              series.labels.some((l) => l.name === '__name__' && l.value === 'up'),
          )
          .flatMap((series) => series.samples.map((sample) => sample.value)),
      );
    expect(
      (
        await eventually(
          () => upOf('trusted'),
          (values) => values.length > 0,
        )
      )[0],
    ).toBe(1);
    expect(
      (
        await eventually(
          () => upOf('untrusted'),
          (values) => values.length > 0,
        )
      )[0],
    ).toBe(0);
    // the scraped sample and `up` are different series, so they may go out on different shards (num_consumers) and
    // land in either order: seeing `up` says nothing yet about the sample
    await eventually(
      () =>
        receiver.writes.some((write) =>
          write.series.some((series) => series.labels.some((l) => l.value === 'apiserver_requests_total')),
        ),
      (sent) => sent,
    );
    expect(
      logger.lines.some((line) =>
        /scrape of https:\/\/127\.0\.0\.1:\d+\/metrics \(job untrusted\) failed: .*certificate/i.test(line),
      ),
    ).toBe(true);
  });
});
