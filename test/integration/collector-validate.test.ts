import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const valid = `
receivers:
  otlp:
    protocols:
      http:
        endpoint: \${env:LISTEN:-0.0.0.0:4318}
processors:
  batch: {timeout: 1s}
exporters:
  awsxray:
    region: \${env:REGION}
service:
  pipelines:
    traces: {receivers: [otlp], processors: [batch], exporters: [awsxray]}
`;

describe('adot collector validate', () => {
  let dir: string;
  const file = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adot-validate-'));
    await writeFile(file('valid.yaml'), valid);
    await writeFile(
      file('warning.yaml'),
      valid.replace('${env:REGION}', 'us-east-1').replace('timeout: 1s', 'timeout: 1s, metadata_keys: [$TENANT]'),
    );
    await writeFile(
      file('broken.yaml'),
      valid
        .replace('timeout: 1s', 'timeout: soon')
        .replace('traces: {receivers: [otlp]', 'traces: {receivers: [otlp, zipkin]')
        .replace('exporters: [awsxray]}', 'exporters: [awsxray, kafka]}'),
    );
    await writeFile(file('runtime.yaml'), valid.replace('batch: {timeout: 1s}', 'batch: {timeout: soon}'));
    await writeFile(file('not-yaml.yaml'), 'receivers: [unclosed\n  - x: {');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 when the runtime would run it; --set-env and the process environment fill ${env:…}', async () => {
    const fromFlag = await runCli([
      'collector',
      'validate',
      '--config',
      file('valid.yaml'),
      '--set-env',
      'REGION=eu-west-1',
    ]);
    expect(fromFlag.code).toBe(0);
    expect(fromFlag.stdout).toContain('the bundled collector would run this configuration');
    const fromEnv = await runCli(['collector', 'validate', '--config', 'valid.yaml'], {
      env: { REGION: 'eu-west-1' },
      cwd: dir,
    });
    expect(fromEnv.code).toBe(0);
  });

  it('exits 1 for a reference to an unset variable, with the path, message and hint', async () => {
    const result = await runCli(['collector', 'validate', '--config', file('valid.yaml'), '-o', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      schemaVersion: 1,
      ok: false,
      problems: [
        {
          path: 'exporters.awsxray.region',
          message:
            '${env:REGION} refers to REGION, which is not set in the environment (or --set-env): it expands to nothing',
          hint: 'Set REGION in the environment (or --set-env), or give a default: ${env:REGION:-value}',
          severity: 'error',
        },
        { path: 'exporters.awsxray.region', message: 'Missing region', hint: expect.any(String), severity: 'error' },
      ],
    });
  });

  it('lists every problem, not only the first, each with its path', async () => {
    const result = await runCli([
      'collector',
      'validate',
      '--config',
      file('broken.yaml'),
      '--set-env',
      'REGION=us-east-1',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('service.pipelines.traces.receivers[1]');
    expect(result.stderr).toContain('service.pipelines.traces.exporters[1]');
    // the runtime's own refusal comes with the configuration's problems
    expect(result.stderr).toContain('processors.batch.timeout: "soon" is not a duration');
    expect(result.stderr).toContain('hint:');
    const runtime = await runCli([
      'collector',
      'validate',
      '--config',
      file('runtime.yaml'),
      '-o',
      'json',
      '--set-env',
      'REGION=us-east-1',
    ]);
    expect(runtime.code).toBe(1);
    expect(JSON.parse(runtime.stdout).problems).toEqual([
      {
        path: 'processors.batch.timeout',
        message: '"soon" is not a duration',
        hint: 'e.g. 200ms, 5s, 1m',
        severity: 'error',
      },
    ]);
  });

  it('exits 0 with warnings on stderr', async () => {
    const result = await runCli(['collector', 'validate', '--config', file('warning.yaml')]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('"$TENANT" is not expanded');
    expect(result.stdout).toContain('(1 warning(s))');
  });

  it('exits 2 for a file that cannot be read, is not YAML, or a malformed --set-env', async () => {
    const missing = await runCli(['collector', 'validate', '--config', file('nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ENOENT');
    const notYaml = await runCli(['collector', 'validate', '--config', file('not-yaml.yaml')]);
    expect(notYaml.code).toBe(2);
    expect(notYaml.stderr).toContain('is not YAML');
    const badFlag = await runCli(['collector', 'validate', '--config', file('valid.yaml'), '--set-env', '1X=y']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).not.toContain('    at ');
  });
});
