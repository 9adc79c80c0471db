import { defineConfig } from "vitest/config";

/**
 * Three projects, one command (`npm test`):
 * - unit: pure code next to its module (`app/**`, `scripts/**`, `db/**`), no I/O beyond temp files;
 * - integration: services on a real PostgreSQL, one database per worker cloned from a migrated
 *   template (test/integration/global-setup.ts);
 * - e2e: the built app in Debian's Chromium (test/e2e/global-setup.ts builds it once).
 * Each project first makes the machine ready (test/setup/machine.ts): the Debian tools it needs,
 * and a throwaway PostgreSQL when none answers at TEST_DATABASE_URL.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["app/**/*.test.{ts,tsx}", "scripts/**/*.test.ts", "db/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/setup/machine.ts"],
          // Some unit tests start the CLI or generate RSA-3072 keys: on two busy cores that can take
          // seconds. Tests check behaviour, never time, so the limit is only a hang detector.
          testTimeout: 60_000,
          setupFiles: ["test/setup/fail-on-console-error.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/setup/machine.ts", "test/integration/global-setup.ts"],
          setupFiles: ["test/setup/fail-on-console-error.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          globalSetup: ["test/setup/machine.ts", "test/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Each file starts its own server and browser; two cores allow two at a time, and the
          // browser tests run after the others (their own group) so they do not starve each other.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
