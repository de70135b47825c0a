import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../../src', import.meta.url));
const modules = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))
  .sort();

/**
 * packages and Node built-ins imported anywhere in src/: their own import-time behaviour is not ours to test (Node's
 * loader itself reads WATCH_REPORT_DEPENDENCIES the first time it loads a module natively, built-ins included)
 */
const packages = [
  ...new Set(
    modules.flatMap((path) =>
      [
        ...readFileSync(join(srcDir, path), 'utf8').matchAll(
          /(?:^\s*(?:import|export)\b[^;]*?\bfrom\s*|\bimport\(\s*)'((?:node:)?[@a-z][^']*)'/gm,
        ),
      ].map((match) => match[1] ?? ''),
    ),
  ),
];

const originalEnv = process.env;
const originalStdoutWrite = process.stdout.write;
const originalStderrWrite = process.stderr.write;

afterEach(() => {
  process.env = originalEnv;
  process.stdout.write = originalStdoutWrite;
  process.stderr.write = originalStderrWrite;
});

/**
 * Importing any module under src/ must do nothing: no output, no timers, sockets or servers left behind, no
 * environment reads. Everything happens when a function is called (npm-check-updates' lesson).
 */
describe('importing src/ has no side effects', () => {
  // Load the dependencies first, so that each test below runs only our modules' top-level code.
  beforeAll(async () => {
    for (const specifier of packages) await import(specifier);
  });

  it('finds the modules', () => {
    expect(modules).toContain('cli/main.ts');
    expect(modules).toContain('system.ts');
  });

  it.each(modules)('%s', async (path) => {
    const envReads: string[] = [];
    process.env = new Proxy(originalEnv, {
      get(target, key, receiver) {
        if (typeof key === 'string') envReads.push(key);
        return Reflect.get(target, key, receiver);
      },
    });
    const writes: string[] = [];
    const record = (chunk: unknown): boolean => {
      writes.push(String(chunk));
      return true;
    };
    process.stdout.write = record as typeof process.stdout.write;
    process.stderr.write = record as typeof process.stderr.write;
    const before = process.getActiveResourcesInfo();

    await import(pathToFileURL(join(srcDir, path)).href);
    await new Promise((resolve) => setImmediate(resolve));

    const after = process.getActiveResourcesInfo();
    process.env = originalEnv;
    process.stdout.write = originalStdoutWrite;
    process.stderr.write = originalStderrWrite;
    expect({
      module: relative(srcDir, join(srcDir, path)),
      writes,
      envReads,
      newResources: added(before, after),
    }).toEqual({
      module: path,
      writes: [],
      envReads: [],
      newResources: [],
    });
  });
});

function added(before: string[], after: string[]): string[] {
  const remaining = [...before];
  return after.filter((resource) => {
    const index = remaining.indexOf(resource);
    if (index === -1) return true;
    remaining.splice(index, 1);
    return false;
  });
}
