import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/adot.js', import.meta.url));
const bundleDir = fileURLToPath(new URL('../../dist/bundle/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'adot-imports-'));

/** dist/bundle/modules.json, written by the build (rolldown.config.mjs): each chunk's packages and adot modules */
function chunkManifest(): Record<string, { packages: string[]; sources: string[]; imports: string[] }> {
  return JSON.parse(readFileSync(join(bundleDir, 'modules.json'), 'utf8')) as Record<
    string,
    { packages: string[]; sources: string[]; imports: string[] }
  >;
}

/** the packages bundled into each chunk */
function chunkPackages(): Map<string, string[]> {
  return new Map(Object.entries(chunkManifest()).map(([chunk, { packages }]) => [chunk, packages]));
}

/** adot's modules (paths from src/) in the bundle chunks among the loaded files */
function sourcesLoaded(urls: string[]): string[] {
  const manifest = chunkManifest();
  return urls
    .filter((url) => url.startsWith('file:') && fileURLToPath(url).startsWith(bundleDir))
    .flatMap((url) => manifest[basename(fileURLToPath(url))]?.sources ?? []);
}

/** what importsOf found per command line: several tests look at the same run */
const importsByLog = new Map<string, string[]>();

/**
 * Runs the built CLI with a module-resolution hook that appends every resolved URL to a file, and the files require()
 * loaded when it exits, and returns them (once per command line). (`npm test` builds dist/ before running vitest.)
 */
function importsOf(args: string[], exitCode = 0): string[] {
  const log = join(dir, `${args.join('_') || 'none'}.log`);
  const known = importsByLog.get(log);
  if (known !== undefined) return known;
  const hooks = `
    import { appendFileSync } from 'node:fs';
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(${JSON.stringify(log)}, resolved.url + '\\n');
      return resolved;
    }`;
  // and, as the process exits, what require() loaded (CommonJS packages the bundle requires at run time)
  const register = `
    import { appendFileSync } from 'node:fs';
    import { createRequire, register } from 'node:module';
    import { pathToFileURL } from 'node:url';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
    process.on('exit', () => {
      const required = Object.keys(createRequire(${JSON.stringify(bin)}).cache).map((path) => pathToFileURL(path).href);
      appendFileSync(${JSON.stringify(log)}, required.map((url) => url + '\\n').join(''));
    });`;
  const result = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, bin, ...args],
    {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '' },
    },
  );
  expect(result.status, result.stderr).toBe(exitCode);
  const urls = readFileSync(log, 'utf8').trim().split('\n');
  importsByLog.set(log, urls);
  return urls;
}

/** the packages behind the loaded files: a bundle chunk's bundled packages, or the package a file belongs to */
function packagesLoaded(urls: string[]): string[] {
  const chunks = chunkPackages();
  const packages = urls
    .filter((url) => url.startsWith('file:'))
    .flatMap((url) => {
      const path = fileURLToPath(url);
      if (path.startsWith(bundleDir)) return chunks.get(basename(path)) ?? [];
      const inNodeModules = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(path);
      return inNodeModules ? [inNodeModules[1]?.replace('\\', '/') ?? ''] : [];
    });
  return [...new Set(packages)].sort();
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lazy loading', () => {
  // with --no-color, help lines have no page rendered ahead (below): these run the bundle's command tree
  it.each([
    ['--help', '--no-color'],
    ['--version', '--no-color'],
    ['versions', '--help', '--no-color'],
    ['help', 'doctor', '--no-color'],
    ['completion', '--help', '--no-color'],
  ])('adot %s runs from the bundle and loads neither the AWS SDK, @kubernetes/client-node, yaml nor ora', (...args) => {
    const urls = importsOf(args);
    expect(urls).toContain(new URL('../../dist/bundle/main.js', import.meta.url).href);
    const files = urls.filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
    expect(files.filter((path) => path !== bin && !path.startsWith(bundleDir))).toEqual([]);
    const packages = packagesLoaded(urls);
    expect(packages).toContain('commander');
    expect(packages.filter((name) => /^@aws-sdk\/|^@smithy\/|^@kubernetes\/|^yaml$|^ora$/.test(name))).toEqual([]);
  });

  it.each([['--version'], ['-V']])('adot %s alone loads nothing but bin/adot.js (not even the bundle)', (flag) => {
    const files = importsOf([flag])
      .filter((url) => url.startsWith('file:'))
      .map((url) => fileURLToPath(url));
    expect(files).toEqual([bin]);
    const version = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
    expect(spawnSync(process.execPath, [bin, flag], { encoding: 'utf8' })).toMatchObject({
      status: 0,
      stdout: `${version}\n`,
      stderr: '',
    });
  });

  it.each([['--help'], ['help', 'doctor'], ['install', '-h'], ['sandbox', 'start', '--help']])(
    'adot %s prints its page rendered at build time and loads nothing but bin/adot.js',
    (...args) => {
      const files = importsOf(args)
        .filter((url) => url.startsWith('file:'))
        .map((url) => fileURLToPath(url));
      expect(files).toEqual([bin]);
      const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      expect(result).toMatchObject({ status: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: adot /);
    },
  );

  it("adot doctor never imports node:http as an ES module (Node 22+ would load undici's WebSocket for its facade)", () => {
    // rolldown.config.mjs gives the bundle `http` from process.getBuiltinModule; the sandbox's servers, the SDK's
    // handler and client-node all use it here, and node:https (imported as usual) shows that the probe sees built-ins
    const urls = importsOf(['doctor', '--sandbox', '--sandbox-scenario', 'installed-healthy', '-o', 'json']);
    expect(urls).toContain('node:https');
    expect(urls.filter((url) => url === 'node:http' || url === 'http')).toEqual([]);
    expect(packagesLoaded(urls)).toContain('@kubernetes/client-node');
  });

  // the fresh scenario runs no collector, whose runtime loads client-node (and node-fetch) from node_modules
  it("adot doctor loads no node-fetch: client-node's requests go out with node:https, its imports of node-fetch load it on first use", () => {
    const urls = importsOf(['doctor', '--sandbox', '--sandbox-scenario', 'fresh', '-o', 'json'], 1);
    const packages = packagesLoaded(urls);
    expect(packages).toContain('@kubernetes/client-node');
    expect(packages.filter((name) => ['node-fetch', 'whatwg-url', 'tr46'].includes(name))).toEqual([]);
    for (const [chunk, { imports }] of Object.entries(chunkManifest())) {
      expect(
        imports.filter((name) => name.startsWith('node-fetch')),
        chunk,
      ).toEqual([]);
    }
  });

  it('the probe sees what require() loads (doctor requires ajv to validate an add-on configuration)', () => {
    const urls = importsOf(['doctor', '--sandbox', '--sandbox-scenario', 'addon-presets', '-o', 'json'], 1);
    expect(packagesLoaded(urls)).toContain('ajv');
  });

  it('a sandbox with no collector deployed loads no collector runtime (the supervisor loads it on first start)', () => {
    const sources = sourcesLoaded(importsOf(['versions', '--sandbox', '-o', 'json']));
    expect(sources).toContain('sandbox/sandbox.ts');
    expect(sources).toContain('collector/supervisor.ts');
    const runtime = /^collector\/(runtime\/(collector|factories)\.ts$|receivers\/|processors\/|exporters\/)/;
    expect(sources.filter((path) => runtime.test(path))).toEqual([]);
  });

  it('the same probe does see the SDK when a command uses it (the probe works)', () => {
    const packages = packagesLoaded(importsOf(['versions', '--sandbox', '-o', 'json']));
    expect(packages).toContain('@aws-sdk/client-eks');
    expect(packages).not.toContain('@kubernetes/client-node');
    expect(packages).not.toContain('ora');
  });
});
