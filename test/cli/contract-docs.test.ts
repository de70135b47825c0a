import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const contract = readFileSync(join(root, 'docs/contract.md'), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((path) => /\.(ts|md|js|mjs)$/.test(path))
    .map((path) => join(dir, path));
}

describe('docs/contract.md', () => {
  it('is what src, docs and README refer to: nothing points at a CONTRACT.md or ../shared outside the repository', () => {
    const files = [...filesUnder('src'), ...filesUnder('docs'), 'README.md', 'bin/adot.js'];
    const offenders = files.filter((path) => /CONTRACT\.md|\.\.\/shared/.test(readFileSync(join(root, path), 'utf8')));
    expect(offenders).toEqual([]);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('docs/contract.md');
  });

  it('names every command adot --help lists', async () => {
    const help = (await runCli(['--help'])).stdout;
    const commands = [
      ...help
        .slice(help.indexOf('Commands:'), help.indexOf('\n\n', help.indexOf('Commands:')))
        .matchAll(/^ {2}([a-z-]+)/gm),
    ].map((match) => match[1]);
    expect(commands.length).toBeGreaterThan(6);
    for (const command of commands) expect(contract).toContain(`adot ${command}`);
  });

  it('links only to files of the repository that exist', () => {
    const links = [...contract.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((match) => match[1] ?? '');
    expect(links.length).toBeGreaterThan(3);
    for (const link of links) expect(existsSync(join(dirname(join(root, 'docs/contract.md')), link)), link).toBe(true);
  });
});
