import { defineConfig } from 'vitest/config';

// Two groups, run one after the other:
// - node: everything that runs in Node, two files at a time (the machines have 2 cores; the
//   reference suites and lavapipe are CPU-heavy);
// - chromium: the headless-browser tests, one file at a time and only once the node group has
//   finished. The app's end-to-end test measures main-thread long tasks in wall-clock time, and a
//   browser sharing 2 cores with lavapipe or the float64 pool gets preempted: a task the page
//   finishes in 40 ms then reads as 300 ms. Alone, the measurement is the page's own.
const BROWSER_TESTS = ['test/browser/**/*.test.ts', 'test/app/**/*.e2e.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude: BROWSER_TESTS, maxWorkers: 2, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'chromium', include: BROWSER_TESTS, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
