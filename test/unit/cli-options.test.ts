import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { AdotError } from '../../src/core/errors.js';
import { addOptions, list, parseOptions, required, switchOption, value } from '../../src/cli/options.js';

const TABLE = {
  namespace: value('--namespace <name>', 'namespace of the collector', 'namespace', { defaultText: 'aws-otel-eks' }),
  identity: value('--identity <mode>', 'auto, pod-identity or irsa', 'identityChoice', { env: ['ADOT_IDENTITY'] }),
  waitMs: value('--wait <duration>', 'how long', 'duration'),
  targets: list('--target <target>', 'amp, cloudwatch or xray', 'targets'),
  set: list('--set <key=value>', 'a template value', 'setValues'),
  dryRun: switchOption('--dry-run', 'change nothing'),
} as const;

/** What commander collects for `args`, then the table's typed values. */
async function parse(args: string[], env: Record<string, string | undefined> = {}) {
  const command = addOptions(new Command('try').exitOverride(), TABLE);
  command.parse(args, { from: 'user' });
  return parseOptions(TABLE, command.opts(), env);
}

async function usageErrorOf(run: () => Promise<unknown>): Promise<AdotError> {
  const error = await run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (error instanceof AdotError && error.exitStatus === 2) return error;
  throw new Error(`expected a usage error, got ${String(error)}`);
}

describe('an options table', () => {
  it('gives typed values: defaults parsed like given values, [] and false when absent', async () => {
    expect(await parse([])).toEqual({
      namespace: 'aws-otel-eks',
      identity: undefined,
      waitMs: undefined,
      targets: [],
      set: {},
      dryRun: false,
    });
  });

  it('parses each value once into its type', async () => {
    const options = await parse([
      '--namespace',
      'apps',
      '--identity',
      'IRSA',
      '--wait',
      '1h30m',
      '--target',
      'xray,amp',
      '--target',
      'cloudwatch',
      '--set',
      'batch.timeout=5s',
      '--dry-run',
    ]);
    expect(options).toEqual({
      namespace: 'apps',
      identity: 'irsa',
      waitMs: 5_400_000,
      targets: ['amp', 'cloudwatch', 'xray'],
      set: { 'batch.timeout': '5s' },
      dryRun: true,
    });
  });

  it('falls back to the environment variable; the flag wins', async () => {
    expect((await parse([], { ADOT_IDENTITY: 'pod-identity' })).identity).toBe('pod-identity');
    expect((await parse(['--identity', 'irsa'], { ADOT_IDENTITY: 'pod-identity' })).identity).toBe('irsa');
    expect((await parse([], { ADOT_IDENTITY: '' })).identity).toBeUndefined();
  });

  it.each([
    [['--namespace', 'Bad_Namespace'], 'InvalidName', '--namespace'],
    [['--identity', 'magic'], 'UnknownIdentityMode', '--identity'],
    [['--wait', '120x'], 'InvalidDuration', '--wait'],
    [['--target', 'nowhere'], 'UnknownTarget', '--target'],
    [['--set', 'novalue'], 'InvalidSet', '--set'],
  ])('refuses %j with one usage error naming the flag, with a hint', async (args, code, flag) => {
    const error = await usageErrorOf(() => parse(args));
    expect(error.code).toBe(code);
    expect(`${error.message} ${error.hint ?? ''}`).toContain(flag);
    expect(error.hint ?? '').not.toBe('');
  });

  it('refuses a bad environment value as it refuses the flag', async () => {
    expect((await usageErrorOf(() => parse([], { ADOT_IDENTITY: 'magic' }))).code).toBe('UnknownIdentityMode');
  });

  it('leaves help to commander: defaults shown, lists without (default: [])', () => {
    const help = addOptions(new Command('try'), TABLE).helpInformation();
    expect(help).toContain('(default: "aws-otel-eks")');
    expect(help).not.toContain('(default: [])');
  });

  it('a required option is one commander insists on', () => {
    const table = { config: required('--config <file>', 'a configuration', 'text') } as const;
    const command = addOptions(new Command('try').exitOverride().configureOutput({ writeErr: () => {} }), table);
    expect(() => command.parse([], { from: 'user' })).toThrow(/--config <file>/);
  });
});
