import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS } from '../../src/core/targets.js';
import { SCENARIOS } from '../../src/sandbox/seed/scenarios.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'adot-completion-'));
const COMMANDS = ['install', 'apply-template', 'uninstall', 'doctor', 'versions', 'sandbox', 'collector', 'completion'];

async function script(shell: string): Promise<string> {
  const result = await runCli(['completion', shell]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

let bashScript = '';
beforeAll(async () => {
  bashScript = join(dir, 'adot.bash');
  writeFileSync(bashScript, await script('bash'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What bash offers when the words are typed and TAB is pressed on the last one (COMP_WORDS / COMP_CWORD). */
function bashComplete(...words: string[]): string[] {
  const driver = [
    'source "$1"; shift',
    'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()',
    '_adot_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', driver, 'bash', bashScript, 'adot', ...words], {
    encoding: 'utf8',
    cwd: dir,
  });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter((line) => line !== '');
}

describe('adot completion bash', () => {
  it('completes commands', () => {
    expect(bashComplete('ins')).toEqual(['install']);
    expect(bashComplete('')).toEqual(expect.arrayContaining([...COMMANDS, 'help', '--cluster', '--help']));
    expect(bashComplete('')).not.toContain('serve');
  });

  it('completes subcommands and options at their path, past global options and their values', () => {
    expect(bashComplete('sandbox', 'st')).toEqual(['start', 'status', 'stop']);
    expect(bashComplete('--cluster', 'sandbox', 'sandbox', 'sta')).toEqual(['start', 'status']);
    expect(bashComplete('install', '--dry')).toEqual(['--dry-run']);
    expect(bashComplete('doctor', '--cluster', 'demo', '--wa')).toEqual(['--wait']);
    expect(bashComplete('doctor', '--dry')).toEqual([]);
  });

  it('completes --target with the targets, scenarios with their names, -o with the formats', () => {
    expect(bashComplete('install', '--target', '')).toEqual([...TARGETS]);
    expect(bashComplete('doctor', '--target', 'c')).toEqual(['cloudwatch']);
    const scenarios = SCENARIOS.map((scenario) => scenario.name);
    expect(bashComplete('sandbox', 'start', '--scenario', '')).toEqual(scenarios);
    expect(bashComplete('doctor', '--sandbox', '--sandbox-scenario', 'blog')).toEqual(['blog-2022']);
    expect(bashComplete('sandbox', 'scenarios', '--show', '')).toEqual(scenarios);
    expect(bashComplete('versions', '-o', '')).toEqual(['text', 'json', 'yaml', 'short']);
    expect(bashComplete('install', '--identity', '')).toEqual(['auto', 'pod-identity', 'irsa']);
  });

  it('completes the shells of completion and the commands of help', () => {
    expect(bashComplete('completion', '')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
    expect(bashComplete('help', 'unin')).toEqual(['uninstall']);
    expect(bashComplete('sandbox', 'help', 'sc')).toEqual(['scenarios']);
  });

  it('offers file names after a flag that takes a file', () => {
    writeFileSync(join(dir, 'seed.yaml'), 'clusters: []\n');
    expect(bashComplete('sandbox', 'start', '--seed', 'se')).toEqual(['seed.yaml']);
  });
});

describe.each(['zsh', 'fish'])('adot completion %s', (shell) => {
  it('names every command, flag, target and scenario', async () => {
    const text = await script(shell);
    for (const word of [...COMMANDS, 'start', 'scenarios', 'run', 'validate', ...TARGETS]) expect(text).toContain(word);
    for (const scenario of SCENARIOS) expect(text).toContain(scenario.name);
    expect(text).toMatch(shell === 'zsh' ? /--sandbox-scenario/ : /-l sandbox-scenario/);
    expect(text).not.toMatch(/\bserve\b/);
  });

  // the shell is a required test peer (.ci/run installs zsh and fish): without it this fails, it is not skipped
  it('is valid syntax for the shell', async () => {
    const file = join(dir, `adot.${shell}`);
    writeFileSync(file, await script(shell));
    const result = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  });
});

it('refuses a shell it does not know (exit 2)', async () => {
  const result = await runCli(['completion', 'powershell']);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/bash, zsh, fish/);
});
