import { defineConfig } from 'vitest/config';

// A fresh PGlite takes ~15 s to initialise on a loaded 2-core machine (beforeAll), and the first
// queue of a file installs pg-boss's schema, then polls: seconds, not milliseconds, under load.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], hookTimeout: 120_000, testTimeout: 30_000 },
});
