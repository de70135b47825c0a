import { describe, expect, it } from 'vitest';
import { expandEnvironment } from '../../src/collector/config/expand.js';
import { prepareConfigText } from '../../src/collector/config/load.js';
import { SettingsError } from '../../src/collector/config/settings.js';
import { startCollector } from '../../src/collector/runtime/collector.js';
import { isAdotError } from '../../src/core/errors.js';
import { memoryLogger } from '../helpers/collector-segments.js';

const valid = `
receivers:
  awsxray:
    endpoint: \${env:XRAY_ENDPOINT}
    proxy_server:
      endpoint: \${env:XRAY_ENDPOINT}
exporters:
  file:
    path: "/tmp/\${env:OUT_NAME:-traces}.jsonl"
  debug: {}
service:
  telemetry:
    metrics:
      address: 127.0.0.1:0
  pipelines:
    traces:
      receivers: [awsxray]
      exporters: [file, debug]
`;

function usageProblem(run: () => unknown): { status: number; message: string; paths: string[] } {
  try {
    run();
  } catch (error) {
    if (!isAdotError(error)) throw error;
    const problems = (error.details?.problems ?? []) as { path: string }[];
    return { status: error.exitStatus, message: error.message, paths: problems.map((problem) => problem.path) };
  }
  throw new Error('expected a usage error');
}

describe('environment expansion', () => {
  it('expands ${env:NAME}, ${NAME} and defaults, and turns $$ into $', () => {
    const { value, unset } = expandEnvironment(
      {
        a: '${env:REGION}',
        b: 'prefix-${CLUSTER}-suffix',
        c: ['${env:MISSING:-fallback}', 'cost $$5', '$$1'],
        d: '${env:PORT}',
        e: '${env:NOT_SET}',
      },
      { REGION: 'eu-west-1', CLUSTER: 'demo', PORT: '4317' },
    );
    expect(value).toEqual({
      a: 'eu-west-1',
      b: 'prefix-demo-suffix',
      c: ['fallback', 'cost $5', '$1'],
      d: 4317,
      e: '',
    });
    expect(unset).toEqual(['NOT_SET']);
  });
});

describe('preparing a configuration', () => {
  it('validates, then expands with the given environment (not the process environment)', () => {
    const prepared = prepareConfigText(valid, 'otel.yaml', { XRAY_ENDPOINT: '127.0.0.1:0' });
    expect(prepared.config.receivers.awsxray).toEqual({
      endpoint: '127.0.0.1:0',
      proxy_server: { endpoint: '127.0.0.1:0' },
    });
    expect(prepared.config.exporters.file).toEqual({ path: '/tmp/traces.jsonl' });
  });

  it('refuses a configuration with the path of the bad key (exit 2)', () => {
    const broken = valid.replace('exporters: [file, debug]', 'exporters: [file, awsxray]');
    const problem = usageProblem(() => prepareConfigText(broken, 'otel.yaml', {}));
    expect(problem.status).toBe(2);
    expect(problem.paths).toEqual(['service.pipelines.traces.exporters[1]']);
    expect(problem.message).toContain('otel.yaml: service.pipelines.traces.exporters[1]');
  });

  it('refuses YAML syntax errors with their line', () => {
    const problem = usageProblem(() => prepareConfigText('receivers: [unclosed', 'otel.yaml', {}));
    expect(problem.status).toBe(2);
    expect(problem.paths[0]).toMatch(/^line \d+, column \d+$/);
  });
});

describe('starting the runtime', () => {
  async function startError(text: string): Promise<SettingsError> {
    const { config } = prepareConfigText(text, 'otel.yaml', { XRAY_ENDPOINT: '127.0.0.1:0' });
    try {
      const collector = await startCollector({ config, env: {}, logger: memoryLogger() });
      await collector.shutdown();
    } catch (error) {
      if (error instanceof SettingsError) return error;
      throw error;
    }
    throw new Error('expected a SettingsError');
  }

  it('names the key of a setting the runtime refuses, before anything listens', async () => {
    const error = await startError(valid.replace('debug: {}', 'debug: {verbosity: loud}'));
    expect(error.path).toBe('exporters.debug.verbosity');
  });

  it('refuses component types it does not implement, naming them', async () => {
    const error = await startError(
      valid
        .replace('  debug: {}', '  debug: {}\n  otlp:\n    endpoint: collector:4317')
        .replace('[file, debug]', '[file, otlp]'),
    );
    expect(error.path).toBe('exporters.otlp');
    expect(error.message).toContain('not supported by the bundled collector runtime');
  });

  it('binds the receiver and the metrics endpoint where configured, and reports them', async () => {
    const { config } = prepareConfigText(
      valid.replace('path: "/tmp/${env:OUT_NAME:-traces}.jsonl"', 'path: /dev/null'),
      'otel.yaml',
      {
        XRAY_ENDPOINT: '127.0.0.1:0',
      },
    );
    const collector = await startCollector({ config, env: {}, logger: memoryLogger() });
    try {
      expect(collector.receiverAddress('awsxray')).toMatch(/^127\.0\.0\.1:\d+$/);
      const response = await fetch(`http://${collector.telemetryAddress}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      expect(await response.text()).toContain('# TYPE otelcol_receiver_accepted_spans counter');
    } finally {
      await collector.shutdown();
    }
  });
});
