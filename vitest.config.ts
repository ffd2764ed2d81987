import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/main/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/main/build-if-stale.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Real child processes and SQLite files: keep parallelism within two cores.
    maxWorkers: 2,
  },
});
