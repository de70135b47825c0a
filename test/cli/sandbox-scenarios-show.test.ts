import { describe, expect, it } from 'vitest';
import { parseSeed } from '../../src/sandbox/seed/parse.js';
import { SCENARIOS, scenarioSeed } from '../../src/sandbox/seed/scenarios.js';
import { runCli } from '../helpers/cli.js';

describe('adot sandbox scenarios', () => {
  it.each(SCENARIOS.map((scenario) => [scenario.name]))(
    '--show %s prints a seed file that the seed parser reads back into the same seed',
    async (name) => {
      const result = await runCli(['sandbox', 'scenarios', '--show', name]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^# adot sandbox scenario ${name}: `));
      expect(parseSeed(result.stdout, `${name}.yaml`)).toEqual(scenarioSeed(name));
    },
  );

  it('--show -o json wraps the seed file in a document with ok', async () => {
    const result = await runCli(['sandbox', 'scenarios', '--show', 'blog-2022', '-o', 'json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { schemaVersion: number; ok: boolean; name: string; seed: string };
    expect(document).toMatchObject({ schemaVersion: 1, ok: true, name: 'blog-2022' });
    expect(parseSeed(document.seed, 'blog-2022.yaml')).toEqual(scenarioSeed('blog-2022'));
  });

  it('--show of an unknown scenario is a usage error naming the known ones', async () => {
    const result = await runCli(['sandbox', 'scenarios', '--show', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown sandbox scenario "nope"');
    expect(result.stderr).toContain('blog-2022');
  });

  it('the list as JSON has ok and every scenario', async () => {
    const result = await runCli(['sandbox', 'scenarios', '-o', 'json']);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as { ok: boolean; scenarios: { name: string }[] };
    expect(document.ok).toBe(true);
    expect(document.scenarios.map((scenario) => scenario.name)).toEqual(SCENARIOS.map((scenario) => scenario.name));
  });
});
