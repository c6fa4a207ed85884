import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    // Two cores: integration files share one broker; more workers only add contention.
    maxWorkers: 2,
    // No retries: a test that fails once in N runs shows a race, in the product or in the test.
    // In CI a JSON report lets .ci/run print one plain 'N passed, N failed' line.
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results.json' },
    projects: [
      // Pure logic: no broker, no build; `npm run test:unit` takes seconds.
      // The codec property tests encode thousands of random batches: on a loaded two-core machine
      // one codec's run can pass vitest's 5 s default.
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 30_000 } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // One throwaway broker for the whole run, started through `kstream local start`'s code;
          // a Schema Registry too, but only once a test file asks for it (test/helpers/registry.ts).
          globalSetup: ['test/setup/global-broker.ts', 'test/setup/global-registry.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
