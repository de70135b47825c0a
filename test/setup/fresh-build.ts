/**
 * Vitest global setup: the tests that spawn bin/adot.js run the bundle users run (dist/bundle/), and a few import
 * tsc's output (dist/); when any of their sources is newer than the build, or there is no build, build first
 * (`npm run build`) so that no test runs a stale artefact. `npm test` builds before vitest, so this only acts when
 * vitest runs alone after a change.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['src', 'bin', 'rolldown.config.mjs', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];
/** what the build writes last (tsc, then rolldown) and first */
const OUTPUTS = ['dist/cli/main.js', 'dist/bundle/main.js', 'dist/bundle/modules.json'];

function newestMtime(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function oldestOutput(): number | undefined {
  try {
    return Math.min(...OUTPUTS.map((path) => statSync(join(root, path)).mtimeMs));
  } catch {
    return undefined; // not built
  }
}

export default function ensureFreshBuild(): void {
  const built = oldestOutput();
  const changed = Math.max(...SOURCES.map((path) => newestMtime(join(root, path))));
  if (built !== undefined && built >= changed) return;
  console.log(
    built === undefined ? 'dist/ is missing: npm run build' : 'dist/ is older than its sources: npm run build',
  );
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status ?? result.signal})`);
}
