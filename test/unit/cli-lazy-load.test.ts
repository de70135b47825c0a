import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/adot.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'adot-imports-'));

/**
 * Runs the built CLI with a module-resolution hook that appends every resolved URL to a file, and returns them.
 * (`npm test` builds dist/ before running vitest.)
 */
function importsOf(args: string[]): string[] {
  const log = join(dir, `${args.join('_') || 'none'}.log`);
  const hooks = `
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
      return resolved;
    }`;
  const register = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`;
  const result = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, bin, ...args],
    {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '' },
    },
  );
  expect(result.status, result.stderr).toBe(0);
  return readFileSync(log, 'utf8').trim().split('\n');
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lazy loading', () => {
  it.each([['--help'], ['--version'], ['versions', '--help']])(
    'adot %s loads neither the AWS SDK nor @kubernetes/client-node',
    (...args) => {
      const urls = importsOf(args);
      expect(urls.some((url) => url.includes('/dist/cli/main.js'))).toBe(true);
      expect(urls.some((url) => url.includes('commander'))).toBe(true);
      expect(urls.filter((url) => /@aws-sdk|@smithy|@kubernetes\/client-node/.test(url))).toEqual([]);
    },
  );

  it('the same hook does see the SDK when a command uses it (the probe works)', () => {
    const urls = importsOf(['versions', '--sandbox', '-o', 'json']);
    expect(urls.some((url) => url.includes('@aws-sdk/client-eks'))).toBe(true);
    expect(urls.some((url) => url.includes('@kubernetes/client-node'))).toBe(false);
  });
});
