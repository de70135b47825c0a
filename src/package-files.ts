/**
 * The package's own files (package.json, bin/, templates/), found from where this code runs: src/ under the tests,
 * dist/ after tsc, or a chunk of the bundle in dist/bundle/. Each sits at a different depth, so the package root is
 * the nearest directory above that holds a package.json (looked up once, on first use).
 */
import type * as Fs from 'node:fs';

let root: URL | undefined;

export function packageFileUrl(relativePath: string): URL {
  root ??= findPackageRoot(new URL('.', import.meta.url));
  return new URL(relativePath, root);
}

/** package.json's version, what `adot --version` prints */
export function packageVersion(): string {
  const manifest = JSON.parse(fs().readFileSync(packageFileUrl('package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function findPackageRoot(start: URL): URL {
  for (let directory = start; ; directory = new URL('..', directory)) {
    if (fs().existsSync(new URL('package.json', directory))) return directory;
    if (directory.pathname === '/') throw new Error(`no package.json above ${start.pathname}`);
  }
}

/**
 * node:fs without a static import: an ES module importing node:fs makes Node build the module's ESM view, which
 * loads its stream classes (~3 ms of `adot --version` on Node 24); this file is on the path of every command.
 */
function fs(): typeof Fs {
  return process.getBuiltinModule('node:fs');
}
