import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMEOUT_MS } from '../../src/core/defaults.js';
import { formatDuration } from '../../src/core/duration.js';
import { TEMPLATE_TARGETS } from '../../src/core/targets.js';
import { describeSettableKeys } from '../../src/core/templates/settings.js';
import { runCli } from '../helpers/cli.js';

/** every command a user can run, as its words */
const COMMANDS = [
  ['install'],
  ['apply-template'],
  ['uninstall'],
  ['doctor'],
  ['versions'],
  ['sandbox', 'start'],
  ['sandbox', 'status'],
  ['sandbox', 'stop'],
  ['sandbox', 'env'],
  ['sandbox', 'scenarios'],
  ['collector', 'run'],
  ['collector', 'validate'],
  ['completion'],
];

async function helpOf(words: string[]): Promise<string> {
  const result = await runCli([...words, '--help']);
  expect(result.code).toBe(0);
  return result.stdout;
}

describe('adot help', () => {
  it.each(COMMANDS.map((words) => [words.join(' '), words]))(
    '%s --help has examples, its -o formats and the global options, and no (default: [])',
    async (_name, words) => {
      const help = await helpOf(words as string[]);
      expect(help).toMatch(/\nExamples:\n {2}# .+\n {2}(eval "\$\(|source <\()?adot /);
      expect(help).toMatch(/\nOutput formats: -o text/);
      expect(help).toContain('Global Options:');
      expect(help).toContain('--cluster <name>');
      expect(help).toContain('--sandbox-scenario <name>');
      expect(help).not.toContain('(default: [])');
    },
  );

  it.each([['install'], ['apply-template'], ['uninstall'], ['doctor'], ['versions']])(
    '%s --help shows an interactive, a CI (--yes -o json) and a sandbox example',
    async (name) => {
      const help = await helpOf([name]);
      const examples = help.slice(help.indexOf('Examples:')).split('\n');
      const runs = examples.filter((line) => line.startsWith(`  adot ${name}`) || line.includes(`&& adot ${name}`));
      expect(runs.length).toBeGreaterThanOrEqual(3);
      expect(runs.some((line) => /--yes -o json/.test(line))).toBe(true);
      expect(runs.some((line) => !/--yes|-o |--dry-run|--sandbox/.test(line))).toBe(true);
      expect(examples.some((line) => /--sandbox|\.adot-sandbox\/env/.test(line))).toBe(true);
    },
  );

  it('shows the -o formats each command accepts', async () => {
    expect(await helpOf(['doctor'])).toContain('Output formats: -o text, -o json, -o short\n');
    expect(await helpOf(['install'])).toContain('Output formats: -o text, -o json, -o yaml\n');
    expect(await helpOf(['collector', 'run'])).toContain('Output formats: -o text\n');
  });

  it('shows the default --timeout, the one install and uninstall use', async () => {
    const help = (await helpOf(['install'])).replace(/\s+/g, ' ');
    expect(help).toContain(`(default: ${formatDuration(DEFAULT_TIMEOUT_MS)})`);
    expect(formatDuration(DEFAULT_TIMEOUT_MS)).toBe('20m');
  });

  it.each([['install'], ['apply-template'], ['collector run']])(
    '%s --help lists every --set key with its meaning',
    async (name) => {
      const help = await helpOf(name.split(' '));
      const keys = describeSettableKeys(TEMPLATE_TARGETS);
      expect(keys.length).toBeGreaterThan(5);
      const lines = help.split('\n');
      for (const { key, description } of keys) {
        expect(lines.some((line) => line.startsWith(`  ${key} `) && line.includes(` ${description}`))).toBe(true);
      }
      expect(help).toMatch(/ {2}xray\.region +region of the awsxray exporter \(--target xray\)/);
    },
  );

  it('commands without --set do not list keys', async () => {
    expect(await helpOf(['doctor'])).not.toContain('--set keys');
  });

  it.each([
    [
      ['help', 'install'],
      ['install', '--help'],
    ],
    [
      ['help', 'doctor'],
      ['doctor', '--help'],
    ],
    [
      ['sandbox', 'help', 'start'],
      ['sandbox', 'start', '--help'],
    ],
  ])('adot %j prints what adot %j prints', async (asHelp, asFlag) => {
    const viaCommand = await runCli(asHelp);
    const viaFlag = await runCli(asFlag);
    expect(viaCommand.code).toBe(0);
    expect(viaCommand.stdout).toBe(viaFlag.stdout);
    expect(viaCommand.stdout).toContain('Examples:');
  });

  it('lists the help and completion commands in adot --help', async () => {
    const result = await runCli(['--help']);
    expect(result.stdout).toMatch(/\n {2}help \[command\] +show help for a command/);
    expect(result.stdout).toMatch(/\n {2}completion <shell>/);
  });
});

it('adot --help ends with examples and points at help, completion and the contract', async () => {
  const result = await runCli(['--help']);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/\nExamples:\n {2}# .+\n {2}adot install --sandbox/);
  expect(result.stdout).toContain('--yes -o json');
  expect(result.stdout).toContain('adot completion bash|zsh|fish');
  expect(result.stdout).toContain('docs/contract.md');
});

it('adot help of an unknown command is a usage error, as a JSON document under -o json', async () => {
  const text = await runCli(['help', 'instal']);
  expect(text.code).toBe(2);
  expect(text.stderr).toContain("unknown command 'instal'");
  expect(text.stderr).toMatch(/hint: adot help <command>, one of: install, apply-template/);
  const json = await runCli(['sandbox', 'help', 'begin', '-o', 'json']);
  expect(json.code).toBe(2);
  expect(JSON.parse(json.stdout)).toMatchObject({
    ok: false,
    error: { code: 'UnknownCommand', hint: 'adot sandbox help <command>, one of: start, status, stop, env, scenarios' },
  });
});
