// Benchmarks run as a plain vitest run over bench/ (see bench/README.md): they print their
// numbers and assert nothing about time. No global set-up, so no app build before them.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['bench/**/*.bench.ts'],
    environment: 'node',
    testTimeout: 600_000,
    maxWorkers: 1,
  },
});
