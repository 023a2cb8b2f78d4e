import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files share their worker's module cache: the pure-core files then cost their tests and
    // nothing else, and CLI tests keep one in-process CLI worker (test/helpers/cli.ts) per fork.
    // Tests that change process state (env, cwd, signals) restore it or run in a child process.
    isolate: false,
    // One more worker than cores (vitest's default is one fewer): many tests wait on child
    // processes, terminals and servers, and the extra worker runs while they wait.
    maxWorkers: availableParallelism() + 1,
  },
});
