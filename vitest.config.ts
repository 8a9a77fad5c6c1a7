import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Unit tests run in-process against real files and sockets; integration tests start the
// built host (out/) as a real process, so they need `npm run build` first (npm test does it).
export default defineConfig({
  define: { __GROVE_VERSION__: JSON.stringify(pkg.version) },
  test: {
    // At least two files at once, though Vitest's default on a 2-core machine is one: most
    // files here wait on real processes (hosts, shells, git, MariaDB) far more than they
    // compute, so two at a time takes about 40% off the run on such a machine.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // On CI (CI set, as .ci/run does) a failed test runs once more, so one timing flake on a
    // loaded machine does not throw away a whole run; one that passes only then is named at
    // the end of `npm test`'s output, to be fixed rather than forgotten. Never locally: a
    // failure here is seen at once.
    retry: process.env.CI ? 1 : 0,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Many unit tests run real PTYs, git and process trees: a case that takes 3 s alone
          // took over 5 s (Vitest's default) beside the integration files on 2 cores.
          testTimeout: 20_000,
          hookTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Real processes on a shared 2-core machine: waiting for a state is not timing it.
          expect: { poll: { timeout: 10_000, interval: 50 } },
        },
      },
    ],
  },
});
