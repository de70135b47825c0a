import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { HelpPages } from '../../src/cli/help-pages.js';
import { runCli } from '../helpers/cli.js';

/**
 * bin/adot.js prints help pages the build rendered (dist/bundle/help-pages.json) instead of loading the bundle.
 * They must be what the CLI prints: `npm test` builds first, so these compare the built pages with the source's run().
 */
const execFileAsync = promisify(execFile);
const BIN = resolve('bin/adot.js');
const built = JSON.parse(readFileSync(resolve('dist/bundle/help-pages.json'), 'utf8')) as HelpPages;
const packageVersion = (JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string }).version;

async function adot(argv: string[], bin = BIN): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(process.execPath, [bin, ...argv], { env: { PATH: process.env['PATH'] ?? '' } });
}

describe('help pages rendered at build time', () => {
  it('cover the root and every command, three ways each, for this version', () => {
    expect(built.version).toBe(packageVersion);
    for (const line of ['--help', '-h', 'help', 'install --help', 'install -h', 'help install', 'sandbox help start']) {
      expect(built.pages[line], line).toBeTypeOf('number');
    }
    expect(Object.keys(built.pages).length).toBeGreaterThanOrEqual(45);
    expect(built.texts.length).toBeGreaterThanOrEqual(15);
  });

  it('are what the CLI prints for the same command line', async () => {
    for (const [line, index] of Object.entries(built.pages)) {
      const result = await runCli(line.split(' '));
      expect(result.code, line).toBe(0);
      expect(result.stdout, line).toBe(built.texts[index]);
    }
  });

  it('bin/adot.js prints the page, the same bytes as the full CLI (a help flag among other arguments)', async () => {
    const page = built.texts[built.pages['install --help'] as number];
    expect((await adot(['install', '--help'])).stdout).toBe(page);
    expect((await adot(['install', '--help', '--no-color'])).stdout).toBe(page);
    expect((await adot(['--help'])).stdout).toBe(built.texts[built.pages['--help'] as number]);
  });
});

describe('bin/adot.js without the bundle', () => {
  const root = mkdtempSync(join(tmpdir(), 'adot-bin-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'dist/bundle'), { recursive: true });
  copyFileSync(BIN, join(root, 'bin/adot.js'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module', version: '9.9.9' }));
  // a bundle that says it ran: the page was not found or not trusted
  writeFileSync(
    join(root, 'dist/bundle/main.js'),
    "export async function run(args) { process.stdout.write(`bundle ran: ${args.join(' ')}\\n`); return 0; }\n",
  );
  const bin = join(root, 'bin/adot.js');
  const pages = (version: string) =>
    writeFileSync(
      join(root, 'dist/bundle/help-pages.json'),
      JSON.stringify({ version, pages: { '--help': 0 }, texts: ['the page\n'] }),
    );

  it('prints the version and the page of this version without loading the bundle', async () => {
    pages('9.9.9');
    expect((await adot(['--version'], bin)).stdout).toBe('9.9.9\n');
    expect((await adot(['--help'], bin)).stdout).toBe('the page\n');
  });

  it('loads the bundle for pages of another version, a line without a page, or no pages at all', async () => {
    pages('1.0.0');
    expect((await adot(['--help'], bin)).stdout).toBe('bundle ran: --help\n');
    pages('9.9.9');
    expect((await adot(['doctor', '--help'], bin)).stdout).toBe('bundle ran: doctor --help\n');
    rmSync(join(root, 'dist/bundle/help-pages.json'));
    expect((await adot(['--help'], bin)).stdout).toBe('bundle ran: --help\n');
  });
});

describe('a reader that goes away', () => {
  /** runs adot with its stdout's reading end closed at once, as `adot … | head -0` does */
  async function withClosedStdout(argv: string[]): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    return { code, stderr };
  }

  it('ends the output quietly, exit 0, from the page and from the full CLI', async () => {
    for (const argv of [['--help'], ['install', '--help', '--no-color'], ['--version']]) {
      const result = await withClosedStdout(argv);
      expect(result.stderr, argv.join(' ')).toBe('');
      expect(result.code, argv.join(' ')).toBe(0);
    }
  });
});
