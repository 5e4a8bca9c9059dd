import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Generous: an end-to-end test runs the real CLI several times, far slower on a loaded machine
    // (test/monitor-workflow.test.ts took over 60 s at load 25 on 2 cores). Only a hang waits it out.
    testTimeout: 180_000,
    hookTimeout: 240_000,
    pool: 'forks',
    // Vitest's default is one worker per core less one: a single worker on the 2 cores of CI, so
    // the second core idled while a test waited on a child (cairn, git, Chromium, Prometheus).
    // Two test files at once left a core idle a quarter of the time (the e2e files wait on their
    // children); three keep both busy. The tests wait for conditions, not durations.
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        // The unit tests beside the code share their worker processes (no fresh process and module
        // graph per file): importing vitest and the sources again for each of ~100 small files cost
        // more than their tests (src/: 184 s against 70 s, measured alternately on a loaded machine).
        // They restore what they change (process.env, timers, the global dispatcher).
        test: { name: 'unit', include: ['src/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        // The end-to-end tests start servers, browsers and children: each file in its own process.
        test: { name: 'e2e', include: ['test/**/*.test.ts'] },
      },
    ],
  },
});
