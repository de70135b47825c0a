import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // builds dist/ first when it is missing or older than its sources (tests spawn the bundle users run)
    globalSetup: ['test/setup/fresh-build.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
    // in-process SDK clients under Node 20 would print the SDK's Node-version notice once per test file; the CLI's own
    // silence on a user's terminal is tested with a clean environment (test/cli/environment-errors.test.ts)
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
