/**
 * `npm run test:fast`: the in-process tiers (test/unit, test/app) without any test that needs an external peer,
 * i.e. the AWS CLI, kubectl, moto_server, Prometheus or `script` (a pseudo-terminal). The CLI, integration and
 * conformance tiers, which drive the built CLI and detached sandboxes end to end, run in `npm test` with everything
 * else. A test file needs a peer when it imports a helper that runs one, or runs one itself (`run('kubectl', …)`);
 * those files are found by reading them, so a new one is classified without a list to keep.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export const FAST_TIERS = ['test/unit', 'test/app'];

const PEER_HELPERS = /helpers\/(aws-cli|aws-moto|kube-kubectl|collector-prometheus|terminal)\.js'/;
const PEER_COMMAND = /\b(run|execFile|execFileSync|spawn|spawnSync)\(\s*'(aws|kubectl|moto_server|prometheus|script)'/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** the test files (anywhere under test/) that run an external peer */
export const PEER_TEST_FILES = testFiles('test').filter((file) => {
  const text = readFileSync(file, 'utf8');
  return PEER_HELPERS.test(text) || PEER_COMMAND.test(text);
});

// not mergeConfig: it would append these globs to the base config's, where they must replace them
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: FAST_TIERS.map((tier) => `${tier}/**/*.test.ts`),
    exclude: ['**/node_modules/**', ...PEER_TEST_FILES],
  },
});
