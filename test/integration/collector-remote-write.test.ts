import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import { startDemoApp, type DemoApp } from '../helpers/collector-prometheus.js';
import { startFakeRemoteWriteReceiver, type FakeRemoteWriteReceiver } from '../helpers/collector-remote-write.js';
import { memoryLogger } from '../helpers/collector-segments.js';
import { eventually } from '../helpers/eventually.js';

interface Options {
  queue?: string;
  retry?: string;
  sigv4?: boolean;
}

function config(app: string, endpoint: string, options: Options = {}): string {
  return `
receivers:
  prometheus:
    config:
      scrape_configs:
        - job_name: demo
          scrape_interval: 100ms
          scrape_timeout: 90ms
          static_configs: [{targets: ['${app}']}]
exporters:
  prometheusremotewrite:
    endpoint: ${endpoint}
    ${options.queue ?? ''}
    retry_on_failure: ${options.retry ?? '{initial_interval: 20ms, max_interval: 50ms}'}
    ${options.sigv4 ? 'auth: {authenticator: sigv4auth}' : ''}
${options.sigv4 ? 'extensions:\n  sigv4auth: {region: us-west-2, service: aps}\n' : ''}
service:
  ${options.sigv4 ? 'extensions: [sigv4auth]' : ''}
  telemetry: {metrics: {level: none}}
  pipelines:
    metrics: {receivers: [prometheus], exporters: [prometheusremotewrite]}
`;
}

const env = { AWS_ACCESS_KEY_ID: 'AKIASANDBOX000000000', AWS_SECRET_ACCESS_KEY: 'sandbox-secret' };

describe('collector: remote write faults and authentication', () => {
  let app: DemoApp;
  let receiver: FakeRemoteWriteReceiver;
  let collector: RunningCollector | undefined;
  let logger: ReturnType<typeof memoryLogger>;

  beforeEach(async () => {
    [app, receiver] = await Promise.all([startDemoApp(), startFakeRemoteWriteReceiver()]);
    logger = memoryLogger();
  });
  afterEach(async () => {
    await collector?.shutdown();
    collector = undefined;
    await Promise.all([app.close(), receiver.close()]);
  });

  async function start(options: Options = {}): Promise<RunningCollector> {
    const { config: prepared } = prepareConfigText(config(app.address, receiver.url, options), 'otel.yaml', env);
    collector = await startCollector({ config: prepared, env, logger, shutdownTimeoutMs: 5_000 });
    return collector;
  }

  const count = (running: RunningCollector, name: string, labels: Record<string, string>) =>
    running.metrics.value(name, labels);
  const receivedSamples = () =>
    receiver.writes.reduce((total, write) => total + write.series.reduce((sum, s) => sum + s.samples.length, 0), 0);

  it('500, 500 then 204: retried with backoff, nothing is lost, every request carries the protocol headers', async () => {
    receiver.script.push(500, 500);
    const running = await start();
    await eventually(
      () => receiver.writes.length,
      (writes) => writes >= 5,
    );
    await running.shutdown();
    const accepted = count(running, 'otelcol_receiver_accepted_metric_points', {
      receiver: 'prometheus',
      transport: 'http',
    });
    expect(receivedSamples()).toBe(accepted);
    expect(count(running, 'otelcol_exporter_sent_metric_points', { exporter: 'prometheusremotewrite' })).toBe(accepted);
    expect(logger.lines.some((line) => line.includes('send failed (HTTP 500: try again later); retrying'))).toBe(true);
    const { headers } = receiver.writes[0]!;
    expect(headers['content-encoding']).toBe('snappy');
    expect(headers['content-type']).toBe('application/x-protobuf');
    expect(headers['x-prometheus-remote-write-version']).toBe('0.1.0');
    // the first scrape (retried twice) arrived first: per-series order is kept
    const upTimes = receiver.writes.flatMap((write) =>
      write.series
        .filter((s) => s.labels.some((l) => l.name === '__name__' && l.value === 'up'))
        .flatMap((s) => s.samples.map((p) => p.timestamp)),
    );
    expect(upTimes).toEqual([...upTimes].sort((a, b) => a - b));
  });

  /** The wait between a refused request and the next arrival of the same body (its retry), as the receiver saw it. */
  async function retryGapOf(status: number): Promise<number> {
    const retried = await eventually(
      () => {
        const refused = receiver.attempts.find((attempt) => attempt.status === status);
        const retry = receiver.attempts.find(
          (attempt) =>
            refused !== undefined &&
            attempt.at >= refused.at &&
            attempt !== refused &&
            attempt.body.equals(refused.body),
        );
        return refused === undefined || retry === undefined ? undefined : retry.at - refused.at;
      },
      (gap) => gap !== undefined,
      10_000,
    );
    return retried!;
  }

  it('429 with Retry-After in seconds: the retry waits at least that long, not the 20 ms backoff', async () => {
    receiver.script.push({ status: 429, retryAfter: '1' });
    await start({ queue: 'remote_write_queue: {num_consumers: 1}' });
    expect(await retryGapOf(429)).toBeGreaterThanOrEqual(1000);
    expect(logger.lines.some((line) => /Retry-After 1/.test(line))).toBe(true);
  });

  it('503 with Retry-After as an HTTP date: the retry waits until that date', async () => {
    // a whole second at least 2.5 s ahead: the date form has a resolution of one second
    const until = Math.ceil((Date.now() + 2500) / 1000) * 1000;
    receiver.script.push({ status: 503, retryAfter: new Date(until).toUTCString() });
    await start({ queue: 'remote_write_queue: {num_consumers: 1}' });
    const gap = await retryGapOf(503);
    const refusedAt = receiver.attempts.find((attempt) => attempt.status === 503)!.at;
    expect(refusedAt + gap).toBeGreaterThanOrEqual(until - 50);
    expect(gap).toBeGreaterThanOrEqual(1000);
  });

  it('400: never retried, dropped with the reason logged', async () => {
    receiver.script.push(400);
    const running = await start();
    await eventually(
      () =>
        count(running, 'otelcol_exporter_dropped_metric_points', {
          exporter: 'prometheusremotewrite',
          reason: 'permanent_error',
        }),
      (dropped) => dropped > 0,
    );
    await eventually(
      () => receiver.writes.length,
      (writes) => writes >= 2,
    );
    expect(
      logger.lines.some((line) => /dropped \d+ metric_points: not retryable: HTTP 400: out of order sample/.test(line)),
    ).toBe(true);
    expect(receiver.script).toEqual([]);
  });

  it('a full queue drops the oldest batches and counts them', async () => {
    receiver.script.push(...Array.from({ length: 12 }, () => 503));
    const running = await start({
      queue: 'remote_write_queue: {queue_size: 2, num_consumers: 1}',
      retry: '{initial_interval: 300ms, max_interval: 300ms, randomization_factor: 0}',
    });
    await eventually(
      () =>
        count(running, 'otelcol_exporter_dropped_metric_points', {
          exporter: 'prometheusremotewrite',
          reason: 'queue_full',
        }),
      (dropped) => dropped > 0,
    );
    expect(
      logger.lines.some((line) => line.includes('the sending queue is full (2 requests): dropped the oldest batch')),
    ).toBe(true);
  });

  it('sigv4auth signs each request for service aps with a signature that verifies', async () => {
    await start({ sigv4: true });
    await eventually(
      () => receiver.writes.length,
      (writes) => writes >= 1,
    );
    const write = receiver.writes[0]!;
    const authorization = String(write.headers.authorization);
    const match =
      /^AWS4-HMAC-SHA256 Credential=AKIASANDBOX000000000\/(\d{8})\/us-west-2\/aps\/aws4_request, SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(
        authorization,
      );
    expect(match).not.toBeNull();
    const signedHeaders = match![2]!.split(';');
    expect(signedHeaders).toEqual(expect.arrayContaining(['content-encoding', 'content-type', 'host', 'x-amz-date']));
    const amzDate = String(write.headers['x-amz-date']);
    const signingDate = new Date(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const url = new URL(receiver.url);
    const headers = Object.fromEntries(
      signedHeaders.filter((name) => !name.startsWith('x-amz-')).map((name) => [name, String(write.headers[name])]),
    );
    const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
    const signer = new SignatureV4({
      service: 'aps',
      region: 'us-west-2',
      credentials,
      sha256: Hash.bind(null, 'sha256'),
    });
    const expected = await signer.sign(
      {
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers,
        body: write.body,
      },
      { signingDate },
    );
    expect(authorization).toBe(expected.headers.authorization);
  });
});
