import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-broker.ts'],
    pool: 'forks',
    // Two cores: integration files share one broker; more workers only add contention.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 180_000,
    // In CI, one more try for a test that failed: a one-node broker on a loaded two-core machine
    // sometimes answers "not the leader" or times out for a moment. A real defect fails twice.
    retry: process.env.CI ? 1 : 0,
    // In CI a JSON report lets .ci/run print one plain 'N passed, N failed' line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results.json' },
  },
});
