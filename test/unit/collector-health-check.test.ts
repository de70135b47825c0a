import { afterEach, describe, expect, it } from 'vitest';
import { Settings } from '../../src/collector/config/settings.js';
import {
  goDuration,
  HealthCheckExtension,
  readHealthCheckSettings,
} from '../../src/collector/extensions/health-check.js';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { startCollector, type RunningCollector } from '../../src/collector/runtime/collector.js';
import { componentContext } from '../helpers/collector-context.js';
import { memoryLogger } from '../helpers/collector-segments.js';

describe('health_check extension', () => {
  let extension: HealthCheckExtension | undefined;
  let collector: RunningCollector | undefined;
  afterEach(async () => {
    await extension?.shutdown();
    await collector?.shutdown();
    extension = undefined;
    collector = undefined;
  });

  function start(raw: Record<string, unknown>): Promise<void> {
    extension = new HealthCheckExtension(
      componentContext('health_check', 'extensions'),
      readHealthCheckSettings(new Settings({ endpoint: '127.0.0.1:0', ...raw }, 'extensions.health_check')),
    );
    return extension.start();
  }
  const get = (path = '/') => fetch(`http://${extension?.address() ?? ''}${path}`);

  it('answers 503 until the pipelines run, 200 with status and uptime while they do, 503 again once stopping', async () => {
    await start({});
    const before = await get();
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({
      status: 'Server not available',
      upSince: '0001-01-01T00:00:00Z',
      uptime: '',
    });
    extension?.ready();
    const up = await get('/anything');
    expect(up.status).toBe(200);
    expect(up.headers.get('content-type')).toBe('application/json');
    const body = (await up.json()) as { status: string; upSince: string; uptime: string };
    expect(body.status).toBe('Server available');
    expect(Number.isNaN(Date.parse(body.upSince))).toBe(false);
    expect(body.uptime).toMatch(/^[\d.]+(µs|ms|s)$/);
    extension?.notReady();
    expect((await get()).status).toBe(503);
  });

  it('serves only its path when it is not "/", and the configured bodies', async () => {
    await start({ path: '/health/status', response_body: { healthy: 'I am fine', unhealthy: 'I am sick' } });
    expect((await get('/')).status).toBe(404);
    expect(await (await get('/health/status')).text()).toBe('I am sick');
    extension?.ready();
    const healthy = await get('/health/status');
    expect([healthy.status, await healthy.text()]).toEqual([200, 'I am fine']);
  });

  it('is ready once the collector runs: 200 from the collector started with it', async () => {
    const { config } = prepareConfigText(
      [
        'extensions: {health_check: {endpoint: "127.0.0.1:0"}, pprof: {}, zpages: {endpoint: "localhost:55679"}}',
        'receivers: {otlp: {protocols: {http: {endpoint: "127.0.0.1:0"}}}}',
        'exporters: {debug: {}}',
        'service:',
        '  extensions: [health_check, pprof, zpages]',
        '  telemetry: {metrics: {level: none}}',
        '  pipelines: {traces: {receivers: [otlp], exporters: [debug]}}',
      ].join('\n'),
      'otel.yaml',
      {},
    );
    collector = await startCollector({ config, env: {}, logger: memoryLogger() });
    const answer = await fetch(`http://${collector.extensionAddress('health_check') ?? ''}/`);
    expect(answer.status).toBe(200);
    expect(collector.extensionAddress('pprof')).toBeUndefined();
  });

  it('refuses a path without a leading / and the deprecated pipeline check', () => {
    const failure = (raw: Record<string, unknown>) => {
      try {
        readHealthCheckSettings(new Settings(raw, 'extensions.health_check'));
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(failure({ path: 'health' })).toBe('bad config: path must start with /');
    expect(failure({ check_collector_pipeline: { enabled: true } })).toMatch(/not supported/);
    expect(goDuration(1500)).toBe('1.5s');
    expect(goDuration(125_000)).toBe('2m5s');
  });
});
