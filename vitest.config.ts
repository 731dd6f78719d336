import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    // Reference suites are CPU-heavy; two files at a time matches the 2-core machines.
    maxWorkers: 2,
  },
});
