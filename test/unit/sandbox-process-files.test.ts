import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isProcessAlive,
  parseEnvFile,
  readSandboxInfo,
  renderEnvFile,
  writeFileAtomic,
} from '../../src/sandbox/process/files.js';

const run = promisify(execFile);

describe('sandbox process files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'adot-sandbox-files-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders env lines a POSIX shell reads back exactly, whatever the characters', async () => {
    const env = { PLAIN: 'http://127.0.0.1:4566', TRICKY: `it's "$HOME" \`x\` \\ ; $(rm -rf /)`, EMPTY: '' };
    const text = renderEnvFile(env);
    expect(text.split('\n')[0]).toBe("export PLAIN='http://127.0.0.1:4566'");
    const path = join(dir, 'env');
    await writeFileAtomic(path, text);
    const { stdout } = await run('sh', ['-c', `. "${path}" && printf '%s\\n%s\\n%s' "$PLAIN" "$TRICKY" "$EMPTY"`]);
    expect(stdout).toBe(`${env.PLAIN}\n${env.TRICKY}\n`);
    expect(parseEnvFile(text)).toEqual(env);
  });

  it('writes atomically with private permissions and leaves no temporary file', async () => {
    const path = join(dir, 'sandbox.json');
    await writeFileAtomic(path, JSON.stringify({ pid: process.pid }));
    await writeFileAtomic(path, JSON.stringify({ pid: process.pid, awsEndpoint: 'x' }));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ pid: process.pid, awsEndpoint: 'x' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await readSandboxInfo(dir))?.pid).toBe(process.pid);
    expect(await readSandboxInfo(join(dir, 'absent'))).toBeUndefined();
  });

  it('tells live processes from gone ones', async () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const child = execFile(process.execPath, ['-e', '']);
    const pid = child.pid as number;
    await new Promise((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(isProcessAlive(pid)).toBe(false);
  });
});
