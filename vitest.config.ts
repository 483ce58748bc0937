import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    reporters: ['default', './test/setup/summary-reporter.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Every test file gets its own database cloned from a migrated template, so files run in parallel safely.
    fileParallelism: true,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/main.ts', 'src/worker.ts', 'src/cli/**', 'src/types.d.ts'],
      reporter: ['text-summary', 'json-summary'],
      // spec §14, per layer.
      thresholds: {
        'src/domain/**/*.service.ts': { lines: 90 },
        'src/domain/**/*.repository.ts': { lines: 85 },
        'src/api/**/*.ts': { lines: 80 },
        'src/workers/**/*.ts': { lines: 75 },
      },
    },
  },
});
