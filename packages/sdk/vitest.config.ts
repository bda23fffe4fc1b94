import { defineConfig } from 'vitest/config';

// Each test file opens its own database once (beforeAll): allow for PGlite start-up.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], hookTimeout: 120_000, testTimeout: 60_000 },
});
