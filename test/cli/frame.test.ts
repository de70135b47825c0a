import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { failure, usageError } from '../../src/core/errors.js';
import type { AddonVersionInfo, Eks } from '../../src/ports.js';
import type { System, SystemOptions } from '../../src/system.js';
import { createSystem } from '../../src/system.js';
import { runCli } from '../helpers/cli.js';

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** A real System whose EKS port is replaced: what reaches it is what the frame resolved. */
function systemWithEks(eks: Partial<Eks>, seen: SystemOptions[] = []): (options: SystemOptions) => Promise<System> {
  return async (options) => {
    seen.push(options);
    const system = await createSystem(options);
    return { ...system, eks: { ...system.eks, ...eks } as Eks };
  };
}

const catalog: AddonVersionInfo[] = [
  {
    addonVersion: 'v0.45.0-eksbuild.1',
    architecture: ['amd64'],
    compatibilities: ['1.19', '1.20', '1.21', '1.22'].map((clusterVersion) => ({
      clusterVersion,
      defaultVersion: true,
    })),
    requiresConfiguration: false,
  },
];

describe('adot CLI frame', () => {
  it('prints the package version with --version and exits 0', async () => {
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.trim()).toBe(packageVersion);
  });

  it('prints help listing the commands and the global options with their environment variables', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: adot');
    expect(result.stdout).toMatch(/versions/);
    expect(result.stdout).toMatch(/sandbox/);
    expect(result.stdout).toContain('--cluster <name>');
    expect(result.stdout).toContain('ADOT_CLUSTER');
    expect(result.stdout).toContain('AWS_REGION, AWS_DEFAULT_REGION');
    expect(result.stdout).toContain('--timeout <duration>');
  });

  it('hides the internal sandbox serve command from help', async () => {
    const result = await runCli(['sandbox', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/start/);
    expect(result.stdout).toMatch(/scenarios/);
    expect(result.stdout).not.toMatch(/^\s+serve/m);
  });

  it('exits 2 on an unknown option, with the message and a hint on stderr', async () => {
    const result = await runCli(['versions', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("error: unknown option '--bogus'");
    expect(result.stderr).toContain('hint: see: adot versions --help');
  });

  it('exits 2 on an unknown command', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'frobnicate'");
  });

  it('exits 2 without a command, showing the help on stderr', async () => {
    const result = await runCli([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: adot');
  });

  it.each(['7x', 'soon', '-5s', '0'])('exits 2 on --timeout %s', async (value) => {
    const result = await runCli(['versions', '--kubernetes-version', '1.22', '--timeout', value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--timeout');
    expect(result.stderr).toContain('expected a duration');
  });

  it('exits 2 on an output format outside the choices, and on one the command does not accept', async () => {
    expect((await runCli(['versions', '-o', 'xml'])).code).toBe(2);
    const unsupported = await runCli(['sandbox', 'env', '-o', 'json']);
    expect(unsupported.code).toBe(2);
    expect(unsupported.stdout).toContain('"UnsupportedOutput"');
  });

  it('prints a JSON error document on stdout under -o json, whatever the kind of error', async () => {
    const usage = await runCli(['-o', 'json', 'versions', '--bogus']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({
      schemaVersion: 1,
      ok: false,
      error: { code: 'UsageError', message: "unknown option '--bogus'", hint: 'see: adot versions --help' },
    });
    expect(usage.stderr).toBe('');

    const failed = await runCli(['versions', '--output=json', '--kubernetes-version', '1.22'], {
      system: systemWithEks({
        describeAddonVersions: () => Promise.reject(failure('AwsAccessDenied', 'not allowed', { hint: 'grant it' })),
      }),
    });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout)).toEqual({
      schemaVersion: 1,
      ok: false,
      error: { code: 'AwsAccessDenied', message: 'not allowed', hint: 'grant it' },
    });
  });

  it('maps an AdotError to its exit status and prints message and hint on stderr without a stack', async () => {
    const result = await runCli(['versions', '--kubernetes-version', '1.22'], {
      system: systemWithEks({
        describeAddonVersions: () =>
          Promise.reject(usageError('MissingValue', 'missing value for --cluster', { hint: 'pass --cluster' })),
      }),
    });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: missing value for --cluster\nhint: pass --cluster\n',
    });
  });

  it('reports an unexpected exception as an internal error (exit 1), with the stack only under -v', async () => {
    const system = systemWithEks({ describeAddonVersions: () => Promise.reject(new TypeError('boom')) });
    const quiet = await runCli(['versions', '--kubernetes-version', '1.22'], { system });
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toContain('error: internal error: boom');
    expect(quiet.stderr).not.toContain('    at ');
    const loud = await runCli(['versions', '--kubernetes-version', '1.22', '-v'], { system });
    expect(loud.code).toBe(1);
    expect(loud.stderr).toContain('TypeError: boom');
    expect(loud.stderr).toContain('    at ');
  });

  it('exits 130 when the run is interrupted during a wait', async () => {
    const controller = new AbortController();
    const result = await runCli(['versions', '--kubernetes-version', '1.22'], {
      signal: controller.signal,
      system: async (options) => {
        const system = await createSystem(options);
        return {
          ...system,
          eks: {
            ...system.eks,
            describeAddonVersions: async () => {
              setTimeout(() => controller.abort(), 10);
              await system.clock.sleep(60_000, system.signal);
              return catalog;
            },
          } as Eks,
        };
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted');
  });

  it('takes global options from the environment, flags winning, before or after the command', async () => {
    const seen: SystemOptions[] = [];
    const system = systemWithEks(
      {
        describeCluster: async (name) => ({
          name,
          arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`,
          version: '1.22',
          status: 'ACTIVE',
          endpoint: 'https://127.0.0.1',
          oidcIssuer: undefined,
        }),
        describeAddonVersions: async () => catalog,
      },
      seen,
    );
    const env = {
      ADOT_CLUSTER: 'from-env',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_PROFILE: 'env-profile',
      KUBECONFIG: '/a/config:/b/config',
    };
    expect((await runCli(['versions'], { env, system })).code).toBe(0);
    expect(
      (
        await runCli(['--cluster', 'flag-before', 'versions', '--region', 'us-west-2', '--timeout', '1h30m'], {
          env,
          system,
        })
      ).code,
    ).toBe(0);
    expect(
      (await runCli(['versions', '--cluster=flag-after', '--kubeconfig', '/c/config', '-y', '-v'], { env, system }))
        .code,
    ).toBe(0);
    expect(
      seen.map(({ cluster, region, profile, kubeconfig, timeoutMs, yes, verbose }) => ({
        cluster,
        region,
        profile,
        kubeconfig,
        timeoutMs,
        yes,
        verbose,
      })),
    ).toEqual([
      {
        cluster: 'from-env',
        region: 'eu-west-1',
        profile: 'env-profile',
        kubeconfig: ['/a/config', '/b/config'],
        timeoutMs: undefined,
        yes: false,
        verbose: false,
      },
      {
        cluster: 'flag-before',
        region: 'us-west-2',
        profile: 'env-profile',
        kubeconfig: ['/a/config', '/b/config'],
        timeoutMs: 5_400_000,
        yes: false,
        verbose: false,
      },
      {
        cluster: 'flag-after',
        region: 'eu-west-1',
        profile: 'env-profile',
        kubeconfig: ['/c/config'],
        timeoutMs: undefined,
        yes: true,
        verbose: true,
      },
    ]);
    expect((await runCli(['versions'], { env: { ...env, AWS_REGION: 'ap-south-1' }, system })).code).toBe(0);
    expect(seen[3]?.region).toBe('ap-south-1');
  });

  describe('colour', () => {
    const system = systemWithEks({ describeAddonVersions: async () => catalog });
    const versions = (env: Record<string, string>, ...flags: string[]) =>
      runCli(['versions', '--kubernetes-version', '1.22', ...flags], { env, system });
    // eslint-disable-next-line no-control-regex -- matching the ESC character is the point
    const ansi = /\u001b\[/;

    it('is off on captured (non-TTY) streams', async () => {
      const result = await versions({});
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(ansi);
    });

    it('is forced by FORCE_COLOR, which wins over NO_COLOR, and --no-color wins over both', async () => {
      const forced = await runCli(['versions', '--bogus'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
      expect(forced.stderr).toMatch(ansi);
      expect((await runCli(['versions', '--bogus'], { env: { NO_COLOR: '1' } })).stderr).not.toMatch(ansi);
      expect((await runCli(['versions', '--bogus', '--no-color'], { env: { FORCE_COLOR: '1' } })).stderr).not.toMatch(
        ansi,
      );
      expect((await versions({ FORCE_COLOR: '0' })).stdout).not.toMatch(ansi);
    });
  });
});
