import path from 'node:path';
import { configDefaults, defineConfig } from 'vitest/config';

const alias = { '~': path.resolve(import.meta.dirname, 'app') };

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          setupFiles: ['tests/support/fail-on-console-error.ts'],
        },
      },
      {
        resolve: { alias },
        test: {
          // One suite, every engine: the embedded PostgreSQL engine always, Meilisearch when MEILI_URL is set.
          name: 'contract',
          include: ['tests/contract/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/fail-on-console-error.ts'],
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          // Runs in the 'fuzz' project with the other checks of issue 9 (docs/reliability.md "Concurrency").
          exclude: [...configDefaults.exclude, 'tests/integration/concurrency.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/fail-on-console-error.ts'],
          // Each file restores its own database from the template; two cores here.
          pool: 'forks',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // Property-based fuzzing of every action and loader (tests/fuzz/harness.ts; FUZZ_RUNS raises the runs) and
          // the concurrency suite (20 simultaneous calls on one record; real parallel transactions with DATABASE_URL).
          name: 'fuzz',
          include: ['tests/fuzz/**/*.test.ts', 'tests/integration/concurrency.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/fail-on-console-error.ts'],
          pool: 'forks',
          testTimeout: 600_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          // Fault tests (docs/reliability.md "Faults"): kill -9 of the worker process (only with DATABASE_URL: two
          // processes cannot share PGlite) and a search engine that times out.
          name: 'faults',
          include: ['tests/faults/**/*.test.ts'],
          globalSetup: ['tests/support/global-setup.ts'],
          setupFiles: ['tests/support/fail-on-console-error.ts'],
          pool: 'forks',
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
